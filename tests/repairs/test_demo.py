"""The repairs demo: tickets in every state, consistent with the transition table, idempotent."""

import io
from collections import Counter, defaultdict

import pytest
from django.utils import timezone

from core.models import Role
from repairs import demo
from repairs.models import (
    Callback,
    Charge,
    Clock,
    Team,
    Ticket,
    TicketCounter,
    TicketStatusChange,
)
from tests.factories import (
    BuildingFactory,
    EntranceFactory,
    OccupancyFactory,
    UnitFactory,
)

S = Ticket.Status


@pytest.fixture
def demo_world(community_a, community_b, make_user):
    for community in (community_a, community_b):
        for b in ("1", "2", "3"):
            entrance = EntranceFactory(building=BuildingFactory(community=community, name=b), name="1")
            for n in ("101", "102", "201"):
                OccupancyFactory(unit=UnitFactory(entrance=entrance, number=n))
    users = {name: make_user(role=role, communities=[community_a, community_b], username=name)
             for name, role in (("clerk", Role.CLERK), ("engineer", Role.ENGINEER), ("supervisor", Role.SUPERVISOR))}
    return users


def test_demo_has_every_state_and_only_legal_moves(community_a, community_b, demo_world):
    out = io.StringIO()
    demo.load(out)
    assert "loaded" in out.getvalue()
    ch = Ticket.objects.filter(community=community_a)
    assert 190 <= ch.count() <= 230 and Ticket.objects.filter(community=community_b).exists()

    states = {(k, s) for k, s in ch.values_list("kind", "status")}
    for status in ("new", "dispatched", "accepted", "on_site", "on_hold", "completed", "callback_done", "closed",
                   "reopened", "cancelled"):
        assert ("repair", status) in states, status
    for status in ("assigned", "in_progress", "replied", "on_hold", "callback_done", "closed"):
        assert ("complaint", status) in states, status
    assert ("enquiry", "new") in states and ("enquiry", "replied") in states
    # issue 12: paid home services and suggestions in every state, a confirmation missed, a charge at the counter
    for status in ("new", "dispatched", "accepted", "on_site", "completed", "callback_done", "closed", "cancelled"):
        assert ("service", status) in states, status
    for status in ("new", "assigned", "replied", "callback_done", "closed"):
        assert ("suggestion", status) in states, status
    assert Clock.objects.filter(kind="confirm", breached_at__isnull=False, ticket__status="new").exists()
    assert Clock.objects.filter(kind="confirm", met_at__isnull=False).exists()
    served = Ticket.objects.filter(community=community_a, kind="service", completed_at__isnull=False)
    assert Charge.objects.filter(ticket__in=served, billed_at__isnull=False).count() == served.count() == 3

    # every change a legal move, the chain ends at the ticket's status, times in order and in the past
    chains = defaultdict(list)
    for c in TicketStatusChange.objects.order_by("at", "id"):
        chains[c.ticket_id].append(c)
    now = timezone.now()
    for t in Ticket.objects.all():
        status, at = S.NEW, t.created_at
        for c in chains[t.pk]:
            assert c.from_status == status
            assert c.to_status in Ticket.TRANSITIONS[t.kind][status], (t.number, status, c.to_status)
            assert at <= c.at <= now
            status, at = c.to_status, c.at
        assert status == t.status, t.number
        assert t.last_activity_at == at

    # clocks: some met, some breached, some owner-informed; one open clock per kind; overdue flag agrees
    assert Clock.objects.filter(met_at__isnull=False, breached_at__isnull=True).exists()
    assert Clock.objects.filter(breached_at__isnull=False).exists()
    assert Clock.objects.filter(owner_informed_at__isnull=False, owner_informed_by__username="clerk").exists()
    assert Clock.objects.filter(kind="complaint").exists() and Clock.objects.filter(kind="callback").exists()
    for t in Ticket.objects.prefetch_related("clocks"):
        open_clocks = [c for c in t.clocks.all() if not c.met_at and not c.cancelled_at]
        assert len({c.kind for c in open_clocks}) == len(open_clocks)
        assert t.is_overdue == any(c.breached_at for c in open_clocks), t.number
        if t.status in (S.CLOSED, S.CANCELLED):
            assert not open_clocks
        if t.status == S.ON_HOLD:
            assert all(c.paused_at for c in open_clocks)

    # callbacks: to do for completed/replied, done with 1–5 otherwise; reopened ones dissatisfied
    assert Counter(Callback.objects.filter(ticket__status=S.COMPLETED).values_list("status", flat=True)) == \
        Counter({"pending": ch.filter(status=S.COMPLETED).count() +
                 Ticket.objects.filter(community=community_b, status=S.COMPLETED).count()})
    done = Callback.objects.filter(status="done")
    assert set(done.values_list("satisfaction", flat=True)) <= {1, 2, 3, 4, 5} and done.count() > 50
    assert not Callback.objects.filter(ticket__status=S.REOPENED).exclude(outcome="reopen").exists()

    # paid repairs with charges, a team with the engineer, numbers continue after the demo
    paid = Ticket.objects.filter(community=community_a, is_paid=True, kind="repair")
    assert paid.count() == 2 and Charge.objects.filter(ticket__in=paid).count() == 2
    assert Team.objects.filter(community=community_a, members__username="engineer").exists()
    numbers = list(Ticket.objects.values_list("community_id", "number"))
    assert len(numbers) == len(set(numbers))
    last = Ticket.objects.filter(community=community_a).latest("created_at")
    prefix, _day, n = last.number.split("-")
    assert TicketCounter.objects.get(community=community_a, prefix=prefix, day=timezone.localdate(last.created_at)).last >= int(n)


def test_demo_is_idempotent(community_a, demo_world):
    demo.load(io.StringIO())
    before = (Ticket.objects.count(), TicketStatusChange.objects.count(), Clock.objects.count(), Callback.objects.count())
    out = io.StringIO()
    demo.load(out)
    assert "already" in out.getvalue()
    assert (Ticket.objects.count(), TicketStatusChange.objects.count(), Clock.objects.count(),
            Callback.objects.count()) == before


def test_demo_without_the_frontdesk_data_does_nothing(db):
    out = io.StringIO()
    demo.load(out)
    assert "skipped" in out.getvalue() and not Ticket.objects.exists()
