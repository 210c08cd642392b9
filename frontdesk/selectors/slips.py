"""Release slips, read: the slip pages, the lists (issued today, used, expired unused), the gate's view by
token or number, the unit panel, the handover lines and the figures the manager's summary reads.

Every figure function takes ``(community_ids, day)`` and says in its docstring what it counts."""

import datetime

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import day_bounds
from frontdesk.models import (
    Occupancy,
    ReleaseSlip,
    SlipItem,
    SlipStatusChange,
    TenantAuthorization,
    Unit,
)
from frontdesk.scoping import scope

S = ReleaseSlip.Status


def mask_name(value: str) -> str:
    """张建国 -> 张**: the surname stays, the given name is hidden (the gate does not need it in full)."""
    value = (value or "").strip()
    if not value:
        return ""
    return value[0] + "*" * max(len(value) - 1, 1)


def _base():
    return ReleaseSlip.objects.select_related("unit__building", "unit__entrance", "community")


def slips_for(user):
    return scope(_base(), user)


def slip_detail(*, user, pk: int) -> ReleaseSlip:
    """A slip of the user's communities with its items, people and history (a foreign one is a 404)."""
    qs = slips_for(user).select_related(
        "created_by", "supervisor_signed_by", "manager_approved_by", "used_by", "voided_by", "consent_owner",
        "consent_taken_by", "consent_authorization", "applicant",
    ).prefetch_related(
        Prefetch("items", queryset=SlipItem.objects.order_by("position", "id")),
        Prefetch("status_changes", queryset=SlipStatusChange.objects.select_related("actor").order_by("at", "id")),
    )
    return get_object_or_404(qs, pk=pk)


def slip_signature(*, user, pk: int) -> ReleaseSlip:
    return get_object_or_404(slips_for(user).exclude(signature=""), pk=pk)


def gate_slip(*, user, token: str) -> ReleaseSlip:
    """The slip the guard scanned: by its secret token, only in the guard's communities (else a 404)."""
    qs = slips_for(user).select_related("used_by").prefetch_related(
        Prefetch("items", queryset=SlipItem.objects.order_by("position", "id")))
    return get_object_or_404(qs, token=token)


def gate_find(*, user, number: str) -> list[ReleaseSlip]:
    """The slips of the user's communities with this number (one per community at most)."""
    number = (number or "").strip().upper().replace(" ", "")
    if not number:
        return []
    if number.isdigit():  # "17" → FX<this year>-00017
        number = f"FX{timezone.localdate().year}-{int(number):05d}" if len(number) <= 5 else number
    return list(slips_for(user).filter(number=number).order_by("community__name")[:10])


def unit_for_slip(*, user, pk) -> Unit:
    units = scope(Unit.objects.select_related("building", "entrance", "community"), user)
    return get_object_or_404(units, pk=pk)


def unit_applicants(unit: Unit, day: datetime.date) -> dict:
    """The unit's current owners and tenants (for the applicant and consent choices), and the tenants with a
    written authorisation covering goods release on ``day`` (two queries)."""
    occupancies = list(Occupancy.objects.filter(unit=unit, end_date__isnull=True,
                                                kind__in=[Occupancy.Kind.OWNER, Occupancy.Kind.TENANT])
                       .select_related("person").order_by("kind", "person__name"))
    authorised = set(TenantAuthorization.objects.filter(
        tenancy__unit=unit, tenancy__end_date__isnull=True, revoked_at__isnull=True, valid_from__lte=day,
        valid_to__gte=day, scopes__contains=[TenantAuthorization.Scope.GOODS_RELEASE],
    ).values_list("tenancy__person_id", flat=True))
    return {
        "owners": [o.person for o in occupancies if o.kind == Occupancy.Kind.OWNER],
        "tenants": [o.person for o in occupancies if o.kind == Occupancy.Kind.TENANT],
        "authorised_tenant_ids": authorised,
    }


LIST_VIEWS = ("today", "used", "expired", "all")


def _item_count():
    """The number of items of each slip, as a subquery: evaluated for the rows of the page only (an aggregate
    with GROUP BY would make the list's count read every slip)."""
    items = SlipItem.objects.filter(slip=OuterRef("pk")).order_by().values("slip").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(items, output_field=IntegerField()), 0)


def slip_list(*, user, show: str = "today", community=None, status=None, q=None, day=None,
              date_from=None, date_to=None, used_on=None):
    """The lists: ``today`` issued today; ``used`` released (newest first); ``expired`` expired unused (also the
    open slips whose day has passed before the nightly task ran); ``all`` with the filters."""
    day = day or timezone.localdate()
    qs = slips_for(user).annotate(item_count=_item_count()).select_related("created_by", "used_by")
    if community:
        qs = qs.filter(community_id=community)
    if show == "today":
        start, end = day_bounds(day)
        qs = qs.filter(created_at__gte=start, created_at__lt=end)
    elif show == "used":
        qs = qs.filter(status=S.USED).order_by("-used_at", "-id")
    elif show == "expired":
        qs = qs.filter(Q(status=S.EXPIRED) | Q(status__in=ReleaseSlip.OPEN_STATUSES, valid_on__lt=day))
        qs = qs.order_by("-valid_on", "-id")
    if status:
        if status == S.EXPIRED:
            qs = qs.filter(Q(status=S.EXPIRED) | Q(status__in=ReleaseSlip.OPEN_STATUSES, valid_on__lt=day))
        elif status in ReleaseSlip.OPEN_STATUSES:
            qs = qs.filter(status=status, valid_on__gte=day)
        else:
            qs = qs.filter(status=status)
    if q:
        q = q.strip().upper()
        qs = qs.filter(Q(number__icontains=q) | Q(unit__code__startswith=q) | Q(vehicle_plate__icontains=q))
    if used_on:  # released by the gate that day (``slips_used``)
        start, end = day_bounds(used_on)
        qs = qs.filter(status=S.USED, used_at__gte=start, used_at__lt=end)
    if date_from:
        qs = qs.filter(valid_on__gte=date_from)
    if date_to:
        qs = qs.filter(valid_on__lte=date_to)
    if show not in ("used", "expired"):
        qs = qs.order_by("-created_at", "-id")
    return qs


def unit_slips(unit: Unit, limit: int = 8) -> list[ReleaseSlip]:
    """The unit page panel: the unit's latest slips with their item counts (one query)."""
    return list(ReleaseSlip.objects.filter(unit=unit).annotate(item_count=_item_count())
                .order_by("-created_at", "-id")[:limit])


# -- figures for the handover and the manager's summary ---------------------------------------------------

def slips_issued(community_ids, day: datetime.date):
    """Slips issued on ``day`` (by the time they were issued at the counter, local time), any status."""
    start, end = day_bounds(day)
    return (ReleaseSlip.objects.filter(community_id__in=community_ids, created_at__gte=start, created_at__lt=end)
            .select_related("unit__building", "unit__entrance").order_by("created_at", "id"))


def slips_used(community_ids, day: datetime.date):
    """Slips the gate released on ``day`` (local time of the release)."""
    start, end = day_bounds(day)
    return ReleaseSlip.objects.filter(community_id__in=community_ids, status=S.USED, used_at__gte=start,
                                      used_at__lt=end)


def slips_expired_unused(community_ids, day: datetime.date):
    """Slips valid on ``day`` that were never used: expired, or still open once the day is over."""
    return ReleaseSlip.objects.filter(community_id__in=community_ids, valid_on=day).filter(
        Q(status=S.EXPIRED) | Q(status__in=ReleaseSlip.OPEN_STATUSES, valid_on__lt=timezone.localdate()))


def handover_lines(community):
    """The duty handover's "slips issued today": one line per slip issued today (one query)."""
    from django.utils.translation import gettext as _

    from frontdesk.registry import HandoverLine

    today = timezone.localdate()
    lines = []
    for slip in slips_issued([community.pk], today):
        lines.append(HandoverLine(
            text=_("%(number)s %(unit)s valid %(day)s: %(status)s") % {
                "number": slip.number, "unit": slip.unit.code, "day": f"{slip.valid_on:%m-%d}",
                "status": ReleaseSlip.Status(slip.status_on(today)).label},
            url=slip.get_absolute_url()))
    return lines
