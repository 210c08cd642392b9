"""Reads of the daily round: the round sheet (active sites, those not inspected today first), a site's
inspections and violations, the violation list with its filters and export, a round photo."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from frontdesk.scoping import scope

from ..models import DepositDeduction, InspectionPhoto, Renovation, SiteInspection, Violation

SHEET_PAGE = 50


def round_sheet(*, community, day, q: str = "", show: str = ""):
    """The community's active sites (装修中, 待验收), each with ``inspected`` (today); not inspected first, then
    by room. The page's rows get ``last_inspected_at`` and ``open_violations`` from ``with_site_figures``
    (one query for the page, not for every active site before the sort)."""
    today = SiteInspection.objects.filter(renovation=OuterRef("pk"), on_date=day)
    qs = (Renovation.objects.filter(community=community, status__in=Renovation.ACTIVE_STATUSES)
          .select_related("unit")
          .only("pk", "community_id", "status", "permit_number", "permit_valid_to", "company", "unit__code",
                "unit__id")
          .annotate(inspected=Exists(today)))
    if q:
        qs = qs.filter(Q(unit__code__icontains=q.replace(" ", "")) | Q(permit_number__iexact=q))
    if show == "todo":
        qs = qs.filter(inspected=False)
    return qs.order_by("inspected", "unit__code", "pk")


def with_site_figures(rows):
    """Each site of ``rows`` (a page) gets ``last_inspected_at`` and ``open_violations``: one query."""
    rows = list(rows)
    last = SiteInspection.objects.filter(renovation=OuterRef("pk")).order_by("-at").values("at")[:1]
    open_count = (Violation.objects.filter(renovation=OuterRef("pk"), status=Violation.Status.OPEN)
                  .order_by().values("renovation").annotate(n=Count("pk")).values("n"))
    figures = {r["pk"]: r for r in Renovation.objects.filter(pk__in=[r.pk for r in rows]).annotate(
        last_inspected_at=Subquery(last),
        open_violations=Coalesce(Subquery(open_count, output_field=IntegerField()), 0),
    ).values("pk", "last_inspected_at", "open_violations")} if rows else {}
    for row in rows:
        found = figures.get(row.pk, {})
        row.last_inspected_at = found.get("last_inspected_at")
        row.open_violations = found.get("open_violations", 0)
    return rows


def sheet_counts(*, community, day) -> dict:
    """How many active sites, and how many inspected today (one query)."""
    today = SiteInspection.objects.filter(renovation=OuterRef("pk"), on_date=day)
    return Renovation.objects.filter(community=community, status__in=Renovation.ACTIVE_STATUSES).aggregate(
        total=Count("pk"), done=Count("pk", filter=Q(Exists(today))))


def site(*, user, pk) -> Renovation:
    """A renovation of the user's communities (a foreign one is a 404), with its unit and community."""
    return get_object_or_404(scope(Renovation.objects.select_related("unit", "community"), user), pk=pk)


def site_inspections(renovation, *, limit: int = 10) -> list:
    return list(renovation.inspections.select_related("inspector")
                .prefetch_related(Prefetch("photos", queryset=InspectionPhoto.objects.order_by("id")))
                .order_by("-at", "-id")[:limit])


def site_violations(renovation) -> list:
    return list(renovation.violations.select_related("recorded_by", "deduction").order_by("-recorded_at", "-id"))


def inspection_photo(*, user, pk) -> InspectionPhoto:
    return get_object_or_404(scope(InspectionPhoto.objects.all(), user, field="inspection__community"), pk=pk)


def violations_for_user(user):
    return scope(Violation.objects.select_related("renovation__unit", "community", "recorded_by", "deduction"), user)


def violation_list(user, *, community_ids=None, status="", category="", overdue=False, q="", deduction="", now=None,
                   day=None):
    qs = violations_for_user(user)
    if day:
        qs = qs.filter(recorded_at__date=day)
    if community_ids is not None:
        qs = qs.filter(community_id__in=community_ids)
    if status in Violation.Status.values:
        qs = qs.filter(status=status)
    if category in Violation.Category.values:
        qs = qs.filter(category=category)
    if overdue:
        qs = qs.filter(status=Violation.Status.OPEN, deadline__lt=timezone.localdate(now))
    if deduction in DepositDeduction.Status.values:
        qs = qs.filter(deduction__status=deduction)
    if q:
        qs = qs.filter(Q(renovation__unit__code__icontains=q.replace(" ", "")) | Q(description__icontains=q))
    return qs.order_by("-recorded_at", "-id")


def violation_detail(*, user, pk) -> Violation:
    return get_object_or_404(violations_for_user(user).select_related("deduction__proposed_by",
                                                                      "deduction__decided_by", "inspection"), pk=pk)


def violation_changes(violation) -> list:
    return list(violation.changes.select_related("actor").order_by("at", "id"))
