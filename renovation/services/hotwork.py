"""动火许可证 (seed 003 篇5 流程 5): filing with the welder's papers, the engineering and the safety review,
the manager's approval with a gapless number, the automatic expiry at the window's end, the reminder
before it ends, and the close-out check. ``hotwork_set_status`` is the one writer of the status."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role, SensitiveDataAccess, User
from core.notifications import notify
from core.numbering import next_number
from core.text import clean_text

from ..models import (
    HOTWORK_FILE_MAX_BYTES,
    HOTWORK_FILE_TYPES,
    HotWorkAttachment,
    HotWorkPermit,
    HotWorkStatusChange,
    Renovation,
)

S = HotWorkPermit.Status
NUMBER_KIND = "hotwork_permit"
MAGIC = {b"%PDF": "application/pdf", b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}


def file_check(upload, *, label: str) -> str:
    """The content type of an uploaded copy (PDF, JPEG or PNG, read from its first bytes) up to 10 MB."""
    if upload.size > HOTWORK_FILE_MAX_BYTES:
        raise ValidationError(_("“%(name)s” is larger than 10 MB.") % {"name": upload.name}, code="file_size")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    for magic, content_type in MAGIC.items():
        if head.startswith(magic):
            return content_type
    raise ValidationError(_("%(what)s must be a PDF, JPEG or PNG file.") % {"what": label}, code="file_type")


def window(*, day: datetime.date, start: datetime.time, end: datetime.time) -> tuple[datetime.datetime, datetime.datetime]:
    """The window's start and end as aware times in the service centre's time zone."""
    tz = timezone.get_current_timezone()
    return (timezone.make_aware(datetime.datetime.combine(day, start), tz),
            timezone.make_aware(datetime.datetime.combine(day, end), tz))


def _differs(actor, *others, message):
    if any(other is not None and other == actor.pk for other in others):
        raise ValidationError(message, code="same_person")


@transaction.atomic
def hotwork_set_status(*, permit: HotWorkPermit, to: str, actor, reason: str = "", now=None,
                       **fields) -> HotWorkPermit:
    """The only writer of ``HotWorkPermit.status``: lock, check the move against ``TRANSITIONS``, save the
    given fields with it and record the change (``actor`` None: the system)."""
    now = now or timezone.now()
    permit = HotWorkPermit.objects.select_for_update().get(pk=permit.pk)
    if to not in permit.allowed_moves():
        raise ValidationError(_("A hot-work permit that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": permit.get_status_display(), "to": S(to).label}, code="bad_move")
    reason = clean_text(reason or "")
    if to in HotWorkPermit.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason.")}, code="reason_required")
    previous = permit.status
    for name, value in fields.items():
        setattr(permit, name, value)
    permit.status = to
    permit.status_changed_at = now
    permit.save()
    HotWorkStatusChange.objects.create(permit=permit, from_status=previous, to_status=to, actor=actor,
                                       reason=reason[:500], at=now)
    return permit


@transaction.atomic
def hotwork_apply(*, renovation: Renovation, applicant_kind: str, location: str, work: str,
                  work_date: datetime.date, start_time: datetime.time, end_time: datetime.time, welder_name: str,
                  welder_certificate_no: str, fire_watcher_name: str, fire_watcher_phone: str,
                  extinguishers_checked: bool, extinguisher_count: int, certificate, id_copy, actor,
                  now=None) -> HotWorkPermit:
    """File a hot-work application for an active renovation (the permit issued, works on site), by the
    owner or the renovation lead on the application, with the welder's certificate and ID card copies."""
    now = now or timezone.now()
    renovation = Renovation.objects.select_for_update(of=("self",)).select_related("owner").get(pk=renovation.pk)
    if not renovation.is_active:
        raise ValidationError(_("Hot work needs a renovation with its permit issued and works on site."),
                              code="not_active")
    starts_at, ends_at = window(day=work_date, start=start_time, end=end_time)
    errors = {}
    if ends_at <= starts_at:
        errors["end_time"] = _("The window must end after it starts.")
    elif ends_at <= now:
        errors["end_time"] = _("The window has already passed.")
    if renovation.permit_valid_to and work_date > renovation.permit_valid_to:
        errors["work_date"] = _("The renovation permit ends on %(day)s.") % {"day": f"{renovation.permit_valid_to:%Y-%m-%d}"}
    if renovation.permit_valid_from and work_date < renovation.permit_valid_from:
        errors["work_date"] = _("The renovation permit starts on %(day)s.") % {"day": f"{renovation.permit_valid_from:%Y-%m-%d}"}
    if not extinguishers_checked:
        errors["extinguishers_checked"] = _("Check the extinguishers on site first.")
    if not extinguisher_count or extinguisher_count < 1:
        errors["extinguisher_count"] = _("At least one extinguisher must be on site.")
    if errors:
        raise ValidationError(errors)
    types = {}
    for field, upload, label in (("certificate", certificate, _("The welder's certificate copy")),
                                 ("id_copy", id_copy, _("The welder's ID card copy"))):
        if not upload:
            raise ValidationError({field: _("Attach %(what)s.") % {"what": label}}, code="file_missing")
        try:
            types[field] = file_check(upload, label=label)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None
    applicant_name = (renovation.owner.name if applicant_kind == HotWorkPermit.ApplicantKind.OWNER
                      else renovation.lead_name)
    permit = HotWorkPermit.objects.create(
        community_id=renovation.community_id, renovation=renovation, applicant_kind=applicant_kind,
        applicant_name=applicant_name, location=clean_text(location), work=clean_text(work), work_date=work_date,
        start_time=start_time, end_time=end_time, starts_at=starts_at, ends_at=ends_at,
        welder_name=clean_text(welder_name), welder_certificate_no=clean_text(welder_certificate_no),
        fire_watcher_name=clean_text(fire_watcher_name), fire_watcher_phone=clean_text(fire_watcher_phone),
        extinguishers_checked=True, extinguisher_count=extinguisher_count, status=S.REVIEW,
        created_by=actor, created_at=now, status_changed_at=now)
    HotWorkStatusChange.objects.create(permit=permit, from_status="", to_status=S.REVIEW, actor=actor, at=now)
    for kind, upload, field in ((HotWorkAttachment.Kind.CERTIFICATE, certificate, "certificate"),
                                (HotWorkAttachment.Kind.ID_COPY, id_copy, "id_copy")):
        content_type = types[field]
        attachment = HotWorkAttachment(permit=permit, kind=kind, original_name=clean_text(upload.name)[:200],
                                       content_type=content_type, size=upload.size, uploaded_by=actor,
                                       uploaded_at=now)
        attachment.file.save(f"hotwork{HOTWORK_FILE_TYPES[content_type]}", upload, save=False)
        attachment.save()
    return permit


def _stale(permit, message) -> ValidationError:
    """The loser of two people acting at once is told the status now and who moved it there."""
    last = permit.status_changes.select_related("actor").order_by("-at", "-id").first()
    who = last.actor.display_name if last and last.actor else _("the system")
    return ValidationError(message % {"status": permit.get_status_display(), "who": who}, code="stale")


def _locked_for_review(permit) -> HotWorkPermit:
    permit = HotWorkPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.status != S.REVIEW:
        raise _stale(permit, _("This application is no longer under review: %(who)s made it “%(status)s”."))
    return permit


@transaction.atomic
def hotwork_review(*, permit: HotWorkPermit, stage: str, passed: bool, comments: str, actor,
                   now=None) -> HotWorkPermit:
    """The engineering (``stage="engineering"``) or the safety (``"safety"``) review. Two different people,
    neither the filer; a refusal rejects the application; when both have passed it goes to the manager."""
    now = now or timezone.now()
    permit = _locked_for_review(permit)
    comments = clean_text(comments or "")[:500]
    _differs(actor, permit.created_by_id, message=_("Nobody reviews an application they filed themselves."))
    if stage == "engineering":
        if permit.engineering_at:
            raise ValidationError(_("The engineering review was already given by %(who)s.")
                                  % {"who": permit.engineering_by.display_name}, code="done")
        _differs(actor, permit.safety_by_id, message=_("The safety review was yours: another person reviews engineering."))
        fields = {"engineering_by": actor, "engineering_at": now, "engineering_comments": comments}
    elif stage == "safety":
        if permit.safety_at:
            raise ValidationError(_("The safety review was already given by %(who)s.")
                                  % {"who": permit.safety_by.display_name}, code="done")
        _differs(actor, permit.engineering_by_id,
                 message=_("The engineering review was yours: another person reviews safety."))
        fields = {"safety_by": actor, "safety_at": now, "safety_comments": comments}
    else:
        raise ValueError(stage)
    if not passed:
        if not comments:
            raise ValidationError({"comments": _("Say why it is refused.")}, code="reason_required")
        return hotwork_set_status(permit=permit, to=S.REJECTED, actor=actor, reason=comments, now=now, **fields)
    for name, value in fields.items():
        setattr(permit, name, value)
    if permit.engineering_at and permit.safety_at:
        return hotwork_set_status(permit=permit, to=S.APPROVAL, actor=actor, now=now, **fields)
    permit.save(update_fields=list(fields))
    return permit


@transaction.atomic
def hotwork_decide(*, permit: HotWorkPermit, approve: bool, reason: str = "", actor, now=None) -> HotWorkPermit:
    """The manager's approval (主任审批): the permit gets the next number of its community and year
    (``core.numbering``, in this transaction: a rollback leaves no gap); or the manager rejects it."""
    now = now or timezone.now()
    permit = HotWorkPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.status != S.APPROVAL:
        raise _stale(permit, _("This application is not awaiting approval: %(who)s made it “%(status)s”."))
    _differs(actor, permit.created_by_id, permit.engineering_by_id, permit.safety_by_id,
             message=_("Nobody approves an application they filed or reviewed."))
    if not approve:
        return hotwork_set_status(permit=permit, to=S.REJECTED, actor=actor, reason=reason, now=now)
    if permit.ends_at <= now:
        raise ValidationError(_("The window has already passed: the applicant must apply again."), code="passed")
    year = timezone.localdate(now).year
    seq = next_number(kind=NUMBER_KIND, scope_id=permit.community_id, year=year)
    return hotwork_set_status(permit=permit, to=S.ISSUED, actor=actor, now=now, approved_by=actor,
                              approved_at=now, year=year, seq=seq, number=f"DH{year}{seq:05d}")


@transaction.atomic
def hotwork_withdraw(*, permit: HotWorkPermit, reason: str, actor, now=None) -> HotWorkPermit:
    return hotwork_set_status(permit=permit, to=S.WITHDRAWN, actor=actor, reason=reason, now=now)


@transaction.atomic
def hotwork_close_out(*, permit: HotWorkPermit, site_safe: bool, note: str, actor, now=None) -> HotWorkPermit:
    """The close-out check (site left safe: no embers, power off, extinguishers back): who, when, note."""
    now = now or timezone.now()
    if not site_safe:
        raise ValidationError({"site_safe": _("Close out only when the site has been checked safe.")},
                              code="not_safe")
    permit = HotWorkPermit.objects.select_for_update().get(pk=permit.pk)
    if permit.status not in (S.ISSUED, S.EXPIRED):
        raise _stale(permit, _("Only an issued or expired permit is closed out: %(who)s made it “%(status)s”."))
    return hotwork_set_status(permit=permit, to=S.CLOSED, actor=actor, now=now, closeout_by=actor, closeout_at=now,
                              closeout_note=clean_text(note or "")[:500])


def _desk_users(community_id, *extra_ids):
    return User.objects.filter(Q(is_active=True) & (Q(role__in=[Role.CLERK, Role.SUPERVISOR], communities=community_id)
                                                    | Q(pk__in=[pk for pk in extra_ids if pk]))).distinct()


def hotwork_expire_due(*, now=None) -> list[int]:
    """Issued permits whose window has ended become expired (the system's move), each under its own row
    lock (``skip_locked``: two sweeps never move one twice); the desk is told to do the close-out check.
    Catches up after an outage: everything ended by ``now``."""
    now = now or timezone.now()
    due = list(HotWorkPermit.objects.filter(status=S.ISSUED, ends_at__lte=now).order_by("ends_at")
               .values_list("pk", flat=True)[:500])
    done = []
    for pk in due:
        with transaction.atomic():
            permit = (HotWorkPermit.objects.select_for_update(skip_locked=True)
                      .filter(pk=pk, status=S.ISSUED, ends_at__lte=now).first())
            if permit is None:
                continue
            permit = hotwork_set_status(permit=permit, to=S.EXPIRED, actor=None, now=now)
            notify(users=_desk_users(permit.community_id, permit.created_by_id),
                   title=_("Hot-work permit %(number)s has expired: check the site is safe") % {"number": permit.number},
                   body=permit.location, url=reverse("renovation:hotwork_detail", args=[permit.pk]),
                   group=f"hotwork:{permit.pk}")
            done.append(permit.pk)
    return done


def hotwork_end_reminders(*, now=None) -> list[int]:
    """Once per permit: the window ends within ``REMIND_BEFORE_MINUTES`` (and has not ended yet). The stamp
    ``end_reminder_sent_at`` is written under the row lock before the notification: never sent twice."""
    now = now or timezone.now()
    ahead = now + datetime.timedelta(minutes=HotWorkPermit.REMIND_BEFORE_MINUTES)
    candidates = list(HotWorkPermit.objects.filter(status=S.ISSUED, end_reminder_sent_at__isnull=True,
                                                   ends_at__gt=now, ends_at__lte=ahead)
                      .order_by("ends_at").values_list("pk", flat=True))
    sent = []
    for pk in candidates:
        with transaction.atomic():
            permit = (HotWorkPermit.objects.select_for_update(skip_locked=True)
                      .filter(pk=pk, status=S.ISSUED, end_reminder_sent_at__isnull=True).first())
            if permit is None:
                continue
            permit.end_reminder_sent_at = now
            permit.save(update_fields=["end_reminder_sent_at"])
            local_end = timezone.localtime(permit.ends_at)
            notify(users=_desk_users(permit.community_id, permit.created_by_id),
                   title=_("Hot work %(number)s ends at %(time)s") % {"number": permit.number,
                                                                      "time": f"{local_end:%H:%M}"},
                   body=permit.location, url=reverse("renovation:hotwork_detail", args=[permit.pk]),
                   group=f"hotwork:{permit.pk}")
            sent.append(permit.pk)
    return sent


def hotwork_sweep(*, now=None) -> dict:
    """The beat task's run: reminders first (for windows still open), then the expiry."""
    now = now or timezone.now()
    return {"reminded": len(hotwork_end_reminders(now=now)), "expired": len(hotwork_expire_due(now=now))}


def hotwork_file_open(*, attachment: HotWorkAttachment, user, ip_address=None) -> HotWorkAttachment:
    """Log that ``user`` opened a welder's copy (personal data) in the access log; the caller scoped it."""
    SensitiveDataAccess.objects.create(
        user=user, community_id=attachment.permit.community_id, record_type=attachment._meta.label_lower,
        record_id=attachment.pk, record_label=str(attachment.permit)[:200], field=attachment.kind,
        reason=(_("Opened %(what)s") % {"what": attachment.get_kind_display()})[:200], ip_address=ip_address)
    return attachment
