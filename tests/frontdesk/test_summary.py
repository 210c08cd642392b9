"""The daily summary 前台日报: sections from the registry (scoped to the user's communities), comparisons from
the frozen days in one query, "corrected since", freezing (idempotent, append-only), the beat's sweep with
catch-up, the PDF e-mailed once per manager and day (a real worker; Redis down mid-run), the archive, the
settings, query counts and bad query strings."""

import datetime
import time
import uuid
from decimal import Decimal
from unittest import mock

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from core.models import OutboundMessage, Role
from frontdesk.models import FrozenFigure, SummaryDelivery, SummarySettings
from frontdesk.selectors import summary as selectors
from frontdesk.services import summary as services
from tests.factories import CommunityFactory
from tests.frontdesk.summary_fixtures import apps_sections_set_aside_fixture, days_back, fake_section_fixture  # noqa: F401 (the fixtures)

pytestmark = pytest.mark.usefixtures("english_messages")

DAY = datetime.date(2026, 3, 12)  # a Thursday
QUEUE = f"test-summary-{uuid.uuid4().hex[:8]}"


def _page(client, **params):
    return client.get(reverse("frontdesk:summary"), params)


def _row(summary, key):
    return next(row for row in summary.rows if row.key == key)


# ---- arrows and colours --------------------------------------------------------------------------------------

def test_arrows_and_colours_agree_with_the_numbers():
    up = selectors.compare(5, 3, "up", "x")
    assert (up.arrow, up.tone, up.delta, up.change) == ("up", "good", 2, 2)
    worse = selectors.compare(5, 3, "down", "x")
    assert (worse.arrow, worse.tone) == ("up", "bad")
    fell = selectors.compare(Decimal("10.00"), Decimal("12.50"), "up", "x")
    assert (fell.arrow, fell.tone, fell.delta, fell.change) == ("down", "bad", Decimal("-2.50"), Decimal("2.50"))
    assert selectors.compare(3, 3, "up", "x").arrow == "flat" and selectors.compare(3, 3, "up", "x").tone == ""
    assert selectors.compare(4, 3, "", "x").tone == ""  # no direction: neutral
    assert selectors.compare(4, None, "up", "x").arrow == ""  # nothing frozen to compare with


# ---- the page --------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_exceptions_come_first_and_open_their_list(client, users, community_a, fake_section):
    today = timezone.localdate()
    fake_section.set(community_a, today, overdue=2, opened=7, collected=Decimal("1200.50"), paid=80, due=100)
    client.force_login(users[Role.MANAGER])
    response = _page(client)
    assert response.status_code == 200
    summary = response.context["summary"]
    assert [row.key for row in summary.exceptions] == ["test.overdue"]
    html = response.content.decode()
    assert html.index("summary-exceptions") < html.index("summary-test")
    assert 'href="/repairs/tickets/?overdue=1"' in html
    assert "¥1,200.50" in html and "80.0%" in html
    assert _row(summary, "test.rate").alert  # under the 85 % target
    assert 'id="summary-chart-data"' in html and "js/summary.js" in html


@pytest.mark.django_db
def test_no_exception_when_the_value_is_zero_and_no_sections_still_work(client, users, community_a, fake_section):
    client.force_login(users[Role.MANAGER])
    assert _page(client).context["summary"].exceptions == []
    from frontdesk.registry import unregister_summary_section

    unregister_summary_section("test")
    response = _page(client)
    assert response.status_code == 200 and response.context["summary"].sections == []
    assert 'id="summary-empty"' in response.content.decode()


@pytest.mark.django_db
def test_community_b_figures_never_reach_a_manager_of_a(client, users, community_a, community_b, fake_section):
    today = timezone.localdate()
    fake_section.set(community_a, today, opened=3)
    fake_section.set(community_b, today, opened=100)
    client.force_login(users[Role.MANAGER])
    for params in ({}, {"community": community_b.pk}, {"community": "x"}):
        summary = _page(client, **params).context["summary"]
        assert summary.community_ids == [community_a.pk]
        assert _row(summary, "repairs.opened").value == 3
    assert all(ids == (community_a.pk,) for ids, _day in fake_section.calls)


@pytest.mark.django_db
def test_a_manager_of_several_sees_the_sum_or_one(client, make_user, community_a, community_b, fake_section):
    today = timezone.localdate()
    fake_section.set(community_a, today, opened=3, paid=50, due=100)
    fake_section.set(community_b, today, opened=4, paid=100, due=100)
    client.force_login(make_user(role=Role.MANAGER, communities=[community_a, community_b]))
    both = _page(client).context["summary"]
    assert _row(both, "repairs.opened").value == 7
    assert _row(both, "test.rate").value == Decimal("75.00")  # recomputed by the section, not summed
    assert _page(client, community=community_b.pk).context["summary"].community_ids == [community_b.pk]


@pytest.mark.django_db
def test_the_page_is_refused_to_the_desk_and_future_days_are_refused(client, users, community_a, fake_section):
    client.force_login(users[Role.CLERK])
    assert _page(client).status_code == 403
    client.force_login(users[Role.SUPERVISOR])
    future = timezone.localdate() + datetime.timedelta(days=3)
    response = _page(client, day=future.isoformat())
    assert response.status_code == 200 and response.context["day"] == timezone.localdate()
    assert "has not come yet" in " ".join(str(m) for m in response.context["messages"])


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["x", "\x00", "2026-13-45", "9" * 400, "1999-01-01", "1e999999"])
def test_bad_query_strings_are_ignored_with_a_notice(client, users, community_a, fake_section, value):
    client.force_login(users[Role.MANAGER])
    response = _page(client, day=value, community=value)
    assert response.status_code == 200 and response.context["day"] == timezone.localdate()
    archive = client.get(reverse("frontdesk:summary_archive"), {"month": value, "community": value, "page": value})
    assert archive.status_code == 200


@pytest.mark.django_db
def test_query_count_is_the_same_for_one_and_three_communities(client, make_user, community_a, fake_section,
                                                                django_assert_max_num_queries):
    others = [CommunityFactory() for _ in range(2)]
    one = make_user(role=Role.MANAGER, communities=[community_a], username="m1")
    three = make_user(role=Role.MANAGER, communities=[community_a, *others], username="m3")
    for community in [community_a, *others]:
        for back in range(0, 40):
            services.summary_freeze(community=community, day=days_back(DAY, back))
    counts = []
    for user in (one, three):
        client.force_login(user)
        with django_assert_max_num_queries(12) as captured:
            assert _page(client, day=DAY.isoformat()).status_code == 200
        counts.append(len(captured.captured_queries))
    assert counts[0] == counts[1]
    summary_queries = [q for q in captured.captured_queries if "frontdesk_frozenfigure" in q["sql"]]
    assert len(summary_queries) == 1  # every comparison, correction and chart point from one query


# ---- comparisons and corrections -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_comparisons_read_the_frozen_days(users, community_a, fake_section):
    fake_section.set(community_a, days_back(DAY, 1), opened=5, overdue=1, collected=Decimal("100.00"))
    fake_section.set(community_a, days_back(DAY, 7), opened=9, overdue=4)
    fake_section.set(community_a, DAY, opened=7, overdue=2, collected=Decimal("50.00"))
    for back in range(1, 12):  # March 1–11 frozen; then Feb 1–12, 2 tickets and ¥10 a day
        services.summary_freeze(community=community_a, day=days_back(DAY, back))
    for n in range(1, 13):
        fake_section.set(community_a, datetime.date(2026, 2, n), opened=2, collected=Decimal("10.00"))
        services.summary_freeze(community=community_a, day=datetime.date(2026, 2, n))
    summary = selectors.summary_for([community_a.pk], DAY, user=users[Role.MANAGER])
    opened = _row(summary, "repairs.opened")
    yesterday, last_week, month = opened.comparisons
    assert (yesterday.previous, yesterday.arrow, yesterday.tone) == (5, "up", "good")
    assert (last_week.previous, last_week.arrow, last_week.tone) == (9, "down", "bad")
    # month to date: March 1–11 frozen (5 on the 11th, 9 on the 5th, 0 the other days) + 7 today; Feb 1–12: 24
    assert (month.current, month.previous, month.arrow) == (5 + 9 + 7, 24, "down")
    overdue = _row(summary, "test.overdue")
    assert (overdue.comparisons[0].arrow, overdue.comparisons[0].tone) == ("up", "bad")  # more overdue: worse
    assert (overdue.comparisons[1].arrow, overdue.comparisons[1].tone) == ("down", "good")
    collected = _row(summary, "billing.collected")
    assert collected.comparisons[2].current == Decimal("150.00") and collected.comparisons[2].previous == Decimal("120.00")
    rate = _row(summary, "test.rate")
    assert len(rate.comparisons) == 2  # a level: no month-to-date sum
    assert summary.chart["tickets"][-2:] == [5.0, 7.0] and summary.chart["labels"][-1] == "03-12"


@pytest.mark.django_db
def test_a_missing_frozen_day_leaves_the_comparison_empty(users, community_a, fake_section):
    fake_section.set(community_a, DAY, opened=7)
    summary = selectors.summary_for([community_a.pk], DAY, user=users[Role.MANAGER])
    assert all(c.previous is None and c.arrow == "" for c in _row(summary, "repairs.opened").comparisons)


@pytest.mark.django_db
def test_corrected_since_shows_the_frozen_value_and_the_live_one(client, users, community_a, fake_section):
    fake_section.set(community_a, DAY, opened=7, collected=Decimal("300.00"))
    services.summary_freeze(community=community_a, day=DAY)
    fake_section.set(community_a, DAY, opened=8)  # a ticket logged late for that day
    client.force_login(users[Role.MANAGER])
    response = _page(client, day=DAY.isoformat())
    summary = response.context["summary"]
    opened = _row(summary, "repairs.opened")
    assert (opened.value, opened.is_corrected, opened.corrected) == (7, True, 8)
    assert not _row(summary, "billing.collected").is_corrected
    assert summary.frozen
    html = response.content.decode()
    assert "Corrected since" in html and html.count("summary-corrected") == 1
    # the archive (and its PDF) keep the frozen value
    archived = selectors.summary_for([community_a.pk], DAY, user=users[Role.MANAGER], archived=True)
    assert _row(archived, "repairs.opened").value == 7 and not _row(archived, "repairs.opened").is_corrected


# ---- freezing -------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_freezing_is_idempotent_and_append_only(community_a, fake_section):
    fake_section.set(community_a, DAY, opened=7, collected=Decimal("12.34"), noise=2, cleaning=1, complaints=3)
    assert services.summary_freeze(community=community_a, day=DAY) == 5
    first = {r.key: (r.value, r.frozen_at) for r in FrozenFigure.objects.filter(community=community_a, day=DAY)}
    assert first["repairs.opened"][0] == Decimal("7.00") and first["billing.collected"][0] == Decimal("12.34")
    assert first["test.rate"][0] is None
    row = FrozenFigure.objects.get(community=community_a, day=DAY, key="repairs.complaints")
    assert row.breakdown == [["Noise", "2.00"], ["Cleaning", "1.00"]] and row.section == "test"
    fake_section.set(community_a, DAY, opened=99)
    services.summary_freeze(community=community_a, day=DAY)  # again (two beats): nothing changes
    again = {r.key: (r.value, r.frozen_at) for r in FrozenFigure.objects.filter(community=community_a, day=DAY)}
    assert again == first
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017 (the database trigger's error)
        FrozenFigure.objects.filter(community=community_a, day=DAY).update(value=1)
    with pytest.raises(Exception), transaction.atomic():  # noqa: B017
        FrozenFigure.objects.filter(community=community_a, day=DAY).delete()


@pytest.mark.django_db
def test_the_sweep_freezes_after_the_freeze_time_and_catches_up(community_a, community_b, fake_section):
    SummarySettings.objects.create(community=community_b, freeze_at=datetime.time(21, 30))
    local = timezone.make_aware(datetime.datetime.combine(DAY, datetime.time(20, 5)))
    with mock.patch("core.tasks.deliver_outbound.delay"):
        result = services.summary_sweep(now=local)
    pairs = selectors.frozen_pairs([community_a.pk, community_b.pk], days_back(DAY, 30), DAY)
    assert (community_a.pk, DAY) in pairs and (community_b.pk, DAY) not in pairs  # B freezes at 21:30
    assert {(community_b.pk, days_back(DAY, n)) for n in range(1, 8)} <= pairs  # the 7 days missed
    assert (community_a.pk, days_back(DAY, 8)) not in pairs
    assert result["frozen"] == 8 + 7
    with mock.patch("core.tasks.deliver_outbound.delay"):
        assert services.summary_sweep(now=local)["frozen"] == 0  # nothing twice
        later = local + datetime.timedelta(hours=1, minutes=30)
        assert services.summary_sweep(now=later)["frozen"] == 1  # B's day, after 21:30


@pytest.mark.django_db
def test_the_settings_page_saves_the_freeze_time(client, users, community_a):
    client.force_login(users[Role.MANAGER])
    url = reverse("frontdesk:summary_settings")
    form = client.get(url).context["form"]
    assert form.initial["freeze_at"] == datetime.time(20, 0)
    token = form.initial["form_token"]
    data = {"form_token": token, "community": community_a.pk, "freeze_at": "19:30"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit: one record
    assert SummarySettings.objects.get(community=community_a).freeze_at == datetime.time(19, 30)
    bad = client.post(url, {"form_token": uuid.uuid4().hex, "community": community_a.pk, "freeze_at": "25:99"})
    assert bad.status_code == 200 and bad.context["form"].errors["freeze_at"]
    assert client.get(url).context["form"].initial["freeze_at"] == datetime.time(19, 30)


# ---- the archive and the PDF ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_archive_lists_frozen_days_and_opens_their_pdf(client, users, community_a, community_b, fake_section,
                                                           django_assert_max_num_queries):
    fake_section.set(community_a, DAY, overdue=3, opened=7)
    for back in range(0, 5):
        services.summary_freeze(community=community_a, day=days_back(DAY, back))
        services.summary_freeze(community=community_b, day=days_back(DAY, back))
    client.force_login(users[Role.MANAGER])
    with django_assert_max_num_queries(10):
        response = client.get(reverse("frontdesk:summary_archive"), {"month": "2026-03"})
    rows = list(response.context["page"])
    assert [r["day"] for r in rows] == [days_back(DAY, n) for n in range(0, 5)]
    assert {r["community"] for r in rows} == {community_a.pk}
    url = reverse("frontdesk:summary_pdf", kwargs={"community": community_a.pk, "year": 2026, "month": 3, "day": 12})
    pdf = client.get(url)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    foreign = reverse("frontdesk:summary_pdf", kwargs={"community": community_b.pk, "year": 2026, "month": 3, "day": 12})
    assert client.get(foreign).status_code == 404
    for bad in ({"year": 2026, "month": 2, "day": 30}, {"year": 99999, "month": 1, "day": 1},
                {"year": 2026, "month": 4, "day": 1}):  # not a date, far away, not frozen
        assert client.get(reverse("frontdesk:summary_pdf", kwargs={"community": community_a.pk, **bad})).status_code == 404


@pytest.mark.django_db
def test_the_pdf_has_the_centre_the_exceptions_and_the_chinese_font(users, community_a, fake_section):
    import subprocess
    import tempfile

    from frontdesk import documents

    fake_section.set(community_a, DAY, overdue=3, opened=7, collected=Decimal("88.00"))
    services.summary_freeze(community=community_a, day=DAY)
    pdf, name = documents.daily_summary(community=community_a, day=DAY, user=users[Role.MANAGER])
    assert name == "daily-summary-CH-2026-03-12.pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts and all(" yes " in line for line in fonts.splitlines()[2:]), fonts
    assert "翠湖花园" in text and "2026-03-12" in text and "Overdue tickets" in text and "¥88.00" in text
    assert text.index("Overdue tickets") < text.index("Tickets opened")  # the exceptions first


# ---- delivered once per manager and day ------------------------------------------------------------------------

@pytest.fixture
def managers(make_user, community_a, community_b):
    return [make_user(role=Role.MANAGER, communities=[community_a], username="m_a1", email="m1@example.com"),
            make_user(role=Role.MANAGER, communities=[community_a, community_b], username="m_ab",
                      email="m2@example.com"),
            make_user(role=Role.MANAGER, communities=[community_a], username="m_none", email=""),  # no address
            make_user(role=Role.SUPERVISOR, communities=[community_a], username="s_a", email="s@example.com")]


def _wait(check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not check():
        time.sleep(0.2)
    return check()


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_pdf_once_per_manager_and_day(community_a, community_b, managers, fake_section):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import deliver_outbound
    from frontdesk.tasks import summary_sweep

    for manager in managers:
        manager.date_joined = timezone.now() - datetime.timedelta(days=30)
        manager.save(update_fields=["date_joined"])
    today = timezone.localdate()
    fake_section.set(community_a, days_back(today, 1), overdue=2, opened=5)
    with (mock.patch("core.tasks.deliver_outbound.delay",
                     side_effect=lambda pk: deliver_outbound.apply_async(args=[pk], queue=QUEUE)),
          mock.patch("frontdesk.services.summary.CATCH_UP_DAYS", 1),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=60, queues=[QUEUE])):
        summary_sweep.apply_async(queue=QUEUE)
        summary_sweep.apply_async(queue=QUEUE)  # the beat fired twice: still once each
        # yesterday for A (2 managers) and B (1); today too once past 20:00
        expected = 3 * (2 if timezone.localtime().time() >= datetime.time(20, 0) else 1)
        assert _wait(lambda: OutboundMessage.objects.filter(status="sent").count() >= expected, 90)
        time.sleep(1)
    assert OutboundMessage.objects.count() == expected
    assert SummaryDelivery.objects.filter(day=days_back(today, 1)).count() == 3
    sent = [m for m in mail.outbox if days_back(today, 1).isoformat() in m.subject]
    assert sorted(m.to[0] for m in sent) == ["m1@example.com", "m2@example.com", "m2@example.com"]
    message = next(m for m in sent if "翠湖花园" in m.subject)
    (filename, content, mimetype), = message.attachments
    assert filename.endswith(".pdf") and mimetype == "application/pdf" and content.startswith(b"%PDF")
    assert OutboundMessage.objects.filter(attachments__filename=filename).exists()


@pytest.mark.django_db(transaction=True)
def test_redis_down_mid_run_is_caught_up_by_the_next_sweep(community_a, community_b, managers, fake_section):
    for manager in managers:
        manager.date_joined = timezone.now() - datetime.timedelta(days=30)
        manager.save(update_fields=["date_joined"])
    day = days_back(timezone.localdate(), 1)
    fake_section.set(community_a, day, overdue=1)
    now = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time(10, 0)))
    calls = []

    def broker(pk):
        calls.append(pk)
        if len(calls) == 1:
            return None  # the first e-mail is queued, then Redis stops
        raise BrokerError("Redis is down")

    with (mock.patch("core.tasks.deliver_outbound.delay", side_effect=broker),
          mock.patch("frontdesk.services.summary.CATCH_UP_DAYS", 1)):
        services.summary_sweep(now=now)  # freezes yesterday (today's freeze time has not come at 10:00)
    assert selectors.frozen_pairs([community_a.pk, community_b.pk], day, now.date()) == {
        (community_a.pk, day), (community_b.pk, day)}
    # A's two managers with an address and B's one: each claimed with its message, whether Redis took it or not
    assert SummaryDelivery.objects.filter(day=day).count() == 3 and len(calls) >= 2
    assert OutboundMessage.objects.filter(status="pending").count() == 3
    # recorded by the sweep that ran at ``now`` (10:00), whatever the hour the test itself runs at
    OutboundMessage.objects.update(created_at=now)
    with (mock.patch("core.tasks.deliver_outbound.delay") as delay,
          mock.patch("frontdesk.services.summary.CATCH_UP_DAYS", 1)):
        result = services.summary_sweep(now=now + datetime.timedelta(minutes=11))
    assert result == {"frozen": 0, "sent": 0, "requeued": 3} and delay.call_count == 3  # queued again, not doubled
    assert OutboundMessage.objects.count() == 3 and SummaryDelivery.objects.count() == 3
    with pytest.raises(IntegrityError), transaction.atomic():
        SummaryDelivery.objects.create(community=community_a, day=day, user=managers[0])


@pytest.mark.django_db
def test_every_registered_section_runs_in_at_most_3_queries(community_a, community_b, django_assert_max_num_queries):
    """Every app's section, for one and for three communities: ≤ 3 queries, the same number."""
    from frontdesk.registry import summary_sections

    assert {"repairs", "duty", "billing", "registers", "renovation"} <= {s.key for s in summary_sections()}
    third = CommunityFactory()
    keys = [f.key for section in summary_sections() for f in section.figures([community_a.pk], timezone.localdate())]
    assert len(keys) == len(set(keys)), "a figure key is used twice (it is frozen under its key)"
    for section in summary_sections():
        counts = []
        for ids in ([community_a.pk], [community_a.pk, community_b.pk, third.pk]):
            with django_assert_max_num_queries(3) as captured:
                figures = section.figures(ids, timezone.localdate())
            counts.append(len(captured.captured_queries))
            assert all(f.key and str(f.label) for f in figures), section.key
        assert counts[0] == counts[1], f"{section.key}: {counts}"
