"""装修申请: filing at the counter (the identity rule checked), attachments, and the one writer of
``Renovation.status`` with its status-change row. The reviews, fees and the permit are in their own
modules and move the status only through ``renovation_set_status``."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.numbering import next_number
from core.text import clean_text
from core.uploads import document_check, document_type
from frontdesk.models import Person, TenantAuthorization, Unit
from frontdesk.selectors.occupancies import is_current_owner, tenant_authorization_check

from ..models import (
    ATTACHMENT_TYPES,
    Renovation,
    RenovationAttachment,
    RenovationStatusChange,
    Scope,
)

S = Renovation.Status
K = Renovation.ApplicantKind


def sniff_type(head: bytes) -> str | None:
    """The accepted content type the file's first bytes show, or None (``core.uploads.document_type``)."""
    return document_type(head)


def check_upload(upload) -> str:
    """PDF, JPEG or PNG up to 10 MB, read from the content (``core.uploads.document_check``)."""
    return document_check(upload)


def _current_owner(unit: Unit, person: Person | None) -> bool:
    return is_current_owner(unit=unit, person=person)


def check_identity(*, unit: Unit, applicant_kind: str, owner: Person | None, tenant_authorization=None,
                   owner_consent_ref: str = "", today: datetime.date) -> dict:
    """The identity rule (seed 003 篇5 流程2: the owner, or someone the owner authorised in writing). Returns the
    fields to store: owner, applicant, tenant_authorization, owner_consent_ref. Messages at the field. A tenant's
    authorisation is checked by frontdesk's one rule (``tenant_authorization_check``)."""
    if applicant_kind == K.TENANT:
        auth = tenant_authorization_check(
            unit=unit, authorization=tenant_authorization, scope=TenantAuthorization.Scope.RENOVATION,
            scope_refused=_("The owner did not authorise this tenant to renovate."), today=today)
        tenancy = auth.tenancy
        return {"owner": auth.owner, "applicant": tenancy.person, "tenant_authorization": auth,
                "owner_consent_ref": clean_text(owner_consent_ref)[:100] or auth.document_ref[:100]}
    if not _current_owner(unit, owner):
        raise ValidationError({"owner": _("Choose a current owner of this room.")})
    if applicant_kind == K.OWNER:
        return {"owner": owner, "applicant": owner, "tenant_authorization": None,
                "owner_consent_ref": clean_text(owner_consent_ref)[:100]}
    if applicant_kind == K.LEAD:
        ref = clean_text(owner_consent_ref)[:100]
        if not ref:
            raise ValidationError({"owner_consent_ref": _("A renovation lead applies only with the owner's signed "
                                                          "authorisation: record its reference or date.")})
        return {"owner": owner, "applicant": None, "tenant_authorization": None, "owner_consent_ref": ref}
    raise ValidationError({"applicant_kind": _("Choose who applies.")})


def check_period(*, start: datetime.date, end: datetime.date, reason: str, today: datetime.date) -> None:
    errors = {}
    if start < today:
        errors["planned_start"] = _("The start date cannot be in the past.")
    if end <= start:
        errors["planned_end"] = _("The end date must be after the start date.")
    elif (end - start).days > Renovation.LONG_PERIOD_DAYS and not clean_text(reason):
        errors["long_period_reason"] = _("A renovation of more than three months needs a reason.")
    if errors:
        raise ValidationError(errors)


def open_renovation(unit) -> Renovation | None:
    return (Renovation.objects.filter(unit=unit).exclude(status__in=Renovation.FINISHED_STATUSES)
            .order_by("-created_at").first())


def _refuse_second(unit) -> None:
    other = open_renovation(unit)
    if other is not None:
        raise ValidationError(_("Room %(unit)s already has an open renovation application %(number)s (%(status)s): "
                                "it must be closed, rejected or withdrawn first.")
                              % {"unit": unit.code, "number": other.number, "status": other.get_status_display()},
                              code="open")


def _store(upload, *, renovation, kind: str, actor, now) -> RenovationAttachment:
    content_type = check_upload(upload)
    original = clean_text(getattr(upload, "name", "") or "")[:200] or _("file")
    upload.name = f"{uuid.uuid4().hex}{ATTACHMENT_TYPES[content_type]}"  # never the uploaded name on disk
    return RenovationAttachment.objects.create(renovation=renovation, kind=kind, file=upload, original_name=original,
                                               content_type=content_type, size=upload.size, uploaded_by=actor,
                                               uploaded_at=now)


@transaction.atomic
def renovation_file(*, unit: Unit, applicant_kind: str, owner: Person | None = None, tenant_authorization=None,
                    owner_consent_ref: str = "", company: str, lead_name: str, lead_phone: str,
                    planned_start: datetime.date, planned_end: datetime.date, long_period_reason: str = "",
                    scope: list[str], scope_text: str = "", agreement_accepted: bool, attachments=(), actor,
                    now=None) -> Renovation:
    """File an application at the counter. ``attachments``: (kind, uploaded file) pairs."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    identity = check_identity(unit=unit, applicant_kind=applicant_kind, owner=owner,
                              tenant_authorization=tenant_authorization, owner_consent_ref=owner_consent_ref,
                              today=today)
    check_period(start=planned_start, end=planned_end, reason=long_period_reason, today=today)
    scope = [s for s in dict.fromkeys(scope or []) if s in Scope.values]
    if not scope:
        raise ValidationError({"scope": _("Tick at least one kind of work.")})
    if Scope.OTHER in scope and not clean_text(scope_text):
        raise ValidationError({"scope_text": _("Describe the other works.")})
    if not agreement_accepted:
        raise ValidationError({"agreement_accepted": _("The applicant must accept the renovation management "
                                                       "agreement.")})
    # one open application per unit: lock the unit row so two clerks filing at once queue here
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    _refuse_second(unit)
    seq = next_number(kind="renovation_application", scope_id=unit.community_id, year=today.year)
    renovation = Renovation(
        community_id=unit.community_id, unit=unit, number=f"ZX{today.year}{seq:05d}", applicant_kind=applicant_kind,
        **identity, company=clean_text(company)[:100], lead_name=clean_text(lead_name)[:50],
        lead_phone=clean_text(lead_phone)[:20], planned_start=planned_start, planned_end=planned_end,
        long_period_reason=clean_text(long_period_reason)[:200], scope=scope, scope_text=clean_text(scope_text)[:2000],
        agreement_accepted_at=now, agreement_accepted_by=actor, status=S.PENDING, created_by=actor, created_at=now,
        status_changed_at=now)
    renovation.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            renovation.save()
    except IntegrityError:  # a concurrent filing won despite the lock (another path): say so, never a 500
        _refuse_second(unit)
        raise
    RenovationStatusChange.objects.create(renovation=renovation, from_status="", to_status=S.PENDING, actor=actor,
                                          reason="", at=now)
    for kind, upload in attachments:
        _store(upload, renovation=renovation, kind=kind, actor=actor, now=now)
    return renovation


@transaction.atomic
def renovation_attach(*, renovation: Renovation, kind: str, upload, actor, now=None) -> RenovationAttachment:
    """Add a paper to an open application (a drawing asked for by the engineer, the signed 承诺书)."""
    renovation = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if not renovation.is_open:
        raise ValidationError(_("This application is finished: nothing can be added to it."))
    if kind not in RenovationAttachment.Kind.values:
        raise ValidationError({"kind": _("Choose what the file is.")})
    try:
        return _store(upload, renovation=renovation, kind=kind, actor=actor, now=now or timezone.now())
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from None


def _lost_race(renovation: Renovation, expected: str) -> ValidationError:
    last = renovation.status_changes.select_related("actor").order_by("-at", "-id").first()
    who = last.actor.display_name if last else "—"
    at = timezone.localtime(last.at).strftime("%Y-%m-%d %H:%M") if last else ""
    return ValidationError(
        _("%(who)s acted on this application first (%(at)s): it is now “%(status)s”. Nothing was changed; "
          "check the page again.") % {"who": who, "at": at, "status": renovation.get_status_display()},
        code="stale")


@transaction.atomic
def renovation_set_status(*, renovation: Renovation, to: str, actor, reason: str = "", expected: str | None = None,
                          now=None, **fields) -> Renovation:
    """The only writer of ``Renovation.status``: lock the row, check the move against ``TRANSITIONS``, record a
    status-change row. ``expected``: the status the actor saw; another one means someone else acted first,
    and the actor is told who. ``fields`` are saved with the move (permit number, conditions …)."""
    now = now or timezone.now()
    locked = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if expected is not None and locked.status != expected:
        raise _lost_race(locked, expected)
    if to not in locked.allowed_moves():
        raise ValidationError(
            _("An application that is “%(from)s” cannot become “%(to)s”.")
            % {"from": locked.get_status_display(), "to": S(to).label}, code="bad_move")
    reason = clean_text(reason)[:500]
    if to in Renovation.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    previous = locked.status
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status = to
    locked.status_changed_at = now
    locked.save()
    RenovationStatusChange.objects.create(renovation=locked, from_status=previous, to_status=to, actor=actor,
                                          reason=reason, at=now)
    return locked


def renovation_withdraw(*, renovation: Renovation, reason: str, actor, expected: str | None = None,
                        now=None) -> Renovation:
    """撤回: the applicant withdraws (recorded at the counter), with the reason. 驳回 is a review decision
    (``services.reviews``)."""
    return renovation_set_status(renovation=renovation, to=S.WITHDRAWN, actor=actor, reason=reason, expected=expected,
                                 now=now)
