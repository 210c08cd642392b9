"""A fake summary section with known figures, registered by the summary tests themselves in place of the
feature apps' sections: its values are set per community and day by the test."""

import datetime
from decimal import Decimal

import pytest

from frontdesk.registry import (
    COUNT,
    MONEY,
    PERCENT,
    Figure,
    SummarySection,
    register_summary_section,
    unregister_summary_section,
)


class FakeSection:
    """Values per (community id, day, key); a figure of several communities is the sum (a percent: the
    mean of the counts it is made of, recomputed, as a real section does)."""

    key = "test"

    def __init__(self):
        self.values: dict = {}
        self.calls: list = []
        self.overdue_url = "/repairs/tickets/?overdue=1"  # the drill-down of the exception

    def set(self, community, day, **values):
        for key, value in values.items():
            self.values[(community.pk, day, key)] = value

    def _sum(self, ids, day, key, zero=0):
        return sum((self.values.get((pk, day, key), zero) for pk in ids), zero)

    def figures(self, community_ids, day):
        from frontdesk.models import Community

        self.calls.append((tuple(community_ids), day))
        assert Community.objects.filter(pk__in=community_ids).count() == len(community_ids)  # one query, as a real one
        ids = list(community_ids)
        paid, due = self._sum(ids, day, "paid"), self._sum(ids, day, "due")
        rate = (Decimal(paid) * 100 / due).quantize(Decimal("0.01")) if due else None
        return [
            Figure(key="test.overdue", label="Overdue tickets", value=self._sum(ids, day, "overdue"),
                   url=self.overdue_url, exception=True, better="down", group="Clocks"),
            Figure(key="repairs.opened", label="Tickets opened", value=self._sum(ids, day, "opened"),
                   url="/repairs/tickets/?opened=today"),
            Figure(key="billing.collected", label="Fees collected", kind=MONEY,
                   value=self._sum(ids, day, "collected", Decimal("0.00"))),
            Figure(key="test.rate", label="Collection rate", kind=PERCENT, value=rate, additive=False,
                   target=Decimal("85"), alert=rate is not None and rate < 85),
            Figure(key="repairs.complaints", label="Complaints", kind=COUNT, value=self._sum(ids, day, "complaints"),
                   breakdown=(("Noise", self._sum(ids, day, "noise")), ("Cleaning", self._sum(ids, day, "cleaning")))),
        ]


@pytest.fixture(name="apps_sections_set_aside")
def apps_sections_set_aside_fixture():
    """The apps' own summary sections are set aside for the test (their figures and cards have tests of their
    own), so the test's fake sections are the only ones; put back after it."""
    from frontdesk import registry

    apps_sections = dict(registry._summary_sections)
    registry._summary_sections.clear()
    yield
    registry._summary_sections.clear()
    registry._summary_sections.update(apps_sections)


@pytest.fixture(name="fake_section")
def fake_section_fixture(apps_sections_set_aside):
    """The fake section alone."""
    fake = FakeSection()
    register_summary_section(SummarySection(key="test", title="Test section", figures=fake.figures, order=1,
                                            action="summary.view"))
    yield fake
    unregister_summary_section("test")


def days_back(day: datetime.date, n: int) -> datetime.date:
    return day - datetime.timedelta(days=n)
