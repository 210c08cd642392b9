"""Key custody reads: the register with its filters, a key with its movements, the overdue list, the unit panel,
the handover's keys out, and the figures the manager's summary reads (functions of community ids and a day)."""

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from core.dates import day_bounds
from frontdesk.models import Key, KeyMovement
from frontdesk.scoping import scope
from frontdesk.selectors.search import room_code

S = Key.Status
LIST_RELATED = ("community", "unit__building", "unit__entrance", "depositor", "out_movement__taker_staff")


def keys_for(user):
    """The keys of the user's communities."""
    return scope(Key.objects.all(), user)


def key_list(*, user, community=None, status=None, kind=None, unit=None, q=None, overdue=False, now=None,
             held_on=None):
    """The register: newest first unless a filter says otherwise; one query whatever the number of rows.
    ``held_on``: the keys held at the end of that day (``keys_held``)."""
    qs = keys_for(user).select_related(*LIST_RELATED)
    if held_on:
        qs = qs.filter(pk__in=keys_held_qs(None, held_on).values("pk"))
    if community:
        qs = qs.filter(community_id=community)
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    if unit:
        qs = qs.filter(unit_id=unit)
    if overdue:
        qs = qs.filter(status=S.OUT, due_back_at__lt=now or timezone.now())
    if q:
        code, _match = room_code(q)
        qs = qs.filter(Q(tag_no__iexact=q) | Q(tag_no__istartswith=q) | Q(envelope_no__iexact=q)
                       | Q(unit__code=code) | Q(opens__icontains=q))
    return qs.order_by("-created_at", "-id")


def key_detail(*, user, pk):
    from django.shortcuts import get_object_or_404

    return get_object_or_404(keys_for(user).select_related(*LIST_RELATED, "created_by"), pk=pk)


def key_movements(key):
    return list(key.movements.select_related("actor", "taker_staff", "person", "owner_message").order_by("at", "id"))


def overdue_keys(community_ids, now: datetime.datetime):
    """Keys signed out whose expected return time has passed at ``now``, the most overdue first (one query)."""
    return (Key.objects.filter(community_id__in=community_ids, status=S.OUT, due_back_at__lt=now)
            .select_related(*LIST_RELATED).order_by("due_back_at", "id"))


def overdue_keys_then(community_ids, at: datetime.datetime) -> list:
    """The overdue list as it stood at the past moment ``at`` (the daily summary's drill-down of a past day):
    ``keys_overdue_at`` with each key's sign-out of then as ``then_movement`` (two queries)."""
    found = list(keys_overdue_at(community_ids, at).select_related(*LIST_RELATED))
    movements = KeyMovement.objects.select_related("taker_staff").in_bulk([k.then_movement_id for k in found])
    for key in found:
        key.then_movement = movements.get(key.then_movement_id)
    return found


def keys_out(community_ids):
    """Keys signed out now (handed over at a shift change), by expected return (one query)."""
    return (Key.objects.filter(community_id__in=community_ids, status=S.OUT)
            .select_related(*LIST_RELATED).order_by("due_back_at", "id"))


def keys_held(community_ids, day: datetime.date) -> int:
    """Keys the service centre held (in the cabinet or signed out) at the end of ``day``."""
    return keys_held_qs(community_ids, day).count()


def keys_held_qs(community_ids, day: datetime.date):
    """The keys of ``keys_held``."""
    _start, end = day_bounds(day)
    ended = KeyMovement.objects.filter(key_id=OuterRef("pk"), to_status__in=[S.RETURNED, S.LOST], at__lt=end)
    qs = Key.objects.filter(created_at__lt=end).exclude(Exists(ended))
    return qs if community_ids is None else qs.filter(community_id__in=community_ids)


def keys_overdue_count(community_ids, day: datetime.date) -> int:
    """Keys overdue at the end of ``day`` (today: now): signed out, expected back before then, still out."""
    return keys_overdue_qs(community_ids, day).count()


def keys_overdue_qs(community_ids, day: datetime.date):
    """The keys of ``keys_overdue_count``: today the keys' state now; a day that is over, ``keys_overdue_at``
    its end (a key signed back in since still counts for that day)."""
    _start, end = day_bounds(day)
    now = timezone.now()
    if end <= now:
        return keys_overdue_at(community_ids, end)
    return Key.objects.filter(community_id__in=community_ids, status=S.OUT, due_back_at__lt=now)


def keys_overdue_at(community_ids, at: datetime.datetime):
    """Keys that were out at the past moment ``at`` on a sign-out whose expected return had passed by then, read
    from the movements (written once, never changed): each key's last move before ``at`` is a sign-out
    (``then_due``: its expected return, ``then_movement_id``: that move), the most overdue first."""
    last = KeyMovement.objects.filter(key_id=OuterRef("pk"), at__lt=at).order_by("-at", "-id")
    late = KeyMovement.objects.filter(key_id=OuterRef("pk"), to_status=S.OUT, at__lt=at, due_back_at__lt=at)
    return (Key.objects.filter(community_id__in=community_ids).filter(Exists(late))
            .annotate(then_status=Subquery(last.values("to_status")[:1]),
                      then_due=Subquery(last.values("due_back_at")[:1]),
                      then_movement_id=Subquery(last.values("pk")[:1]))
            .filter(then_status=S.OUT, then_due__lt=at).order_by("then_due", "id"))


def key_moves_on(community_ids, day: datetime.date) -> dict[str, int]:
    """The key movements of ``day`` by kind (deposited, signed out, signed back in, returned, lost)."""
    from django.db.models import Count

    start, end = day_bounds(day)
    counts = dict(KeyMovement.objects.filter(key__community_id__in=community_ids, at__gte=start, at__lt=end)
                  .values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {kind: counts.get(kind, 0) for kind in KeyMovement.Kind.values}


def unit_keys(unit):
    """The keys held for a room (in the cabinet or signed out), one query."""
    return list(Key.objects.filter(unit=unit, status__in=Key.HELD)
                .select_related("out_movement__taker_staff").order_by("tag_no", "id"))


def staff_choices(community_id):
    """Who may take a key as staff: the active staff of the community (not the gate guard)."""
    from django.contrib.auth import get_user_model

    from core.models import Role

    return (get_user_model().objects.filter(communities=community_id, is_active=True).exclude(role=Role.GUARD)
            .order_by("full_name", "username"))


def current_owners(unit):
    from frontdesk.models import Occupancy, Person

    return Person.objects.filter(occupancies__unit=unit, occupancies__kind=Occupancy.Kind.OWNER,
                                 occupancies__end_date__isnull=True).order_by("name", "id").distinct()
