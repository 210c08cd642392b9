"""Notices to residents 通知 / 通告 / 温馨提示 (seed 000: drafting, posting in order, archiving, taking down on
time). ``notice_set_status`` is the one writer of ``Notice.status``; each move leaves a ``NoticeStatusChange``.

- templates per community (supervisor/manager), with defaults (停水, 停电, 消杀, 电梯维保, 缴费提醒, 节日温馨提示);
- a draft from a template, numbered per community and year (``core.numbering``), its text editable while a draft;
- approval by a supervisor or manager who did not draft it; rejection and withdrawal with the reason;
- on approval a posting row per chosen entrance: posted by whom and when, taken down by whom and when;
- the desk's take-down reminder once per notice (a ``NoticeReminder`` row claimed before notifying);
- the optional SMS to the owners of the units at the chosen entrances, in batches, once per notice and person
  (a ``NoticeSms`` row claimed with ``INSERT … ON CONFLICT DO NOTHING`` before ``send_outbound``).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import OutboundMessage, Role
from core.notifications import notify, send_outbound
from core.numbering import next_number
from core.text import clean_text
from frontdesk.models import (
    Community,
    Entrance,
    Notice,
    NoticeKind,
    NoticePosting,
    NoticeReminder,
    NoticeSms,
    NoticeStatusChange,
    NoticeTemplate,
    Occupancy,
)

S = Notice.Status
NUMBER_KIND = "notice"
SMS_BATCH = 200
MAX_PERIOD_DAYS = 366
MAX_BODY = 800  # characters and paragraphs: the text fits one A4 page at the entrance
MAX_PARAGRAPHS = 15
APPROVERS = (Role.SUPERVISOR, Role.MANAGER, Role.ADMIN)
DESK_ROLES = (Role.CLERK, Role.SUPERVISOR, Role.MANAGER)
PLACEHOLDERS = ("date", "start", "end", "area")

# The seeded wording (data, in Chinese as posted): name, kind, title, text with {date} {start} {end} {area}.
DEFAULT_TEMPLATES = (
    ("停水通知", NoticeKind.NOTICE, "停水通知",
     "尊敬的业主/住户：\n因供水设施检修，{date} {start} 至 {end}，{area}将暂停供水。请提前做好储水准备，"
     "停水期间请关闭水龙头，以免来水时造成损失。由此带来的不便，敬请谅解。"),
    ("停电通知", NoticeKind.NOTICE, "停电通知",
     "尊敬的业主/住户：\n因供电线路检修，{date} {start} 至 {end}，{area}将暂停供电。请提前做好准备，"
     "停电期间请勿乘坐电梯，并关闭家用电器电源。由此带来的不便，敬请谅解。"),
    ("消杀通知", NoticeKind.NOTICE, "消杀通知",
     "尊敬的业主/住户：\n为创造良好的居住环境，{date} {start} 至 {end}，将在{area}进行灭鼠、灭蟑等消杀作业。"
     "作业期间请看管好儿童和宠物，关闭门窗。感谢您的配合。"),
    ("电梯维保", NoticeKind.ANNOUNCEMENT, "电梯维保通告",
     "尊敬的业主/住户：\n{date} {start} 至 {end}，将对{area}电梯进行例行维护保养，维保期间该电梯暂停使用，"
     "请走楼梯或使用其他电梯。由此带来的不便，敬请谅解。"),
    ("缴费提醒", NoticeKind.REMINDER, "缴费温馨提示",
     "尊敬的业主/住户：\n本期物业服务费等费用已开始收取，请于{date}前到物业服务中心缴纳。"
     "收费时间：{start} 至 {end}。感谢您的支持与配合。"),
    ("节日温馨提示", NoticeKind.REMINDER, "节日温馨提示",
     "尊敬的业主/住户：\n{date}佳节将至，物业服务中心祝您节日快乐！节日期间请注意防火防盗，"
     "外出时关好门窗、水电燃气，燃放烟花爆竹请遵守规定，{area}禁止燃放。"),
)


def _reason(value: str, field: str = "reason") -> str:
    reason = clean_text(value or "")[:200]
    if len(reason) < 2:
        raise ValidationError({field: _("Give the reason.")})
    return reason


def _body_errors(body: str) -> dict:
    if len(body) < 5:
        return {"body": [_("Write the text of the notice.")]}
    if len(body) > MAX_BODY:
        return {"body": [_("Keep the text to at most %(limit)s characters (it has %(count)s), so that it fits one "
                           "A4 page.") % {"limit": MAX_BODY, "count": len(body)}]}
    if len([line for line in body.split("\n") if line.strip()]) > MAX_PARAGRAPHS:
        return {"body": [_("Keep the text to at most %(limit)s paragraphs, so that it fits one A4 page.")
                         % {"limit": MAX_PARAGRAPHS}]}
    return {}


# -- templates ---------------------------------------------------------------------------------------------------

@transaction.atomic
def templates_seed(*, community: Community, actor) -> int:
    """Add the default templates the community does not have yet (by name). Returns how many were added."""
    have = set(NoticeTemplate.objects.filter(community=community).values_list("name", flat=True))
    rows = [NoticeTemplate(community=community, name=name, kind=kind, title=title, body=body, updated_by=actor)
            for name, kind, title, body in DEFAULT_TEMPLATES if name not in have]
    NoticeTemplate.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _template_fields(name, kind, title, body, is_active) -> dict:
    errors, fields = {}, {}
    fields["name"] = clean_text(name or "")[:40]
    if len(fields["name"]) < 2:
        errors["name"] = [_("Give the template a name.")]
    if kind not in NoticeKind.values:
        errors["kind"] = [_("Choose the kind of notice.")]
    fields["kind"] = kind
    fields["title"] = clean_text(title or "")[:100]
    if len(fields["title"]) < 2:
        errors["title"] = [_("Give the title.")]
    fields["body"] = (body or "").replace("\r\n", "\n").strip()
    errors.update(_body_errors(fields["body"]))
    fields["is_active"] = bool(is_active)
    if errors:
        raise ValidationError(errors)
    return fields


@transaction.atomic
def template_save(*, community: Community, template: NoticeTemplate | None = None, name: str, kind: str,
                  title: str, body: str, is_active: bool = True, actor) -> NoticeTemplate:
    fields = _template_fields(name, kind, title, body, is_active)
    clash = NoticeTemplate.objects.filter(community=community, name=fields["name"])
    if template is not None:
        template = NoticeTemplate.objects.select_for_update().get(pk=template.pk)
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise ValidationError({"name": _("A template with this name already exists.")})
    template = template or NoticeTemplate(community=community)
    for key, value in fields.items():
        setattr(template, key, value)
    template.updated_by = actor
    template.save()
    return template


# -- drafting ----------------------------------------------------------------------------------------------------

def fill_placeholders(text: str, values: dict) -> str:
    """``{date}`` ``{start}`` ``{end}`` ``{area}`` replaced by what the clerk typed (nothing else is read)."""
    for key in PLACEHOLDERS:
        text = text.replace("{" + key + "}", clean_text(str(values.get(key) or ""))[:100])
    return text


def _check_period(post_from, post_to, *, today) -> list:
    errors = {}
    if post_from is None:
        errors["post_from"] = [_("Give the first day of posting.")]
    if post_to is None:
        errors["post_to"] = [_("Give the last day of posting.")]
    if post_from and post_to:
        if post_to < post_from:
            errors["post_to"] = [_("The posting period ends before it starts.")]
        elif (post_to - post_from).days > MAX_PERIOD_DAYS:
            errors["post_to"] = [_("A notice is posted for at most a year.")]
    return errors


def _check_entrances(community, entrance_ids) -> tuple[list[int], dict]:
    ids = sorted({int(i) for i in entrance_ids or []})
    if not ids:
        return ids, {"entrances": [_("Choose at least one entrance to post the notice at.")]}
    found = set(Entrance.objects.filter(pk__in=ids, building__community=community).values_list("pk", flat=True))
    if found != set(ids):
        return ids, {"entrances": [_("Choose entrances of this community.")]}
    return ids, {}


@transaction.atomic
def notice_draft(*, community: Community, template: NoticeTemplate, values: dict, post_from: datetime.date,
                 post_to: datetime.date, entrance_ids, send_sms: bool = False, actor, now=None) -> Notice:
    """A draft from ``template`` with its placeholders filled, numbered per community and year."""
    now = now or timezone.now()
    errors = _check_period(post_from, post_to, today=timezone.localdate(now))
    if template is None or template.community_id != community.pk:
        errors["template"] = [_("Choose a template of this community.")]
    ids, entrance_errors = _check_entrances(community, entrance_ids)
    errors.update(entrance_errors)
    if errors:
        raise ValidationError(errors)
    body = fill_placeholders(template.body, values)
    if body_errors := _body_errors(body):
        raise ValidationError(body_errors)
    year = timezone.localdate(now).year
    seq = next_number(kind=NUMBER_KIND, scope_id=community.pk, year=year)
    notice = Notice.objects.create(
        community=community, template=template, kind=template.kind, year=year, seq=seq,
        number=f"TZ{year}-{seq:04d}", title=fill_placeholders(template.title, values),
        body=body, status=S.DRAFT, post_from=post_from, post_to=post_to,
        entrance_ids=ids, send_sms=bool(send_sms), created_by=actor, created_at=now)
    NoticeStatusChange.objects.create(notice=notice, from_status="", to_status=S.DRAFT, actor=actor, at=now)
    return notice


def _locked(notice) -> Notice:
    return Notice.objects.select_for_update().get(pk=notice.pk)


@transaction.atomic
def notice_edit(*, notice: Notice, kind: str, title: str, body: str, post_from, post_to, entrance_ids,
                send_sms: bool, actor, now=None) -> Notice:
    """Change a draft's wording, period, entrances and SMS choice (a draft only: after submission it is fixed)."""
    now = now or timezone.now()
    notice = _locked(notice)
    if notice.status != S.DRAFT:
        raise ValidationError(_("Only a draft can be changed (this notice is “%(status)s”).")
                              % {"status": notice.get_status_display()})
    errors = _check_period(post_from, post_to, today=timezone.localdate(now))
    title = clean_text(title or "")[:100]
    if len(title) < 2:
        errors["title"] = [_("Give the title.")]
    body = (body or "").replace("\r\n", "\n").strip()
    errors.update(_body_errors(body))
    if kind not in NoticeKind.values:
        errors["kind"] = [_("Choose the kind of notice.")]
    ids, entrance_errors = _check_entrances(notice.community, entrance_ids)
    errors.update(entrance_errors)
    if errors:
        raise ValidationError(errors)
    notice.kind, notice.title, notice.body = kind, title, body
    notice.post_from, notice.post_to, notice.entrance_ids, notice.send_sms = post_from, post_to, ids, bool(send_sms)
    notice.save()
    return notice


# -- the status machine -------------------------------------------------------------------------------------------

def notice_set_status(*, notice: Notice, to: str, actor, note: str = "", now=None, **fields) -> Notice:
    """The only writer of ``Notice.status``: the notice must be locked by the caller (``_locked``)."""
    now = now or timezone.now()
    if to not in Notice.TRANSITIONS[notice.status]:
        raise ValidationError(_("A notice that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": notice.get_status_display(), "to": S(to).label}, code="bad_move")
    previous = notice.status
    for name, value in fields.items():
        setattr(notice, name, value)
    notice.status = to
    notice.save()
    NoticeStatusChange.objects.create(notice=notice, from_status=previous, to_status=to, actor=actor,
                                      note=clean_text(note)[:200], at=now)
    return notice


@transaction.atomic
def notice_submit(*, notice: Notice, actor, now=None) -> Notice:
    return notice_set_status(notice=_locked(notice), to=S.PENDING, actor=actor, now=now)


@transaction.atomic
def notice_reopen(*, notice: Notice, actor, now=None) -> Notice:
    """A rejected notice back to a draft, to be corrected and submitted again."""
    return notice_set_status(notice=_locked(notice), to=S.DRAFT, actor=actor, now=now)


def _check_approver(notice, actor):
    if getattr(actor, "role", None) not in APPROVERS:
        raise ValidationError(_("Only a supervisor or the manager approves a notice."))
    if notice.created_by_id == actor.pk:
        raise ValidationError(_("Nobody approves a notice they drafted themselves."))
    if notice.status != S.PENDING:
        raise ValidationError(_("This notice is not awaiting approval (it is “%(status)s”).")
                              % {"status": notice.get_status_display()})


@transaction.atomic
def notice_approve(*, notice: Notice, actor, now=None) -> Notice:
    """Approve and publish: a posting row per chosen entrance; the SMS (if chosen) is queued after commit."""
    now = now or timezone.now()
    notice = _locked(notice)
    _check_approver(notice, actor)
    notice = notice_set_status(notice=notice, to=S.PUBLISHED, actor=actor, now=now, approved_by=actor,
                               approved_at=now)
    entrances = Entrance.objects.filter(pk__in=notice.entrance_ids, building__community_id=notice.community_id)
    NoticePosting.objects.bulk_create([NoticePosting(notice=notice, entrance=e) for e in entrances],
                                      ignore_conflicts=True)
    if notice.send_sms:
        from frontdesk.tasks import notice_sms

        notice_id = notice.pk
        transaction.on_commit(lambda: notice_sms.delay(notice_id))
    return notice


@transaction.atomic
def notice_reject(*, notice: Notice, reason: str, actor, now=None) -> Notice:
    notice = _locked(notice)
    reason = _reason(reason)
    _check_approver(notice, actor)
    return notice_set_status(notice=notice, to=S.REJECTED, actor=actor, note=reason, now=now, reason=reason)


@transaction.atomic
def notice_withdraw(*, notice: Notice, reason: str, actor, now=None) -> Notice:
    """Withdraw a notice (recorded with the reason, never deleted); copies still up are to be taken down."""
    notice = _locked(notice)
    reason = _reason(reason)
    if notice.status not in (S.DRAFT, S.PENDING, S.REJECTED, S.PUBLISHED):
        raise ValidationError(_("This notice is “%(status)s” and can no longer be withdrawn.")
                              % {"status": notice.get_status_display()})
    return notice_set_status(notice=notice, to=S.WITHDRAWN, actor=actor, note=reason, now=now, reason=reason)


# -- the posting checklist ----------------------------------------------------------------------------------------

def _locked_posting(posting) -> NoticePosting:
    """The posting row locked, then read again with its people (a join read while waiting for the lock would
    miss what the winner wrote)."""
    NoticePosting.objects.select_for_update().filter(pk=posting.pk).values_list("pk", flat=True).get()
    return NoticePosting.objects.select_related("notice", "posted_by", "taken_down_by").get(pk=posting.pk)


@transaction.atomic
def posting_record(*, posting: NoticePosting, actor, now=None) -> NoticePosting:
    """The copy is up at its entrance (once: of two clerks at once, the second is told who did it)."""
    now = now or timezone.now()
    posting = _locked_posting(posting)
    if posting.posted_at is not None:
        raise ValidationError(_("Already posted by %(who)s at %(at)s.") % {
            "who": posting.posted_by.display_name if posting.posted_by else "—",
            "at": f"{timezone.localtime(posting.posted_at):%Y-%m-%d %H:%M}"})
    if posting.notice.status != S.PUBLISHED:
        raise ValidationError(_("This notice is “%(status)s”: do not post it.")
                              % {"status": posting.notice.get_status_display()})
    posting.posted_at, posting.posted_by = now, actor
    posting.save(update_fields=["posted_at", "posted_by"])
    return posting


@transaction.atomic
def posting_take_down(*, posting: NoticePosting, actor, now=None) -> NoticePosting:
    """The copy is taken down; when every posted copy of the notice is down, the notice is "taken down"."""
    now = now or timezone.now()
    posting = _locked_posting(posting)
    if posting.taken_down_at is not None:
        raise ValidationError(_("Already taken down by %(who)s at %(at)s.") % {
            "who": posting.taken_down_by.display_name if posting.taken_down_by else "—",
            "at": f"{timezone.localtime(posting.taken_down_at):%Y-%m-%d %H:%M}"})
    if posting.posted_at is None:
        raise ValidationError(_("This copy was never posted."))
    posting.taken_down_at, posting.taken_down_by = now, actor
    posting.save(update_fields=["taken_down_at", "taken_down_by"])
    notice = _locked(posting.notice)
    rows = NoticePosting.objects.filter(notice=notice)
    still_up = rows.filter(posted_at__isnull=False, taken_down_at__isnull=True).exists()
    never_posted = rows.filter(posted_at__isnull=True).exists()
    if notice.status == S.PUBLISHED and not still_up and (not never_posted or timezone.localdate(now) > notice.post_to):
        note = "" if timezone.localdate(now) > notice.post_to else _("taken down before the end of the period")
        notice_set_status(notice=notice, to=S.TAKEN_DOWN, actor=actor, now=now, note=note)
    return posting


# -- the take-down reminder ----------------------------------------------------------------------------------------

def _claim_reminder(notice_id: int, now) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {NoticeReminder._meta.db_table} (notice_id, sent_at) VALUES (%s, %s) "  # noqa: S608
            "ON CONFLICT (notice_id) DO NOTHING RETURNING id", [notice_id, now])
        return cursor.fetchone() is not None


def notices_take_down_reminders(*, now=None) -> int:
    """The beat's sweep: each notice whose posting period is over with a copy still up (published or
    withdrawn) reminds the desk of its community once. Returns how many reminders were sent."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    now = now or timezone.now()
    today = timezone.localdate(now)
    due = Notice.objects.filter(Q(status=S.PUBLISHED, post_to__lt=today) | Q(status=S.WITHDRAWN),
                                postings__posted_at__isnull=False, postings__taken_down_at__isnull=True,
                                take_down_reminder__isnull=True)
    sent = 0
    User = get_user_model()
    for notice in due.distinct().select_related("community").order_by("pk")[:1000]:
        with transaction.atomic():
            if not _claim_reminder(notice.pk, now):
                continue
            desk = User.objects.filter(is_active=True, role__in=DESK_ROLES, communities=notice.community_id)
            notify(users=list(desk), title=_("Take down notice %(number)s: %(title)s") % {
                "number": notice.number, "title": notice.title},
                body=_("Its posting period ended on %(day)s; record each entrance's take-down.") % {
                    "day": f"{notice.post_to:%Y-%m-%d}"},
                url=reverse("frontdesk:notice_detail", args=[notice.pk]), group=f"notice:{notice.pk}:take-down")
            sent += 1
    return sent


# -- the SMS to the owners --------------------------------------------------------------------------------------------

def sms_recipients(notice: Notice):
    """(person id, phone) of each current owner with a phone of the units at the notice's entrances."""
    return (Occupancy.objects.filter(community_id=notice.community_id, kind=Occupancy.Kind.OWNER,
                                     end_date__isnull=True, unit__entrance_id__in=notice.entrance_ids)
            .exclude(person__phone="").order_by("person_id").values_list("person_id", "person__phone").distinct())


def sms_text(notice: Notice) -> str:
    return _("[%(community)s] %(title)s (%(number)s), %(start)s to %(end)s: see the notice at your entrance.") % {
        "community": notice.community.name, "title": notice.title, "number": notice.number,
        "start": f"{notice.post_from:%m-%d}", "end": f"{notice.post_to:%m-%d}"}


def _claim_sms(notice_id: int, person_id: int, now) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {NoticeSms._meta.db_table} (notice_id, person_id, created_at) VALUES (%s, %s, %s) "  # noqa: S608
            "ON CONFLICT (notice_id, person_id) DO NOTHING RETURNING id", [notice_id, person_id, now])
        row = cursor.fetchone()
    return row[0] if row else None


def notice_sms_batch(*, notice_id: int, batch: int = SMS_BATCH, now=None) -> dict:
    """Send the next ``batch`` SMS of a published notice: each owner claimed once (a second run, a retried
    task or two workers at once send nobody twice). Returns {"sent": n, "remaining": m}."""
    now = now or timezone.now()
    notice = Notice.objects.select_related("community").filter(pk=notice_id).first()
    if notice is None or notice.status != S.PUBLISHED or not notice.send_sms:
        return {"sent": 0, "remaining": 0}
    done = set(NoticeSms.objects.filter(notice=notice).values_list("person_id", flat=True))
    todo = [(pid, phone) for pid, phone in sms_recipients(notice) if pid not in done]
    body = sms_text(notice)
    sent = 0
    for person_id, phone in todo[:batch]:
        with transaction.atomic():
            claimed = _claim_sms(notice.pk, person_id, now)
            if claimed is None:
                continue
            message = send_outbound(channel=OutboundMessage.Channel.SMS, recipient=phone, body=body)
            NoticeSms.objects.filter(pk=claimed).update(message=message)
            sent += 1
    return {"sent": sent, "remaining": max(len(todo) - batch, 0)}
