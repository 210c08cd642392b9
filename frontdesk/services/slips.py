"""Release slips (物品放行条): issuing one under the applicant rule, the sign-offs, voiding, the gate's
"released" mark and the nightly expiry. ``slip_set_status`` is the one writer of ``ReleaseSlip.status``.

The applicant rule (seed 003 篇5 流程 1): the owner; the renovation lead the owner authorised; a tenant
only with the owner's consent, given in person (the owner at the counter), by a recorded phone call
(which owner, from which number, when, which clerk took it) or by a written authorisation already on
file (a ``TenantAuthorization`` covering goods release, valid on the slip's day). Anyone else is refused,
and the clerk is told why.
"""

import base64
import binascii
import datetime
import secrets

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role
from core.numbering import next_number
from core.text import clean_text
from frontdesk.models import (
    Occupancy,
    Person,
    ReleaseSlip,
    SlipItem,
    SlipSettings,
    SlipStatusChange,
    TenantAuthorization,
    Unit,
)
from frontdesk.validators import clean_id_document, clean_phone, clean_plate

S = ReleaseSlip.Status
A = ReleaseSlip.ApplicantKind
C = ReleaseSlip.Consent
NUMBER_KIND = "release_slip"
SIGNATURE_MAX_BYTES = 300_000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class AlreadyUsed(ValidationError):
    """The gate's loser: the slip was released before (``slip`` says when and by whom)."""

    def __init__(self, slip):
        self.slip = slip
        super().__init__(_("This slip was already used."), code="already_used")


def slip_settings(community) -> SlipSettings:
    """The community's settings (defaults when the manager never saved them: approval required)."""
    found = SlipSettings.objects.filter(community=community).first()
    return found or SlipSettings(community=community)


@transaction.atomic
def slip_settings_save(*, community, manager_approval_required: bool, actor) -> SlipSettings:
    settings_row, _created = SlipSettings.objects.select_for_update().get_or_create(community=community)
    settings_row.manager_approval_required = bool(manager_approval_required)
    settings_row.updated_by = actor
    settings_row.save()
    return settings_row


# -- the applicant rule -------------------------------------------------------------------------------------

def _current(unit, kind):
    return Occupancy.objects.filter(unit=unit, kind=kind, end_date__isnull=True)


def applicant_check(*, unit: Unit, applicant_kind: str, applicant: Person | None = None, applicant_name: str = "",
                    consent: str = "", consent_owner: Person | None = None, consent_phone: str = "",
                    consent_at: datetime.datetime | None = None, consent_letter_ref: str = "",
                    day: datetime.date, now: datetime.datetime | None = None) -> dict:
    """Check the applicant rule; return the consent fields to store, or raise ValidationError saying why."""
    now = now or timezone.now()
    if applicant_kind == A.OWNER:
        if applicant is None or not _current(unit, Occupancy.Kind.OWNER).filter(person=applicant).exists():
            raise ValidationError({"applicant": _("Refused: this person is not a current owner of this unit.")})
        return {"consent": "", "consent_owner": None}
    if applicant_kind == A.TENANT:
        if applicant is None or not _current(unit, Occupancy.Kind.TENANT).filter(person=applicant).exists():
            raise ValidationError({"applicant": _("Refused: this person is not a current tenant of this unit.")})
    elif applicant_kind == A.LEAD:
        if len(clean_text(applicant_name or "")) < 2:
            raise ValidationError({"applicant_name": _("Give the renovation lead's full name.")})
    else:
        raise ValidationError({"applicant_kind": _("Choose who is applying.")})
    who = _("a tenant") if applicant_kind == A.TENANT else _("a renovation lead")
    if not consent:
        raise ValidationError({"consent": _("Refused: %(who)s may apply only with the owner's consent (in person, "
                                            "by a recorded phone call or in writing).") % {"who": who}})
    if consent == C.WRITTEN and applicant_kind == A.TENANT:
        tenancies = _current(unit, Occupancy.Kind.TENANT).filter(person=applicant)
        authorization = (TenantAuthorization.objects
                         .filter(tenancy__in=tenancies, revoked_at__isnull=True, valid_from__lte=day, valid_to__gte=day,
                                 scopes__contains=[TenantAuthorization.Scope.GOODS_RELEASE])
                         .select_related("owner").order_by("-valid_to").first())
        if authorization is None:
            raise ValidationError({"consent": _("Refused: no written authorisation of the owner covering goods "
                                                "release is on file for this tenant on that day.")})
        return {"consent": C.WRITTEN, "consent_owner": authorization.owner, "consent_authorization": authorization}
    if consent_owner is None or not _current(unit, Occupancy.Kind.OWNER).filter(person=consent_owner).exists():
        raise ValidationError({"consent_owner": _("Refused: the consent must come from a current owner of this unit.")})
    if consent == C.IN_PERSON:
        return {"consent": C.IN_PERSON, "consent_owner": consent_owner, "consent_at": now}
    if consent == C.PHONE:
        errors = {}
        try:
            consent_phone = clean_phone(consent_phone) if (consent_phone or "").strip() else ""
        except ValidationError as exc:
            errors["consent_phone"] = exc.messages
        if not consent_phone and "consent_phone" not in errors:
            errors["consent_phone"] = [_("Give the number the owner called from.")]
        if consent_at is None:
            errors["consent_at"] = [_("Give the time of the call.")]
        elif consent_at > now + datetime.timedelta(minutes=5):
            errors["consent_at"] = [_("The call cannot be in the future.")]
        elif consent_at < now - datetime.timedelta(days=7):
            errors["consent_at"] = [_("A call more than 7 days ago is too old: ask the owner again.")]
        if errors:
            raise ValidationError(errors)
        return {"consent": C.PHONE, "consent_owner": consent_owner, "consent_phone": consent_phone,
                "consent_at": consent_at}
    if consent == C.WRITTEN:  # a renovation lead: the owner's letter kept at the counter
        ref = clean_text(consent_letter_ref or "")[:100]
        if len(ref) < 2:
            raise ValidationError({"consent_letter_ref": _("Give the reference of the owner's letter on file.")})
        return {"consent": C.WRITTEN, "consent_owner": consent_owner, "consent_letter_ref": ref}
    raise ValidationError({"consent": _("Choose how the owner consented.")})


def _signature_file(data_url: str) -> ContentFile | None:
    data_url = (data_url or "").strip()
    if not data_url:
        return None
    prefix = "data:image/png;base64,"
    if not data_url.startswith(prefix) or len(data_url) > SIGNATURE_MAX_BYTES * 4 // 3 + len(prefix) + 4:
        raise ValidationError({"signature": _("The signature could not be read; please sign again.")})
    try:
        raw = base64.b64decode(data_url[len(prefix):], validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError({"signature": _("The signature could not be read; please sign again.")}) from None
    if not raw.startswith(PNG_MAGIC) or len(raw) > SIGNATURE_MAX_BYTES:
        raise ValidationError({"signature": _("The signature could not be read; please sign again.")})
    return ContentFile(raw, name=f"{secrets.token_hex(16)}.png")


@transaction.atomic
def slip_issue(*, unit: Unit, applicant_kind: str, applicant: Person | None = None, applicant_name: str = "",
               applicant_phone: str = "", consent: str = "", consent_owner: Person | None = None,
               consent_phone: str = "", consent_at=None, consent_taken_by=None, consent_letter_ref: str = "",
               carrier_name: str, carrier_id_type: str, carrier_id_number: str, vehicle_plate: str = "",
               items: list[dict], reason: str, reason_other: str = "", valid_on: datetime.date,
               sign_mode: str = ReleaseSlip.SignMode.PRINTED, signature_data: str = "", actor,
               now: datetime.datetime | None = None) -> ReleaseSlip:
    """Issue a slip: the applicant rule, the carrier's ID, the items, a gapless number. The slip then
    waits for the duty supervisor's signature."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    errors = {}
    if valid_on is None or valid_on < today:
        errors["valid_on"] = [_("The slip cannot be valid on a day in the past.")]
    elif valid_on > today + datetime.timedelta(days=30):
        errors["valid_on"] = [_("Choose a day within the next 30 days.")]
    carrier_name = clean_text(carrier_name or "")[:50]
    if len(carrier_name) < 2:
        errors["carrier_name"] = [_("Give the carrier's full name.")]
    try:
        carrier_id_number = clean_id_document(carrier_id_type, carrier_id_number)
        if not carrier_id_number:
            errors["carrier_id_number"] = [_("The carrier's ID number is required.")]
    except ValidationError as exc:
        errors["carrier_id_number"] = exc.messages
    try:
        vehicle_plate = clean_plate(vehicle_plate)[0] if (vehicle_plate or "").strip() else ""
    except ValidationError as exc:
        errors["vehicle_plate"] = exc.messages
    if reason not in ReleaseSlip.Reason.values:
        errors["reason"] = [_("Choose a reason.")]
    reason_other = clean_text(reason_other or "")[:100]
    if reason == ReleaseSlip.Reason.OTHER and len(reason_other) < 2:
        errors["reason_other"] = [_("Say what the goods are taken out for.")]
    items = [i for i in items if clean_text(i.get("name") or "")]
    if not items:
        errors["__all__"] = [_("List at least one item.")]
    if sign_mode == ReleaseSlip.SignMode.PAD and not (signature_data or "").strip():
        errors["signature"] = [_("Sign on the screen, or choose to sign on the printed line.")]
    try:
        signature = _signature_file(signature_data) if sign_mode == ReleaseSlip.SignMode.PAD else None
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    consent_fields = applicant_check(
        unit=unit, applicant_kind=applicant_kind, applicant=applicant, applicant_name=applicant_name,
        consent=consent, consent_owner=consent_owner, consent_phone=consent_phone, consent_at=consent_at,
        consent_letter_ref=consent_letter_ref, day=valid_on, now=now)
    if consent_fields.get("consent") == C.PHONE:
        consent_fields["consent_taken_by"] = consent_taken_by or actor
    if applicant_kind == A.LEAD:
        name = clean_text(applicant_name)[:50]
        try:
            phone = clean_phone(applicant_phone) if (applicant_phone or "").strip() else ""
        except ValidationError as exc:
            raise ValidationError({"applicant_phone": exc.messages}) from None
    else:
        name, phone = applicant.name, applicant.phone
    year = today.year
    seq = next_number(kind=NUMBER_KIND, scope_id=unit.community_id, year=year)
    slip = ReleaseSlip(
        community_id=unit.community_id, unit=unit, year=year, seq=seq, number=f"FX{year}-{seq:05d}",
        token=secrets.token_urlsafe(24), status=S.PENDING_SUPERVISOR, applicant_kind=applicant_kind,
        applicant=applicant if applicant_kind != A.LEAD else None, applicant_name=name, applicant_phone=phone,
        carrier_name=carrier_name, carrier_id_type=carrier_id_type, carrier_id_number=carrier_id_number,
        vehicle_plate=vehicle_plate, reason=reason,
        reason_other=reason_other if reason == ReleaseSlip.Reason.OTHER else "", valid_on=valid_on,
        sign_mode=sign_mode, manager_required=slip_settings(unit.community).manager_approval_required,
        created_by=actor, created_at=now, **consent_fields)
    if signature is not None:
        slip.signature.save(signature.name, signature, save=False)
    slip.save()
    SlipItem.objects.bulk_create([
        SlipItem(slip=slip, position=n, name=clean_text(i["name"])[:50], quantity=int(i.get("quantity") or 1),
                 description=clean_text(i.get("description") or "")[:200])
        for n, i in enumerate(items)])
    SlipStatusChange.objects.create(slip=slip, from_status="", to_status=S.PENDING_SUPERVISOR, actor=actor, at=now)
    return slip


# -- the status machine ---------------------------------------------------------------------------------------

def slip_set_status(*, slip: ReleaseSlip, to: str, actor, note: str = "", now=None, **fields) -> ReleaseSlip:
    """The only writer of ``ReleaseSlip.status``: the slip must be locked by the caller (``_locked``)."""
    now = now or timezone.now()
    if to not in ReleaseSlip.TRANSITIONS[slip.status]:
        raise ValidationError(_("A slip that is “%(from)s” cannot become “%(to)s”.")
                              % {"from": slip.get_status_display(), "to": S(to).label}, code="bad_move")
    previous = slip.status
    for name, value in fields.items():
        setattr(slip, name, value)
    slip.status = to
    slip.save()
    SlipStatusChange.objects.create(slip=slip, from_status=previous, to_status=to, actor=actor,
                                    note=clean_text(note)[:200], at=now)
    return slip


def _locked(slip) -> ReleaseSlip:
    return ReleaseSlip.objects.select_for_update().get(pk=slip.pk)


def _expire_if_past(slip, now) -> None:
    """A slip whose day has passed is not signed any more (the nightly task records the expiry)."""
    if slip.status in ReleaseSlip.OPEN_STATUSES and slip.valid_on < timezone.localdate(now):
        raise ValidationError(_("This slip has expired: its day has passed."), code="expired")


def _check_signer(slip, actor, password, role, message):
    if getattr(actor, "role", None) != role:
        raise ValidationError(message)
    if slip.created_by_id == actor.pk:
        raise ValidationError(_("Nobody signs or approves a slip they issued themselves."))
    if not password or not actor.check_password(password):
        raise ValidationError({"password": _("The password is not right: sign with your own login password.")})


@transaction.atomic
def slip_supervisor_sign(*, slip: ReleaseSlip, password: str, actor, now=None) -> ReleaseSlip:
    now = now or timezone.now()
    slip = _locked(slip)
    _expire_if_past(slip, now)
    if slip.status != S.PENDING_SUPERVISOR:
        raise ValidationError(_("This slip is not waiting for the supervisor's signature (it is “%(status)s”).")
                              % {"status": slip.get_status_display()})
    _check_signer(slip, actor, password, Role.SUPERVISOR, _("Only the duty supervisor signs a slip."))
    to = S.PENDING_MANAGER if slip.manager_required else S.VALID
    return slip_set_status(slip=slip, to=to, actor=actor, now=now, supervisor_signed_by=actor,
                           supervisor_signed_at=now)


@transaction.atomic
def slip_manager_approve(*, slip: ReleaseSlip, password: str, actor, now=None) -> ReleaseSlip:
    now = now or timezone.now()
    slip = _locked(slip)
    _expire_if_past(slip, now)
    if slip.status != S.PENDING_MANAGER:
        raise ValidationError(_("This slip is not waiting for the manager's approval (it is “%(status)s”).")
                              % {"status": slip.get_status_display()})
    _check_signer(slip, actor, password, Role.MANAGER, _("Only the manager approves a slip."))
    if slip.supervisor_signed_by_id == actor.pk:
        raise ValidationError(_("The manager's approval must come from someone other than the signing supervisor."))
    return slip_set_status(slip=slip, to=S.VALID, actor=actor, now=now, manager_approved_by=actor,
                           manager_approved_at=now)


@transaction.atomic
def slip_void(*, slip: ReleaseSlip, reason: str, actor, now=None) -> ReleaseSlip:
    now = now or timezone.now()
    slip = _locked(slip)
    reason = clean_text(reason or "")[:200]
    if len(reason) < 2:
        raise ValidationError({"reason": _("Give the reason for voiding the slip.")})
    if slip.status == S.USED:
        raise ValidationError(_("A slip the gate has released cannot be voided."))
    if slip.status not in ReleaseSlip.OPEN_STATUSES:
        raise ValidationError(_("This slip is “%(status)s” and can no longer be voided.")
                              % {"status": slip.get_status_display()})
    return slip_set_status(slip=slip, to=S.VOID, actor=actor, note=reason, now=now, voided_at=now, voided_by=actor,
                           void_reason=reason)


def slip_mark_used(*, slip: ReleaseSlip, actor, now=None) -> ReleaseSlip:
    """The gate's "确认放行": once. The slip row is locked, so of two guards at once one releases it and the
    other is told it was already used (``AlreadyUsed``, carrying when and by whom)."""
    now = now or timezone.now()
    with transaction.atomic():
        slip = ReleaseSlip.objects.select_for_update(of=("self",)).select_related("used_by").get(pk=slip.pk)
        if slip.status == S.USED:
            raise AlreadyUsed(slip)
        if slip.status in ReleaseSlip.OPEN_STATUSES and slip.valid_on < timezone.localdate(now):
            slip_set_status(slip=slip, to=S.EXPIRED, actor=None, now=now, expired_at=now)
            expired = True
        else:
            expired = False
    if expired:  # the expiry is kept; the guard is told
        raise ValidationError(_("This slip has expired: its day has passed."), code="expired")
    with transaction.atomic():
        slip = _locked(slip)
        if slip.status == S.USED:
            raise AlreadyUsed(ReleaseSlip.objects.select_related("used_by").get(pk=slip.pk))
        if slip.status != S.VALID:
            raise ValidationError(_("This slip is “%(status)s”: do not let the goods out.")
                                  % {"status": slip.get_status_display()}, code="not_valid")
        if slip.valid_on > timezone.localdate(now):
            raise ValidationError(_("This slip is valid only on %(day)s.") % {"day": f"{slip.valid_on:%Y-%m-%d}"},
                                  code="not_yet")
        return slip_set_status(slip=slip, to=S.USED, actor=actor, now=now, used_at=now, used_by=actor)


def slips_expire(*, today: datetime.date | None = None, now=None) -> int:
    """The nightly sweep: every open slip whose day has passed becomes expired (idempotent: an expired slip
    is not open any more; a missed night is caught up by the next run, whatever the gap)."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    count = 0
    pks = list(ReleaseSlip.objects.filter(status__in=ReleaseSlip.OPEN_STATUSES, valid_on__lt=today)
               .values_list("pk", flat=True)[:5000])
    for pk in pks:
        with transaction.atomic():
            slip = ReleaseSlip.objects.select_for_update(skip_locked=True).filter(
                pk=pk, status__in=ReleaseSlip.OPEN_STATUSES, valid_on__lt=today).first()
            if slip is not None:
                slip_set_status(slip=slip, to=S.EXPIRED, actor=None, now=now, expired_at=now)
                count += 1
    return count
