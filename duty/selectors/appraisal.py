"""Reads of the monthly appraisal per clerk: spot checks, nonconformities, late handovers and overrides,
log completeness. Every measure is one aggregate query over all clerks, never a query per clerk."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import month_start, next_month
from core.models import Role

from ..models import Assignment, DutyLogEntry, Handover, Nonconformity, SpotCheck
from .spotcheck import month_bounds

LOG_COMPLETENESS_DEFINITION = _(
    "Log completeness: of the clerk's shifts this month that have ended (active roster assignments in this "
    "community), the share on which the clerk wrote at least one duty-log entry timed between the start and "
    "the end of the shift.")
LATE_DEFINITION = _(
    "Late handovers: handovers this month where the clerk was the incoming clerk and arrived late (minutes "
    "late above zero); overrides: handovers where the clerk was outgoing and the supervisor had to override "
    "an unfinished important job.")
NONCONFORMITY_DEFINITION = _(
    "Nonconformities: found by spot checks made this month, by checklist item; open ones are not yet corrected.")


@dataclass
class AppraisalRow:
    clerk: object
    spot_checks: int = 0
    nc_open: int = 0
    nc_corrected: int = 0
    nc_by_item: dict = field(default_factory=dict)
    late_handovers: int = 0
    late_minutes: int = 0
    overrides: int = 0
    shifts: int = 0
    logged_shifts: int = 0

    @property
    def nonconformities(self) -> int:
        return self.nc_open + self.nc_corrected

    @property
    def completeness(self) -> int | None:
        """Percentage, rounded down; None when the clerk had no finished shift."""
        return self.logged_shifts * 100 // self.shifts if self.shifts else None

    @property
    def items(self) -> list[tuple[str, str, int]]:
        labels = dict(SpotCheck.ITEMS)
        return [(code, labels[code], self.nc_by_item[code]) for code, _label in SpotCheck.ITEMS
                if self.nc_by_item.get(code)]


def appraisal_month(*, community, month: datetime.date, now=None) -> dict:
    """Per clerk of ``community`` for ``month``: spot checks, nonconformities (open/corrected, by item),
    late handovers and overrides, log completeness. Six queries whatever the number of clerks."""
    now = now or timezone.now()
    start, end = month_bounds(month)
    first = month_start(month)
    following = next_month(first)
    rows: dict[int, AppraisalRow] = {}

    def row(user_id) -> AppraisalRow:
        return rows.setdefault(user_id, AppraisalRow(clerk=None))

    checks = SpotCheck.objects.filter(community=community, checked_at__gte=start, checked_at__lt=end)
    for r in checks.values("clerk_id").annotate(n=Count("id")).order_by():
        row(r["clerk_id"]).spot_checks = r["n"]

    findings = Nonconformity.objects.filter(community=community, spot_check__checked_at__gte=start,
                                            spot_check__checked_at__lt=end)
    for r in findings.values("clerk_id", "status", "item").annotate(n=Count("id")).order_by():
        target = row(r["clerk_id"])
        if r["status"] == Nonconformity.Status.OPEN:
            target.nc_open += r["n"]
        else:
            target.nc_corrected += r["n"]
        target.nc_by_item[r["item"]] = target.nc_by_item.get(r["item"], 0) + r["n"]

    handovers = Handover.objects.filter(community=community, started_at__gte=start, started_at__lt=end)
    late = (handovers.filter(incoming_late_minutes__gt=0).values("incoming_id")
            .annotate(n=Count("id"), minutes=Sum("incoming_late_minutes")).order_by())
    for r in late:
        target = row(r["incoming_id"])
        target.late_handovers, target.late_minutes = r["n"], r["minutes"] or 0
    for r in (handovers.filter(override_by__isnull=False).values("outgoing_id").annotate(n=Count("id")).order_by()):
        row(r["outgoing_id"]).overrides = r["n"]

    wrote = DutyLogEntry.objects.filter(community=OuterRef("community"), author=OuterRef("user"),
                                        occurred_at__gte=OuterRef("starts_at"), occurred_at__lte=OuterRef("ends_at"))
    shifts = (Assignment.objects.filter(community=community, is_active=True, date__gte=first, date__lt=following,
                                        ends_at__lte=now)
              .values("user_id").annotate(total=Count("id"), logged=Count("id", filter=Exists(wrote))).order_by())
    for r in shifts:
        target = row(r["user_id"])
        target.shifts, target.logged_shifts = r["total"], r["logged"]

    people = (get_user_model().objects
              .filter(Q(pk__in=list(rows)) | Q(communities=community, role=Role.CLERK, is_active=True))
              .distinct().order_by("full_name", "username"))
    result = []
    for person in people:
        entry = rows.get(person.pk) or AppraisalRow(clerk=None)
        entry.clerk = person
        result.append(entry)
    totals = AppraisalRow(clerk=None)
    for entry in result:
        for name in ("spot_checks", "nc_open", "nc_corrected", "late_handovers", "late_minutes", "overrides", "shifts",
                     "logged_shifts"):
            setattr(totals, name, getattr(totals, name) + getattr(entry, name))
        for code, n in entry.nc_by_item.items():
            totals.nc_by_item[code] = totals.nc_by_item.get(code, 0) + n
    return {
        "community": community, "month": first, "rows": result, "totals": totals, "now": now,
        "definitions": [NONCONFORMITY_DEFINITION, LATE_DEFINITION, LOG_COMPLETENESS_DEFINITION],
        "month_in_progress": start <= now < end,
    }
