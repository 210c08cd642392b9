"""What the beat sweep's built-in reminders find due (``hooks.ReminderSource.collect``): permits ending within
three days, communities whose sites were not all inspected by 16:00, acceptances waiting too long. Each
collector reads what is due *now*, so a reminder missed during an outage is still found by the next sweep
(the not-inspected one looks at yesterday too)."""

import datetime

from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.models import Role

from ..hooks import Reminder
from ..models import Renovation, SiteInspection, WorkerPass

S = Renovation.Status
PERMIT_AHEAD_DAYS = 3
ROUND_DEADLINE = datetime.time(16, 0)
ACCEPTANCE_DUE_DAYS = 3


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "Y-m-d")


def permits_expiring(now) -> list[Reminder]:
    today = timezone.localdate(now)
    rows = (Renovation.objects.filter(status__in=Renovation.ACTIVE_STATUSES, permit_valid_to__gte=today,
                                      permit_valid_to__lte=today + datetime.timedelta(days=PERMIT_AHEAD_DAYS))
            .select_related("unit").order_by("permit_valid_to", "id"))
    return [Reminder(key=f"{r.pk}:{r.permit_valid_to.isoformat()}", community_id=r.community_id,
                     roles=(Role.CLERK, Role.SUPERVISOR),
                     title=_("Renovation permit %(number)s of %(unit)s ends on %(date)s")
                     % {"number": r.permit_number, "unit": r.unit.code, "date": _day(r.permit_valid_to)},
                     body=_("Remind the owner: an extension must be applied for before the permit ends."),
                     url=reverse("renovation:site", args=[r.pk])) for r in rows]


def passes_expiring(now) -> list[Reminder]:
    """Per renovation and day: the issued worker passes that end within 3 days (re-issue them with an
    extension, or have them returned). One reminder per renovation and end date."""
    today = timezone.localdate(now)
    rows = (WorkerPass.objects.filter(status=WorkerPass.Status.ISSUED, valid_to__gte=today,
                                      valid_to__lte=today + datetime.timedelta(days=PERMIT_AHEAD_DAYS))
            .values("renovation_id", "renovation__community_id", "renovation__unit__code", "valid_to")
            .annotate(n=Count("id")).order_by("valid_to", "renovation_id"))
    return [Reminder(key=f"{r['renovation_id']}:{r['valid_to'].isoformat()}", community_id=r["renovation__community_id"],
                     roles=(Role.CLERK, Role.SUPERVISOR),
                     title=_("%(n)d worker passes of %(unit)s end on %(date)s")
                     % {"n": r["n"], "unit": r["renovation__unit__code"], "date": _day(r["valid_to"])},
                     body=_("Have the cards returned when the works end, or re-issue them with an extension."),
                     url=reverse("renovation:renovation_passes", args=[r["renovation_id"]])) for r in rows]


def sites_not_inspected(now) -> list[Reminder]:
    """Per community and day: the active sites nobody inspected that day, once 16:00 has passed (today, and
    yesterday for a sweep that missed it)."""
    local = timezone.localtime(now)
    reminders = []
    for day in (local.date() - datetime.timedelta(days=1), local.date()):
        if local < timezone.make_aware(datetime.datetime.combine(day, ROUND_DEADLINE)):
            continue
        inspected = SiteInspection.objects.filter(renovation=OuterRef("pk"), on_date=day)
        counts = (Renovation.objects.filter(status__in=Renovation.ACTIVE_STATUSES, permit_valid_from__lte=day)
                  .filter(~Exists(inspected)).values("community_id").annotate(n=Count("id")).order_by("community_id"))
        for row in counts:
            reminders.append(Reminder(
                key=f"{row['community_id']}:{day.isoformat()}", community_id=row["community_id"],
                roles=(Role.CLERK, Role.SUPERVISOR),
                title=_("%(n)d renovation sites not inspected on %(date)s") % {"n": row["n"], "date": _day(day)},
                url=reverse("renovation:round_sheet") + f"?community={row['community_id']}"))
    return reminders


def acceptances_overdue(now) -> list[Reminder]:
    since = now - datetime.timedelta(days=ACCEPTANCE_DUE_DAYS)
    rows = (Renovation.objects.filter(status=S.ACCEPTANCE, status_changed_at__lte=since)
            .select_related("unit").order_by("status_changed_at", "id"))
    return [Reminder(key=f"{r.pk}:{r.status_changed_at.isoformat()}", community_id=r.community_id,
                     roles=(Role.ENGINEER, Role.SUPERVISOR),
                     title=_("Acceptance of %(unit)s overdue: asked for on %(date)s")
                     % {"unit": r.unit.code, "date": _day(timezone.localdate(r.status_changed_at))},
                     url=reverse("renovation:acceptance", args=[r.pk])) for r in rows]
