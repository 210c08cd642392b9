"""装修人员出入证 (worker passes), seed 003 篇5 流程 2: register the worker (ID checked, photo, ID copy),
take the deposit (100 元) and the card fee (5 元) through billing, issue the card against the lead's
signature in the register, then return (deposit refunded through billing) or lost (deposit kept, card
revoked). ``pass_set_status`` is the only writer of a pass's status (``WorkerPass.TRANSITIONS``)."""

import datetime

import pghistory
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import interface as billing
from core.money import to_money
from core.numbering import next_number
from core.text import clean_text
from frontdesk.validators import clean_phone, clean_resident_id

from ..models import (
    PASS_CARD_FEE,
    PASS_DEPOSIT,
    PASS_FILE_TYPES,
    PASS_PHOTO_MAX_BYTES,
    Renovation,
    Trade,
    WorkerPass,
    WorkerPassStatusChange,
)

CHARGE_SOURCE_KEY = "renovation-passes"  # the card fees and extension fees billing bills (charges.py)
PASS_REF = "worker-pass:"
NUMBER_KIND = "renovation_worker_pass"


def pass_ref(worker_pass) -> str:
    return f"{PASS_REF}{worker_pass.pk}"


def file_check(upload, *, field: str, images_only: bool) -> None:
    """A photo (JPEG/PNG) or an ID copy (JPEG/PNG/PDF) of at most 5 MB, checked by its content."""
    if upload is None:
        raise ValidationError({field: _("Attach the file.")})
    if upload.size > PASS_PHOTO_MAX_BYTES:
        raise ValidationError({field: _("“%(name)s” is larger than 5 MB.") % {"name": upload.name}})
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n"):
        from PIL import Image

        try:
            Image.open(upload).verify()
        except Exception:  # noqa: BLE001 (any decoder error means "not a picture")
            raise ValidationError({field: _("“%(name)s” is not a readable picture.") % {"name": upload.name}}) \
                from None
        finally:
            upload.seek(0)
        return
    if not images_only and head.startswith(b"%PDF-"):
        return
    allowed = _("a JPEG or PNG picture") if images_only else _("a JPEG or PNG picture or a PDF")
    raise ValidationError({field: _("“%(name)s” is not %(allowed)s.") % {"name": upload.name, "allowed": allowed}})


def pass_set_status(*, worker_pass: WorkerPass, to: str, actor, reason: str = "", now=None, **fields) -> WorkerPass:
    """Move a (locked) pass to ``to`` along ``WorkerPass.TRANSITIONS``, with its status-change row."""
    now = now or timezone.now()
    reason = clean_text(reason)[:300]
    if to not in worker_pass.TRANSITIONS.get(worker_pass.status, set()):
        raise ValidationError(_("Pass %(number)s is “%(status)s” now: this cannot be done any more.")
                              % {"number": worker_pass.number, "status": worker_pass.get_status_display()},
                              code="stale")
    if to in worker_pass.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    previous = worker_pass.status
    worker_pass.status = to
    worker_pass.status_changed_at = now
    for name, value in fields.items():
        setattr(worker_pass, name, value)
    with pghistory.context(pass_status=to):
        worker_pass.save()
    WorkerPassStatusChange.objects.create(worker_pass=worker_pass, from_status=previous, to_status=to, actor=actor,
                                          reason=reason, at=now)
    return worker_pass


def _locked_renovation(renovation) -> Renovation:
    return Renovation.objects.select_for_update(of=("self",)).select_related("unit").get(pk=renovation.pk)


def _check_active(renovation: Renovation) -> None:
    if not renovation.is_active or renovation.permit_valid_to is None:
        raise ValidationError(_("Passes are issued only while the renovation permit is in force."), code="inactive")


def _new_number(community_id: int, year: int) -> tuple[int, str]:
    seq = next_number(kind=NUMBER_KIND, scope_id=community_id, year=year)
    return seq, f"RY{year}{seq:05d}"


@transaction.atomic
def pass_create(*, renovation: Renovation, name: str, id_number: str, phone: str, trade: str, photo, id_copy,
                valid_from: datetime.date, valid_to: datetime.date, actor, now=None) -> WorkerPass:
    """Register a worker's pass, awaiting the deposit and card fee. The validity lies within the permit;
    the database refuses anything beyond its end even if this check were skipped."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    renovation = _locked_renovation(renovation)
    _check_active(renovation)
    errors = {}
    name = clean_text(name)
    if not name:
        errors["name"] = _("Give the worker's name.")
    try:
        id_number = clean_resident_id(id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
    try:
        phone = clean_phone(phone)
        if not phone:
            errors["phone"] = _("Give the worker's phone.")
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if trade not in Trade.values:
        errors["trade"] = _("Choose the trade.")
    for field, upload, images in (("photo", photo, True), ("id_copy", id_copy, False)):
        try:
            file_check(upload, field=field, images_only=images)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if valid_from < max(today, renovation.permit_valid_from or today):
        errors["valid_from"] = _("The pass cannot start before today or before the permit.")
    elif valid_to < valid_from:
        errors["valid_to"] = _("The end date must not be before the start date.")
    elif valid_to > renovation.permit_valid_to:
        errors["valid_to"] = _("A pass cannot be valid beyond the permit's end (%(date)s).") % {
            "date": renovation.permit_valid_to.isoformat()}
    if not errors.get("id_number") and WorkerPass.objects.filter(
            renovation=renovation, id_number=id_number, status__in=["awaiting_payment", "paid", "issued"]).exists():
        errors["id_number"] = _("This worker already has a pass for this renovation.")
    if errors:
        raise ValidationError(errors)
    seq, number = _new_number(renovation.community_id, today.year)
    worker_pass = WorkerPass(renovation=renovation, community_id=renovation.community_id, year=today.year, seq=seq,
                             number=number, name=name[:50], id_number=id_number, phone=phone, trade=trade,
                             valid_from=valid_from, valid_to=valid_to, status=WorkerPass.Status.AWAITING_PAYMENT,
                             status_changed_at=now, created_by=actor, created_at=now)
    worker_pass.photo.save(f"photo{PASS_FILE_TYPES.get(getattr(photo, 'content_type', ''), '.jpg')}", photo,
                           save=False)
    worker_pass.id_copy.save(f"id{PASS_FILE_TYPES.get(getattr(id_copy, 'content_type', ''), '.jpg')}", id_copy,
                             save=False)
    worker_pass.save(force_insert=True)
    WorkerPassStatusChange.objects.create(worker_pass=worker_pass, from_status="", to_status=worker_pass.status,
                                          actor=actor, at=now)
    return worker_pass


def _locked_passes(renovation, *, status: str, ids=None) -> list[WorkerPass]:
    qs = WorkerPass.objects.select_for_update().filter(renovation=renovation, status=status).order_by("id")
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return list(qs)


@transaction.atomic
def passes_pay(*, renovation: Renovation, pass_ids, payer_name: str, method: str, reference: str = "", cashier,
               now=None) -> list[WorkerPass]:
    """Take the deposit (100 元 each, one receipt each: billing's worker-pass deposit) and the card fees
    (5 元 each, one receipt for them all: billing's charge bills; a fee already paid at billing's counter,
    after a bill run billed it, is not taken twice) of the chosen passes awaiting payment."""
    now = now or timezone.now()
    renovation = _locked_renovation(renovation)
    _check_active(renovation)
    wanted = {int(pk) for pk in pass_ids}
    passes = _locked_passes(renovation, status=WorkerPass.Status.AWAITING_PAYMENT, ids=wanted)
    if not wanted or len(passes) != len(wanted):
        raise ValidationError(_("One of the chosen passes has been paid or changed meanwhile: check the list again."),
                              code="stale")
    receipt = billing.charges_pay_now(source_key=CHARGE_SOURCE_KEY, refs=[pass_ref(p) for p in passes],
                                      community=renovation.community, unit=renovation.unit, payer_name=payer_name,
                                      method=method, cashier=cashier, reference=reference, now=now)
    for worker_pass in passes:
        deposit = billing.deposit_collect(community=renovation.community, unit=renovation.unit, kind="worker_pass",
                                          amount=PASS_DEPOSIT, payer_name=payer_name, method=method, cashier=cashier,
                                          reference=reference, source_ref=pass_ref(worker_pass), now=now,
                                          description=_("Worker pass %(number)s deposit") % {
                                              "number": worker_pass.number})
        pass_set_status(worker_pass=worker_pass, to=WorkerPass.Status.PAID, actor=cashier, now=now,
                        deposit_id=deposit.id, deposit_receipt=deposit.receipt_number,
                        fee_receipt=receipt.number if receipt else "", paid_at=now)
    return passes


def _paid_in_billing(renovation, passes) -> bool:
    """Billing's own figures: every card fee's bill paid in full and every deposit held."""
    owed = billing.charges_outstanding(community=renovation.community, refs=[pass_ref(p) for p in passes])
    if any(value is None or value > 0 for value in owed.values()):
        return False
    for worker_pass in passes:
        deposits = billing.deposits_for(community=renovation.community, source_ref=pass_ref(worker_pass))
        if not any(d.id == worker_pass.deposit_id and d.state == "held" for d in deposits):
            return False
    return True


@transaction.atomic
def passes_issue(*, renovation: Renovation, pass_ids, received_by: str, actor, now=None) -> list[WorkerPass]:
    """Hand the paid cards over: the lead signs the register's 签收人 line (their name is recorded)."""
    now = now or timezone.now()
    renovation = _locked_renovation(renovation)
    _check_active(renovation)
    received_by = clean_text(received_by)[:50]
    if not received_by:
        raise ValidationError({"received_by": _("Give the name of the lead who signed for the cards.")})
    wanted = {int(pk) for pk in pass_ids}
    passes = _locked_passes(renovation, status=WorkerPass.Status.PAID, ids=wanted)
    if not wanted or len(passes) != len(wanted):
        raise ValidationError(_("One of the chosen passes has been issued or changed meanwhile: check the list "
                                "again."), code="stale")
    if not _paid_in_billing(renovation, passes):
        raise ValidationError(_("Billing does not show the deposit and card fee of every chosen pass as paid."),
                              code="unpaid")
    for worker_pass in passes:
        pass_set_status(worker_pass=worker_pass, to=WorkerPass.Status.ISSUED, actor=actor, now=now, issued_at=now,
                        issued_by=actor, received_by=received_by)
    return passes


def _locked_pass(worker_pass) -> WorkerPass:
    return WorkerPass.objects.select_for_update().select_related("community").get(pk=worker_pass.pk)


@transaction.atomic
def pass_return(*, worker_pass: WorkerPass, note: str = "", method: str = "cash", actor, now=None) -> WorkerPass:
    """The card came back: the pass ends and its deposit refund is asked of billing (a supervisor approves)."""
    now = now or timezone.now()
    worker_pass = _locked_pass(worker_pass)
    pass_set_status(worker_pass=worker_pass, to=WorkerPass.Status.RETURNED, actor=actor, now=now, reason=note,
                    ended_at=now, ended_by=actor, end_note=clean_text(note)[:300])
    if worker_pass.deposit_id:
        worker_pass.refund_request_id = billing.deposit_refund_request(
            deposit_id=worker_pass.deposit_id, actor=actor, method=method,
            reason=_("Worker pass %(number)s returned") % {"number": worker_pass.number})
        worker_pass.save(update_fields=["refund_request_id"])
    return worker_pass


@transaction.atomic
def pass_lost(*, worker_pass: WorkerPass, note: str, actor, now=None) -> WorkerPass:
    """The card is lost: the pass is revoked at the gate and its deposit kept (billing settles the deposit
    with the whole amount deducted, on a supervisor's approval)."""
    now = now or timezone.now()
    worker_pass = _locked_pass(worker_pass)
    pass_set_status(worker_pass=worker_pass, to=WorkerPass.Status.LOST, actor=actor, now=now, reason=note,
                    ended_at=now, ended_by=actor, end_note=clean_text(note)[:300], deposit_kept=True)
    if worker_pass.deposit_id:
        worker_pass.refund_request_id = billing.deposit_refund_request(
            deposit_id=worker_pass.deposit_id, actor=actor, deduction=to_money(PASS_DEPOSIT),
            reason=_("Worker pass %(number)s lost: deposit kept") % {"number": worker_pass.number})
        worker_pass.save(update_fields=["refund_request_id"])
    return worker_pass


@transaction.atomic
def pass_cancel(*, worker_pass: WorkerPass, reason: str, actor, now=None) -> WorkerPass:
    """A pass registered by mistake, before anything was paid: cancelled (kept, with the reason)."""
    return pass_set_status(worker_pass=_locked_pass(worker_pass), to=WorkerPass.Status.CANCELLED, actor=actor,
                           reason=reason, now=now, ended_at=now or timezone.now(), ended_by=actor,
                           end_note=clean_text(reason)[:300])


def passes_reissue(*, renovation: Renovation, new_end: datetime.date, reason: str, actor, now=None) -> list[WorkerPass]:
    """Every issued pass of ``renovation`` re-issued to ``new_end`` (an extension): a new card with a new
    number and token, the same worker, photo and deposit; the old card revoked and kept, never edited.
    Runs inside the caller's transaction, after the permit's end has moved."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    new_passes = []
    for old in _locked_passes(renovation, status=WorkerPass.Status.ISSUED):
        seq, number = _new_number(old.community_id, today.year)
        new = WorkerPass(renovation_id=old.renovation_id, community_id=old.community_id, year=today.year, seq=seq,
                         number=number, name=old.name, id_number=old.id_number, phone=old.phone, trade=old.trade,
                         photo=old.photo.name, id_copy=old.id_copy.name, valid_from=max(today, old.valid_from),
                         valid_to=new_end, status=WorkerPass.Status.ISSUED, status_changed_at=now,
                         deposit_id=old.deposit_id, deposit_receipt=old.deposit_receipt, fee_receipt=old.fee_receipt,
                         fee_bill=old.fee_bill, paid_at=old.paid_at, issued_at=now, issued_by=actor,
                         received_by=old.received_by, replaces=old, created_by=actor, created_at=now)
        new.save(force_insert=True)
        WorkerPassStatusChange.objects.create(worker_pass=new, from_status="", to_status=new.status, actor=actor,
                                              reason=reason[:300], at=now)
        pass_set_status(worker_pass=old, to=WorkerPass.Status.REVOKED, actor=actor, now=now,
                        reason=_("Re-issued as %(number)s: %(reason)s") % {"number": number, "reason": reason},
                        ended_at=now, ended_by=actor)
        new_passes.append(new)
    return new_passes


@transaction.atomic
def pass_fee_mark_billed(*, ref: str, bill_reference: str, actor, now=None) -> WorkerPass:
    """Billing's call back: the card fee of pass ``ref`` is on bill ``bill_reference`` (idempotent)."""
    worker_pass = WorkerPass.objects.select_for_update().get(pk=int(ref.removeprefix(PASS_REF)))
    if worker_pass.fee_bill and worker_pass.fee_bill != bill_reference:
        raise ValidationError(_("This charge is already on bill %(reference)s.") % {"reference": worker_pass.fee_bill})
    if not worker_pass.fee_bill:
        worker_pass.fee_bill = clean_text(bill_reference)[:50]
        worker_pass.save(update_fields=["fee_bill"])
    return worker_pass


def card_fee():
    return to_money(PASS_CARD_FEE)
