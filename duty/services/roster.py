"""Shift templates, the monthly roster (排班表), its status pipeline, reminders, leave and swaps.

Every write of the roster area lives here. Assignments are never edited in place: a changed grid
cell deactivates the old assignment and adds a new one; an approved leave or swap deactivates the
affected assignments and adds the replacements, pointing at the approved request. Once a roster is
approved, ``change_request_decide`` is the only function that writes its assignments.

Coverage rules (``coverage_problems``): every opening hour of every day is covered (opening hours =
earliest start to latest end of the community's active non-24-hour shifts; a 24-hour shift covers the
whole day), nobody is on two overlapping shifts, and a person rests at least ``DUTY_MIN_REST_HOURS``
(11 by default) between two shifts.
"""

import calendar
import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.models import OutboundMessage, Role
from core.notifications import notify, send_outbound
from core.permissions import has_perm
from core.text import clean_text

from ..models import (
    Assignment,
    Roster,
    RosterStatusChange,
    ShiftChangeRequest,
    ShiftTemplate,
)

DEFAULT_MIN_REST_HOURS = 11
ROSTER_ROLES = (Role.CLERK, Role.SUPERVISOR)
EDITABLE = (Roster.Status.DRAFT, Roster.Status.RETURNED)
# (code, name, start, end, order). The names are data (the community renames them at will).
DEFAULT_SHIFTS = [
    ("E", "早班", datetime.time(7, 30), datetime.time(15, 30), 10),
    ("M", "中班", datetime.time(9, 30), datetime.time(17, 30), 20),
    ("L", "晚班", datetime.time(12, 0), datetime.time(20, 0), 30),
    ("D", "24小时", datetime.time(8, 30), datetime.time(8, 30), 40),
]


def min_rest() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "DUTY_MIN_REST_HOURS", DEFAULT_MIN_REST_HOURS))


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def previous_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def month_days(month: datetime.date) -> list[datetime.date]:
    return [month.replace(day=d) for d in range(1, calendar.monthrange(month.year, month.month)[1] + 1)]


def is_24h(template: ShiftTemplate) -> bool:
    return template.start_time == template.end_time


def shift_span(date: datetime.date, template: ShiftTemplate) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware start and end of ``template`` worked on ``date``; a shift ending at or before its start ends the next day."""
    tz = timezone.get_default_timezone()
    starts = timezone.make_aware(datetime.datetime.combine(date, template.start_time), tz)
    end_date = date + datetime.timedelta(days=1) if template.crosses_midnight else date
    ends = timezone.make_aware(datetime.datetime.combine(end_date, template.end_time), tz)
    return starts, ends


def _late_deadline(roster: Roster) -> datetime.datetime:
    """The end of the 25th of the month before (local time)."""
    tz = timezone.get_default_timezone()
    return timezone.make_aware(datetime.datetime.combine(roster.submission_deadline + datetime.timedelta(days=1),
                                                         datetime.time()), tz)


def roster_is_late(roster: Roster) -> bool:
    if roster.submitted_at is None:
        return False
    return roster.submitted_at >= _late_deadline(roster)


def community_staff(community, roles=ROSTER_ROLES):
    from django.contrib.auth import get_user_model

    return (get_user_model().objects.filter(communities=community, role__in=roles, is_active=True)
            .order_by("role", "full_name", "username"))


# --- shift templates -----------------------------------------------------------------------------

def shift_templates_ensure(community) -> None:
    """Create the default shifts the first time a community opens the duty pages (idempotent, race-safe)."""
    if ShiftTemplate.objects.filter(community=community).exists():
        return
    ShiftTemplate.objects.bulk_create(
        [ShiftTemplate(community=community, code=code, name=name, start_time=start, end_time=end, sort_order=order)
         for code, name, start, end, order in DEFAULT_SHIFTS],
        ignore_conflicts=True)


def shift_template_save(*, community, code: str, name: str, start_time, end_time, is_active: bool, sort_order: int,
                        actor, template: ShiftTemplate | None = None) -> ShiftTemplate:
    """Create (``template`` None) or change a shift. Existing assignments keep the times they were planned with."""
    code = clean_text(code).upper().replace(" ", "")
    if template is None:
        template = ShiftTemplate(community=community)
    elif template.community_id != community.pk:
        raise ValidationError(_("This shift belongs to another community."))
    if not code.isalnum():
        raise ValidationError({"code": _("Use letters or digits only, e.g. E.")})
    if (ShiftTemplate.objects.filter(community=community, code=code).exclude(pk=template.pk).exists()):
        raise ValidationError({"code": _("This shift code is already used.")})
    template.code, template.name = code, clean_text(name)
    template.start_time, template.end_time = start_time, end_time
    template.is_active, template.sort_order = is_active, sort_order
    template.full_clean()
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        raise ValidationError({"code": _("This shift code is already used.")}) from exc
    return template


# --- coverage ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    kind: str  # "gap", "overlap", "rest", "staff"
    date: datetime.date
    message: str
    user_id: int | None = None


@dataclass(frozen=True)
class Slot:
    """What the coverage rules need of an assignment (saved or planned)."""

    user_id: int
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    whole_day: bool


def slot_of(assignment: Assignment, template: ShiftTemplate | None = None) -> Slot:
    template = template or assignment.shift
    return Slot(assignment.user_id, assignment.date, assignment.starts_at, assignment.ends_at, is_24h(template))


def _hm(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def opening_span(date: datetime.date, templates) -> tuple[datetime.datetime, datetime.datetime] | None:
    spans = [shift_span(date, t) for t in templates if t.is_active and not is_24h(t)]
    if not spans:
        return None
    return min(s for s, _e in spans), max(e for _s, e in spans)


def coverage_problems(*, slots: list[Slot], days: list[datetime.date], templates, names: dict[int, str]) -> list[Problem]:
    """The three rules over ``slots`` (the planned assignments, plus neighbouring days' for rest and overlap).

    Gaps are reported for ``days`` only; overlaps and short rests where the later shift falls on one of ``days``.
    """
    problems: list[Problem] = []
    day_set = set(days)
    by_date = defaultdict(list)
    for slot in slots:
        by_date[slot.date].append(slot)
    for day in days:
        span = opening_span(day, templates)
        if span is None:
            continue
        if any(s.whole_day for s in by_date[day]):
            continue
        opens, closes = span
        moment = opens
        nearby = by_date[day - datetime.timedelta(days=1)] + by_date[day] + by_date[day + datetime.timedelta(days=1)]
        intervals = sorted((s.starts_at, s.ends_at) for s in nearby if s.ends_at > opens and s.starts_at < closes)
        gaps = []
        for start, end in intervals:
            if start > moment:
                gaps.append((moment, min(start, closes)))
            moment = max(moment, end)
            if moment >= closes:
                break
        if moment < closes:
            gaps.append((moment, closes))
        for start, end in gaps:
            problems.append(Problem("gap", day, _("%(date)s: nobody on duty %(start)s–%(end)s.") % {
                "date": date_format(day, "SHORT_DATE_FORMAT"), "start": _hm(start), "end": _hm(end)}))
    by_user = defaultdict(list)
    for slot in slots:
        by_user[slot.user_id].append(slot)
    rest = min_rest()
    for user_id, own in by_user.items():
        own.sort(key=lambda s: (s.starts_at, s.ends_at))
        for before, after in pairwise(own):
            if after.date not in day_set and before.date not in day_set:
                continue
            if after.starts_at >= before.ends_at + rest:
                continue
            name = names.get(user_id, str(user_id))
            when = date_format(after.date, "SHORT_DATE_FORMAT")
            if after.starts_at < before.ends_at:
                problems.append(Problem("overlap", after.date, _("%(date)s: %(name)s is on two overlapping shifts.") % {
                    "date": when, "name": name}, user_id))
            elif after.starts_at - before.ends_at < rest:
                hours = (after.starts_at - before.ends_at).total_seconds() / 3600
                problems.append(Problem("rest", after.date, _(
                    "%(date)s: %(name)s rests only %(hours)s hours between shifts (at least %(min)s).") % {
                    "date": when, "name": name, "hours": f"{hours:g}", "min": f"{rest.total_seconds() / 3600:g}"}, user_id))
    problems.sort(key=lambda p: (p.date, p.kind, p.message))
    return problems


def _neighbour_slots(*, community, roster_id, first: datetime.date, last: datetime.date, user_ids=None) -> list[Slot]:
    """Active assignments of other rosters on the days just before and after the month (for rest and overlap)."""
    qs = (Assignment.objects.filter(community=community, is_active=True,
                                    date__gte=first - datetime.timedelta(days=1), date__lte=last + datetime.timedelta(days=1))
          .exclude(roster_id=roster_id).select_related("shift"))
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    return [slot_of(a) for a in qs]


def roster_problems(roster: Roster) -> list[Problem]:
    days = month_days(roster.month)
    templates = list(ShiftTemplate.objects.filter(community_id=roster.community_id))
    by_id = {t.pk: t for t in templates}
    assignments = list(Assignment.objects.filter(roster=roster, is_active=True).select_related("user"))
    slots = [slot_of(a, by_id[a.shift_id]) for a in assignments]
    slots += _neighbour_slots(community=roster.community, roster_id=roster.pk, first=days[0], last=days[-1])
    names = {a.user_id: a.user.display_name for a in assignments}
    return coverage_problems(slots=slots, days=days, templates=templates, names=names)


# --- the roster grid -----------------------------------------------------------------------------

def roster_get_or_create(*, community, month: datetime.date, actor) -> Roster:
    month = month_start(month)
    roster = Roster.objects.filter(community=community, month=month).first()
    if roster is not None:
        return roster
    try:
        with transaction.atomic():
            return Roster.objects.create(community=community, month=month, created_by=actor)
    except IntegrityError:
        return Roster.objects.get(community=community, month=month)


@transaction.atomic
def roster_save_grid(*, community, month: datetime.date, cells: dict[tuple[int, int], str], actor) -> dict:
    """Write the whole grid in one go. ``cells`` maps (user id, day of month) -> shift code ("" = off).

    Only changed cells are written: an emptied or changed cell deactivates its assignment; a new or
    changed cell adds one. Returns {"added": n, "removed": n, "roster": roster}.
    """
    roster = roster_get_or_create(community=community, month=month, actor=actor)
    roster = Roster.objects.select_for_update().get(pk=roster.pk)
    if roster.status not in EDITABLE:
        raise ValidationError(_("This roster is %(status)s: its grid can no longer be changed.") % {
            "status": roster.get_status_display()})
    templates = {t.code: t for t in ShiftTemplate.objects.filter(community=community)}
    staff_ids = set(community_staff(community).values_list("pk", flat=True))
    current = {(a.user_id, a.date): a for a in Assignment.objects.filter(roster=roster, is_active=True)}
    former_ids = {user_id for user_id, _day in current} - staff_ids  # left the community: shifts can only be removed
    days = {d.day: d for d in month_days(roster.month)}
    errors = []
    wanted: dict[tuple[int, datetime.date], ShiftTemplate | None] = {}
    for (user_id, day), code in cells.items():
        code = (code or "").strip().upper()
        if (user_id not in staff_ids and user_id not in former_ids) or day not in days:
            errors.append(_("Row or day out of range: %(user)s / %(day)s.") % {"user": user_id, "day": day})
            continue
        if user_id in former_ids and code and (user_id, days[day]) not in current:
            errors.append(_("%(date)s: this person is no longer on the community's staff; their shifts can only be "
                            "removed.") % {"date": date_format(days[day], "SHORT_DATE_FORMAT")})
            continue
        template = templates.get(code) if code else None
        if code and (template is None or not template.is_active):
            errors.append(_("%(date)s: unknown shift code “%(code)s”.") % {
                "date": date_format(days[day], "SHORT_DATE_FORMAT"), "code": code})
            continue
        wanted[(user_id, days[day])] = template
    if errors:
        raise ValidationError(errors)
    to_remove, to_add = [], []
    for key, template in wanted.items():
        existing = current.get(key)
        if existing is not None and template is not None and existing.shift_id == template.pk:
            continue
        if existing is not None:
            to_remove.append(existing.pk)
        if template is not None:
            starts, ends = shift_span(key[1], template)
            to_add.append(Assignment(community=community, roster=roster, user_id=key[0], date=key[1], shift=template,
                                     starts_at=starts, ends_at=ends))
    if to_remove:
        Assignment.objects.filter(pk__in=to_remove).update(is_active=False)
    Assignment.objects.bulk_create(to_add)
    return {"added": len(to_add), "removed": len(to_remove), "roster": roster}


def previous_pattern(*, roster: Roster, mode: str) -> dict[tuple[int, int], str]:
    """Cells copied from last month's active assignments.

    ``weekday``: each day takes the same weekday four weeks earlier (five when that is still this month);
    ``day``: each day takes the same day number (days the previous month lacks stay empty).
    """
    previous = previous_month(roster.month)
    source = {(a.user_id, a.date): a.shift.code for a in
              Assignment.objects.filter(community=roster.community, date__gte=previous, date__lt=roster.month,
                                        is_active=True).select_related("shift")}
    staff_ids = list(community_staff(roster.community).values_list("pk", flat=True))
    cells = {}
    for day in month_days(roster.month):
        if mode == "weekday":
            origin = day - datetime.timedelta(days=28)
            if origin >= roster.month:
                origin -= datetime.timedelta(days=7)
        else:
            try:
                origin = previous.replace(day=day.day)
            except ValueError:
                origin = None
        for user_id in staff_ids:
            cells[(user_id, day.day)] = source.get((user_id, origin), "") if origin else ""
    return cells


def roster_copy_previous(*, community, month: datetime.date, mode: str, actor) -> dict:
    if mode not in ("weekday", "day"):
        raise ValidationError({"mode": _("Choose by weekday or by day of the month.")})
    roster = roster_get_or_create(community=community, month=month, actor=actor)
    return roster_save_grid(community=community, month=month, cells=previous_pattern(roster=roster, mode=mode), actor=actor)


# --- status --------------------------------------------------------------------------------------

def _roster_url(roster: Roster) -> str:
    return reverse("duty:roster_month", kwargs={"community_pk": roster.community_id, "year": roster.month.year,
                                                "month": roster.month.month})


@transaction.atomic
def roster_set_status(*, roster: Roster, to_status: str, actor, note: str = "") -> Roster:
    """The one writer of Roster.status: lock, check the move, record it, notify."""
    roster = Roster.objects.select_for_update().select_related("community").get(pk=roster.pk)
    note = clean_text(note)
    from_status = roster.status
    if to_status not in Roster.TRANSITIONS[from_status]:
        raise ValidationError(_("A roster that is %(from)s cannot be %(to)s.") % {
            "from": roster.get_status_display(), "to": Roster.Status(to_status).label})
    now = timezone.now()
    if to_status == Roster.Status.SUBMITTED:
        if not has_perm(actor, "duty.roster"):
            raise ValidationError(_("Only the supervisor submits the roster."))
        problems = roster_problems(roster)
        if problems:
            raise ValidationError([_("The roster cannot be submitted until these are fixed:")] + [p.message for p in problems])
        if not Assignment.objects.filter(roster=roster, is_active=True).exists():
            raise ValidationError(_("The roster is empty."))
        roster.submitted_at, roster.decided_at = now, None
        fields = ["status", "submitted_at", "decided_at"]
    else:
        if not has_perm(actor, "duty.approve_roster"):
            raise ValidationError(_("Only the manager approves or returns the roster."))
        if to_status == Roster.Status.RETURNED and not note:
            raise ValidationError({"note": _("Say what needs to change.")})
        roster.decided_at, roster.manager_comment = now, note
        fields = ["status", "decided_at", "manager_comment"]
    roster.status = to_status
    roster.save(update_fields=fields)
    RosterStatusChange.objects.create(roster=roster, from_status=from_status, to_status=to_status, actor=actor, note=note)
    month = roster.month.strftime("%Y-%m")
    url = _roster_url(roster)
    if to_status == Roster.Status.SUBMITTED:
        managers = community_staff(roster.community, roles=(Role.MANAGER,))
        title = (_("Roster %(month)s of %(community)s submitted late for approval") if roster_is_late(roster)
                 else _("Roster %(month)s of %(community)s submitted for approval")) % {
            "month": month, "community": roster.community.name}
        notify(users=list(managers), title=title, body=note, url=url)
    else:
        submitter = (RosterStatusChange.objects.filter(roster=roster, to_status=Roster.Status.SUBMITTED)
                     .order_by("-at", "-id").values_list("actor", flat=True).first())
        from django.contrib.auth import get_user_model

        recipients = get_user_model().objects.filter(pk__in={submitter or roster.created_by_id})
        title = (_("Roster %(month)s of %(community)s approved") if to_status == Roster.Status.APPROVED
                 else _("Roster %(month)s of %(community)s returned for changes")) % {
            "month": month, "community": roster.community.name}
        notify(users=list(recipients), title=title, body=note, url=url)
    return roster


# --- reminders -----------------------------------------------------------------------------------

REMINDERS = (  # (marker field, first day, last day): a missed day is caught up inside the window, never twice
    ("reminder_24_sent_at", 24, 25),
    ("reminder_20_sent_at", 20, 23),
)


def roster_reminders_send(*, today: datetime.date) -> list[int]:
    """Remind supervisors of every community whose next-month roster is not submitted. Returns roster ids reminded.

    The 20th reminder goes out from the 20th to the 23rd (catching up a missed day), the 24th reminder on
    the 24th or 25th (the deadline); each once per roster, marked on the roster row.
    """
    from frontdesk.models import Community

    field = next((field for field, first, last in REMINDERS if first <= today.day <= last), None)
    if field is None:
        return []
    month = next_month(today)
    reminded = []
    for community in Community.objects.order_by("pk"):
        with transaction.atomic():
            supervisors = list(community_staff(community, roles=(Role.SUPERVISOR,)))
            if not supervisors:
                continue
            roster = roster_get_or_create(community=community, month=month, actor=supervisors[0])
            roster = Roster.objects.select_for_update().get(pk=roster.pk)
            if roster.status not in EDITABLE or getattr(roster, field) is not None:
                continue
            deadline = date_format(roster.submission_deadline, "SHORT_DATE_FORMAT")
            title = _("Roster %(month)s of %(community)s is due by %(deadline)s") % {
                "month": month.strftime("%Y-%m"), "community": community.name, "deadline": deadline}
            body = _("The roster for %(month)s has not been submitted to the manager yet.") % {"month": month.strftime("%Y-%m")}
            url = _roster_url(roster)
            notify(users=supervisors, title=title, body=body, url=url)
            for user in supervisors:
                if user.email:
                    send_outbound(channel=OutboundMessage.Channel.EMAIL, recipient=user.email, subject=title,
                                  body=f"{body}\n{settings.SITE_URL}{url}")
            setattr(roster, field, timezone.now())
            roster.save(update_fields=[field])
            reminded.append(roster.pk)
    return reminded


# --- leave and swaps -----------------------------------------------------------------------------

def _assignment_locked(pk) -> Assignment:
    return Assignment.objects.select_for_update().select_related("roster", "shift", "user").get(pk=pk)


def change_request_create(*, requester, kind: str, assignment: Assignment, reason: str,
                          counterpart_assignment: Assignment | None = None, today: datetime.date | None = None
                          ) -> ShiftChangeRequest:
    today = today or timezone.localdate()
    reason = clean_text(reason)
    if kind not in ShiftChangeRequest.Kind.values:
        raise ValidationError({"kind": _("Choose leave or swap.")})
    if assignment.user_id != requester.pk or not assignment.is_active:
        raise ValidationError({"assignment": _("Choose one of your own planned shifts.")})
    if assignment.date <= today:
        raise ValidationError({"assignment": _("Leave and swaps are asked at least one day ahead: this shift is on %(date)s.")
                               % {"date": date_format(assignment.date, "SHORT_DATE_FORMAT")}})
    if assignment.roster.status != Roster.Status.APPROVED:
        raise ValidationError({"assignment": _("This month's roster is not approved yet: ask the supervisor to change the draft.")})
    if not reason:
        raise ValidationError({"reason": _("Give a reason.")})
    if kind == ShiftChangeRequest.Kind.SWAP:
        other = counterpart_assignment
        if other is None:
            raise ValidationError({"counterpart_assignment": _("Choose the colleague's shift to swap with.")})
        if (other.community_id != assignment.community_id or not other.is_active or other.user_id == requester.pk):
            raise ValidationError({"counterpart_assignment": _("Choose an active shift of a colleague in the same community.")})
        if other.date <= today:
            raise ValidationError({"counterpart_assignment": _("The colleague's shift must also be at least one day ahead.")})
        if other.roster.status != Roster.Status.APPROVED:
            raise ValidationError({"counterpart_assignment": _("That month's roster is not approved yet.")})
    else:
        counterpart_assignment = None
    with transaction.atomic():
        _assignment_locked(assignment.pk)
        involved = [assignment.pk] + ([counterpart_assignment.pk] if counterpart_assignment else [])
        pending = ShiftChangeRequest.objects.filter(status=ShiftChangeRequest.Status.PENDING)
        if (pending.filter(assignment_id__in=involved).exists()
                or pending.filter(counterpart_assignment_id__in=involved).exists()):
            raise ValidationError({"assignment": _("There is already a pending request for this shift.")})
        request = ShiftChangeRequest(community_id=assignment.community_id, kind=kind, requester=requester,
                                     assignment=assignment, counterpart_assignment=counterpart_assignment, reason=reason)
        request.full_clean()
        request.save(force_insert=True)
        url = reverse("duty:request_list")
        supervisors = community_staff(assignment.community, roles=(Role.SUPERVISOR,))
        title = _("%(name)s asks for %(kind)s on %(date)s") % {
            "name": requester.display_name, "kind": request.get_kind_display(),
            "date": date_format(assignment.date, "SHORT_DATE_FORMAT")}
        notify(users=[u for u in supervisors if u.pk != requester.pk], title=title, body=reason, url=url)
        if counterpart_assignment is not None:
            notify(users=[counterpart_assignment.user], title=title, body=reason, url=url)
    return request


def change_request_cancel(*, request: ShiftChangeRequest, actor) -> ShiftChangeRequest:
    with transaction.atomic():
        request = ShiftChangeRequest.objects.select_for_update().get(pk=request.pk)
        if request.requester_id != actor.pk:
            raise ValidationError(_("Only the person who asked can withdraw the request."))
        _check_move(request, ShiftChangeRequest.Status.CANCELLED)
        request.status, request.decided_by, request.decided_at = ShiftChangeRequest.Status.CANCELLED, actor, timezone.now()
        request.save(update_fields=["status", "decided_by", "decided_at"])
    return request


def _check_move(request: ShiftChangeRequest, to_status: str) -> None:
    if to_status not in ShiftChangeRequest.TRANSITIONS[request.status]:
        raise ValidationError(_("This request is already %(status)s.") % {"status": request.get_status_display()})


def _slots_for(community, user_ids, first, last) -> list[Slot]:
    qs = (Assignment.objects.filter(community=community, is_active=True, user_id__in=user_ids,
                                    date__gte=first - datetime.timedelta(days=1), date__lte=last + datetime.timedelta(days=1))
          .select_related("shift"))
    return [slot_of(a) for a in qs]


def _day_slots(community, days) -> list[Slot]:
    qs = (Assignment.objects.filter(community=community, is_active=True, date__gte=min(days) - datetime.timedelta(days=1),
                                    date__lte=max(days)).select_related("shift"))
    return [slot_of(a) for a in qs]


def _problems_around(community, user_ids, days, names) -> set[str]:
    templates = list(ShiftTemplate.objects.filter(community=community))
    slots = {s for s in _slots_for(community, user_ids, min(days), max(days))} | set(_day_slots(community, days))
    return {p.message for p in coverage_problems(slots=list(slots), days=days, templates=templates, names=names)}


@transaction.atomic
def change_request_decide(*, request: ShiftChangeRequest, approve: bool, actor, note: str = "",
                          cover_user=None) -> ShiftChangeRequest:
    """Approve or reject a leave or swap. Approval rewrites the roster (deactivate + add), refused if it
    leaves a gap, an overlap or too short a rest that was not there before."""
    request = ShiftChangeRequest.objects.select_for_update().get(pk=request.pk)
    to_status = ShiftChangeRequest.Status.APPROVED if approve else ShiftChangeRequest.Status.REJECTED
    _check_move(request, to_status)
    note = clean_text(note)
    if not approve and not note:
        raise ValidationError({"note": _("Say why the request is rejected.")})
    now = timezone.now()
    if approve:
        mine = _assignment_locked(request.assignment_id)
        other = _assignment_locked(request.counterpart_assignment_id) if request.counterpart_assignment_id else None
        for a in filter(None, (mine, other)):
            if not a.is_active:
                raise ValidationError(_("The roster has changed since the request: this shift is no longer planned."))
            if a.starts_at <= now:
                raise ValidationError(_("The shift has already started."))
        staff = {u.pk: u for u in community_staff(mine.community)}
        if cover_user is not None and (cover_user.pk not in staff or cover_user.pk == mine.user_id):
            raise ValidationError({"cover_user": _("Choose a colleague on this community's roster.")})
        if request.kind == ShiftChangeRequest.Kind.SWAP and other is None:
            raise ValidationError(_("The swap has no counterpart shift."))
        users = {mine.user_id} | ({other.user_id} if other else set()) | ({cover_user.pk} if cover_user else set())
        days = sorted({mine.date} | ({other.date} if other else set()))
        names = {pk: u.display_name for pk, u in staff.items()}
        before = _problems_around(mine.community, users, days, names)
        deactivate = [mine.pk] + ([other.pk] if other else [])
        Assignment.objects.filter(pk__in=deactivate).update(is_active=False)
        new = []
        if request.kind == ShiftChangeRequest.Kind.SWAP:
            for source, user_id in ((mine, other.user_id), (other, mine.user_id)):
                new.append(Assignment(community_id=source.community_id, roster_id=source.roster_id, user_id=user_id,
                                      date=source.date, shift_id=source.shift_id, starts_at=source.starts_at,
                                      ends_at=source.ends_at, origin=Assignment.Origin.SWAP, change_request=request))
        elif cover_user is not None:
            new.append(Assignment(community_id=mine.community_id, roster_id=mine.roster_id, user=cover_user,
                                  date=mine.date, shift_id=mine.shift_id, starts_at=mine.starts_at, ends_at=mine.ends_at,
                                  origin=Assignment.Origin.COVER, change_request=request))
        try:
            with transaction.atomic():
                Assignment.objects.bulk_create(new)
        except IntegrityError as exc:
            raise ValidationError(_("The swap would put someone on the same shift twice that day.")) from exc
        after = _problems_around(mine.community, users, days, names)
        introduced = sorted(after - before)
        if introduced:
            raise ValidationError([_("Approving this would break the roster rules:")] + introduced)
        request.cover_user = cover_user
    request.status, request.decided_by, request.decided_at, request.decision_note = to_status, actor, now, note
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "cover_user"])
    title = (_("Your %(kind)s request for %(date)s was approved") if approve
             else _("Your %(kind)s request for %(date)s was rejected")) % {
        "kind": request.get_kind_display(), "date": date_format(request.assignment.date, "SHORT_DATE_FORMAT")}
    url = reverse("duty:request_list")
    recipients = [request.requester]
    if approve and request.counterpart_assignment_id:
        recipients.append(request.counterpart_assignment.user)
    if approve and cover_user is not None:
        recipients.append(cover_user)
    notify(users=recipients, title=title, body=note, url=url)
    return request
