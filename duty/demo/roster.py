"""Roster demo data for 翠湖花园 (CH): clerks clerk3..clerk6, the current month's roster (approved) and
next month's (a draft), a pending leave request and an approved swap. Also registers the daily
reminder task in django-celery-beat. Idempotent: returns when CH's current-month roster exists."""

import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.dates import month_days, month_start, next_month
from core.models import Role
from frontdesk.models import Community

from ..models import Assignment, Roster, RosterStatusChange, ShiftChangeRequest
from ..selectors.roster import community_staff
from ..services import roster as services

PASSWORD = "Demo@2026"
EXTRA_CLERKS = [("clerk3", "王磊"), ("clerk4", "孙丽"), ("clerk5", "周洋"), ("clerk6", "吴婷")]
CYCLE = ["E", "M", "L", "E", ""]  # clerk i on day d works CYCLE[(d + i) % 5]: every day two E, one M, one L, one off


def load(stdout):
    community = Community.objects.filter(code="CH").first()
    if community is None:
        return
    today = timezone.localdate()
    current = month_start(today)
    if Roster.objects.filter(community=community, month=current).exists():
        stdout.write("Duty roster demo data already loaded.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        _load(community, today, current)
    stdout.write("Duty roster demo data loaded.")


def _clerks():
    User = get_user_model()
    communities = list(Community.objects.filter(code__in=("CH", "JX")))
    for username, name in EXTRA_CLERKS:
        user, created = User.objects.get_or_create(username=username, defaults={"role": Role.CLERK, "full_name": name})
        if created:
            user.set_password(PASSWORD)
            user.save()
            user.communities.set(communities)


def _cells(community, month):
    clerks = list(community_staff(community, roles=(Role.CLERK,)))
    supervisors = list(community_staff(community, roles=(Role.SUPERVISOR,)))
    cells = {}
    for day in month_days(month):
        n = (day - datetime.date(2026, 1, 1)).days
        for i, user in enumerate(clerks):
            cells[(user.pk, day.day)] = CYCLE[(n + i) % len(CYCLE)]
        for user in supervisors:
            cells[(user.pk, day.day)] = "M" if day.weekday() < 5 else ""
    return cells


def _load(community, today, current):
    _clerks()
    services.shift_templates_ensure(community)
    User = get_user_model()
    supervisor = User.objects.get(username="supervisor")
    manager = User.objects.get(username="manager")
    tz = timezone.get_default_timezone()
    for month, approve in ((current, True), (next_month(current), False)):
        result = services.roster_save_grid(community=community, month=month, cells=_cells(community, month), actor=supervisor)
        roster = result["roster"]
        if approve:
            # Demo history: submitted on the 24th of the month before, approved on the 25th (so not late).
            submitted = timezone.make_aware(datetime.datetime.combine(roster.submission_deadline - datetime.timedelta(days=1),
                                                                      datetime.time(16, 20)), tz)
            decided = submitted + datetime.timedelta(days=1, hours=-6)
            services.roster_set_status(roster=roster, to_status=Roster.Status.SUBMITTED, actor=supervisor, now=submitted)
            services.roster_set_status(roster=roster, to_status=Roster.Status.APPROVED, actor=manager, note="同意。",
                                       now=decided)
            RosterStatusChange.objects.filter(roster=roster, to_status=Roster.Status.SUBMITTED).update(at=submitted)
            RosterStatusChange.objects.filter(roster=roster, to_status=Roster.Status.APPROVED).update(at=decided)
    _requests(community, today, supervisor)


def _requests(community, today, supervisor):
    User = get_user_model()
    future = (Assignment.objects.filter(community=community, is_active=True, date__gt=today + datetime.timedelta(days=1),
                                        roster__status=Roster.Status.APPROVED, user__role=Role.CLERK)
              .select_related("shift", "user", "roster").order_by("date", "user__username"))
    by_day = {}
    for a in future:
        by_day.setdefault(a.date, []).append(a)
    swapped = False
    for _day, shifts in sorted(by_day.items()):
        pairs = [(a, b) for a in shifts for b in shifts if a.shift_id != b.shift_id and a.user_id != b.user_id]
        for mine, other in pairs:
            try:
                with transaction.atomic():
                    request = services.change_request_create(
                        requester=mine.user, kind=ShiftChangeRequest.Kind.SWAP, assignment=mine,
                        counterpart_assignment=other, reason="家中有事，与同事协商换班", today=today)
                    services.change_request_decide(request=request, approve=True, actor=supervisor, note="同意换班")
                swapped = True
                break
            except ValidationError:
                continue
        if swapped:
            break
    clerk3 = User.objects.filter(username="clerk3").first()
    leave = next((a for a in Assignment.objects.filter(community=community, is_active=True, user=clerk3,
                                                       date__gt=today + datetime.timedelta(days=2),
                                                       roster__status=Roster.Status.APPROVED)
                  .select_related("roster").order_by("date")), None)
    if leave is not None:
        services.change_request_create(requester=clerk3, kind=ShiftChangeRequest.Kind.LEAVE, assignment=leave,
                                       reason="孩子学校开家长会，申请调休", today=today)
