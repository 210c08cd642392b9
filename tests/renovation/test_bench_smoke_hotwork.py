"""The hot-work / lifts benchmark at a tiny scale, so it cannot rot: the generator's rows satisfy the
constraints (no overlapping booking on one lift, numbered permits), and every timed page keeps to
≤ 10 queries whatever the data (the figures print with ``-s``)."""

from bench import renovation_hotwork


def test_the_bench_builds_and_measures_within_the_query_target(db, settings, capsys):
    data = renovation_hotwork.build(sites=400, permits=1400, bookings=3000, log=print)
    figures = renovation_hotwork.measure(data, requests=3, log=print)
    assert [problem for problem in renovation_hotwork.missed(figures) if "queries" in problem] == []
    assert data["issued"] is not None
