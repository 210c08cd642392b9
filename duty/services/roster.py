"""Shift templates, the monthly roster (排班表), its status pipeline, reminders, leave and swaps.

Every write of the roster area lives here. Assignments are never edited in place: a changed grid
cell deactivates the old assignment and adds a new one; an approved leave or swap deactivates the
affected assignments and adds the replacements, pointing at the approved request. Once a roster is
approved, ``change_request_decide`` is the only function that writes its assignments. The coverage
rules a roster must keep are in ``duty.selectors.coverage``.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.dates import month_days, month_start, next_month
from core.db import save_unique
from core.models import OutboundMessage, Role
from core.notifications import notify, send_outbound
from core.permissions import has_perm
from core.text import clean_text
from frontdesk.models import Community

from ..models import (
    Assignment,
    Roster,
    RosterStatusChange,
    ShiftChangeRequest,
    ShiftTemplate,
)
from ..selectors.coverage import problems_around, roster_problems, shift_span
from ..selectors.roster import (
    EDITABLE,
    community_staff,
    previous_pattern,
    roster_is_late,
    roster_of,
    roster_submitter,
)

# (code, name, start, end, order). The names are data (the community renames them at will).
DEFAULT_SHIFTS = [
    ("E", "早班", datetime.time(7, 30), datetime.time(15, 30), 10),
    ("M", "中班", datetime.time(9, 30), datetime.time(17, 30), 20),
    ("L", "晚班", datetime.time(12, 0), datetime.time(20, 0), 30),
    ("D", "24小时", datetime.time(8, 30), datetime.time(8, 30), 40),
]


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
    return save_unique(template, field="code", message=_("This shift code is already used."))


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
def roster_set_status(*, roster: Roster, to_status: str, actor, note: str = "", now=None) -> Roster:
    """The one writer of Roster.status: lock, check the move, record it, notify. ``now`` is for the demo's history."""
    roster = Roster.objects.select_for_update().select_related("community").get(pk=roster.pk)
    note = clean_text(note)
    from_status = roster.status
    if to_status not in Roster.TRANSITIONS[from_status]:
        raise ValidationError(_("A roster that is %(from)s cannot be %(to)s.") % {
            "from": roster.get_status_display(), "to": Roster.Status(to_status).label})
    now = now or timezone.now()
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
        recipients = roster_submitter(roster=roster)
        title = (_("Roster %(month)s of %(community)s approved") if to_status == Roster.Status.APPROVED
                 else _("Roster %(month)s of %(community)s returned for changes")) % {
            "month": month, "community": roster.community.name}
        notify(users=list(recipients), title=title, body=note, url=url)
    return roster


def roster_submit(*, community, month: datetime.date, actor) -> Roster:
    """The supervisor submits the month's roster to the manager (``roster_set_status``); no roster yet is an empty one."""
    roster = roster_of(community=community, month=month)
    if roster is None:
        raise ValidationError(_("The roster is empty."))
    return roster_set_status(roster=roster, to_status=Roster.Status.SUBMITTED, actor=actor)


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
        raise ValidationError(
            {"assignment": _("This month's roster is not approved yet: ask the supervisor to change the draft.")})
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
        _request_set_status(request, to_status=ShiftChangeRequest.Status.CANCELLED, actor=actor, at=timezone.now())
    return request


def _check_move(request: ShiftChangeRequest, to_status: str) -> None:
    if to_status not in ShiftChangeRequest.TRANSITIONS[request.status]:
        raise ValidationError(_("This request is already %(status)s.") % {"status": request.get_status_display()})


def _request_set_status(request: ShiftChangeRequest, *, to_status: str, actor, at, fields=()) -> None:
    """The one writer of ShiftChangeRequest.status, on a row its caller has locked: checks the move against
    ``ShiftChangeRequest.TRANSITIONS`` and records who decided and when (plus ``fields`` already set)."""
    _check_move(request, to_status)
    request.status, request.decided_by, request.decided_at = to_status, actor, at
    request.save(update_fields=["status", "decided_by", "decided_at", *fields])


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
        before = problems_around(mine.community, users, days, names)
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
        after = problems_around(mine.community, users, days, names)
        introduced = sorted(after - before)
        if introduced:
            raise ValidationError([_("Approving this would break the roster rules:")] + introduced)
        request.cover_user = cover_user
    request.decision_note = note
    _request_set_status(request, to_status=to_status, actor=actor, at=now, fields=("decision_note", "cover_user"))
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
