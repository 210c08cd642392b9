"""The one workflow of an extension (装修延期) and an additional-works application (增加项目), seed 003
篇5 流程 3–4: filed by the clerk for the owner or the lead → engineering review (工程主管) → manager
approval (主任) → for an extension with a fee, the fee through billing → approved. ``request_set_status``
is the only writer of a request's status (``RenovationRequest.TRANSITIONS``); nobody reviews or approves
an application they filed."""

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

from ..models import Renovation, RenovationRequest, RenovationRequestStatusChange, WorksItem

REQUEST_REF = "renovation-request:"
K, S = RenovationRequest.Kind, RenovationRequest.Status


def request_ref(request) -> str:
    return f"{REQUEST_REF}{request.pk}"


def request_set_status(*, request: RenovationRequest, to: str, actor, reason: str = "", now=None,
                       **fields) -> RenovationRequest:
    """Move a (locked) request to ``to`` along the table, with its status-change row."""
    now = now or timezone.now()
    reason = clean_text(reason)[:2000]
    if to not in request.TRANSITIONS.get(request.status, set()):
        raise ValidationError(_("%(number)s is “%(status)s” now: this cannot be done any more.")
                              % {"number": request.number, "status": request.get_status_display()}, code="stale")
    if to in request.REASON_REQUIRED and not reason:
        raise ValidationError({"comments": _("Give the reason.")})
    previous = request.status
    request.status = to
    request.status_changed_at = now
    for name, value in fields.items():
        setattr(request, name, value)
    with pghistory.context(request_status=to):
        request.save()
    RenovationRequestStatusChange.objects.create(request=request, from_status=previous, to_status=to, actor=actor,
                                                 reason=reason, at=now)
    return request


@transaction.atomic
def request_file(*, renovation: Renovation, kind: str, applicant_kind: str, applicant_name: str, reason: str,
                 new_end: datetime.date | None = None, items=(), details: str = "", actor,
                 now=None) -> RenovationRequest:
    """File an extension or an additional-works application for an active renovation (the permit issued)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    renovation = Renovation.objects.select_for_update(of=("self",)).get(pk=renovation.pk)
    if not renovation.is_active or renovation.permit_valid_to is None:
        raise ValidationError(_("Only a renovation with its permit issued can be extended or add works."),
                              code="inactive")
    errors = {}
    applicant_name, reason, details = clean_text(applicant_name), clean_text(reason), clean_text(details)
    if applicant_kind not in RenovationRequest.ApplicantKind.values:
        errors["applicant_kind"] = _("Only the owner or the renovation lead may apply.")
    if not applicant_name:
        errors["applicant_name"] = _("Give the applicant's name.")
    if not reason:
        errors["reason"] = _("Give the reason.")
    if kind == K.EXTENSION:
        if new_end is None:
            errors["new_end"] = _("Give the new end date.")
        elif new_end <= renovation.permit_valid_to or new_end <= today:
            errors["new_end"] = _("The new end date must be after the permit's end (%(date)s).") % {
                "date": renovation.permit_valid_to.isoformat()}
        elif RenovationRequest.objects.filter(renovation=renovation, kind=K.EXTENSION,
                                              status__in=RenovationRequest.OPEN_STATUSES).exists():
            errors["new_end"] = _("This renovation already has an open extension.")
        items = []
    elif kind == K.WORKS:
        items = [i for i in dict.fromkeys(items) if i in WorksItem.values]
        if not items:
            errors["items"] = _("Choose at least one item.")
        new_end = None
    else:
        errors["kind"] = _("This is not one of the choices.")
    if errors:
        raise ValidationError(errors)
    seq = next_number(kind=f"renovation_{kind}", scope_id=renovation.community_id, year=today.year)
    request = RenovationRequest.objects.create(
        renovation=renovation, community_id=renovation.community_id, kind=kind, year=today.year, seq=seq,
        number=f"{RenovationRequest.PREFIX[kind]}{today.year}{seq:05d}", applicant_kind=applicant_kind,
        applicant_name=applicant_name[:50], reason=reason[:1000], details=details[:2000], items=list(items),
        old_end=renovation.permit_valid_to if kind == K.EXTENSION else None, new_end=new_end,
        status=S.ENGINEERING, status_changed_at=now, created_by=actor, created_at=now)
    RenovationRequestStatusChange.objects.create(request=request, from_status="", to_status=request.status,
                                                 actor=actor, at=now)
    return request


def _locked(request, *, expected: str) -> RenovationRequest:
    """The request under a row lock, still in ``expected``; else who moved it first."""
    request = RenovationRequest.objects.select_for_update(of=("self",)).select_related("renovation").get(pk=request.pk)
    if request.status != expected:
        last = request.status_changes.select_related("actor").order_by("-at", "-id").first()
        raise ValidationError(_("%(who)s has already moved %(number)s to “%(status)s”.")
                              % {"who": last.actor.display_name if last else "—", "number": request.number,
                                 "status": request.get_status_display()}, code="stale")
    return request


def _not_own(request, actor) -> None:
    if request.created_by_id == actor.pk:
        raise ValidationError(_("Nobody reviews or approves an application they filed."), code="own")


@transaction.atomic
def request_review(*, request: RenovationRequest, passed: bool, comments: str, conditions: str = "", actor,
                   now=None) -> RenovationRequest:
    """工程审核: pass (on to the manager, with conditions) or reject (with the reason)."""
    request = _locked(request, expected=S.ENGINEERING)
    _not_own(request, actor)
    comments, conditions = clean_text(comments)[:2000], clean_text(conditions)[:2000]
    return request_set_status(request=request, to=S.MANAGER if passed else S.REJECTED, actor=actor, reason=comments,
                              now=now, engineering_comments=comments, conditions=conditions, reviewed_by=actor)


@transaction.atomic
def request_approve(*, request: RenovationRequest, decision: str, comments: str = "", fee=None, actor,
                    now=None) -> RenovationRequest:
    """经理审批: ``approve`` (an extension with a fee then waits for it), ``return`` (to the engineer) or
    ``reject``. An approved extension moves the permit and re-issues the passes; approved additional works
    get their archived copy."""
    now = now or timezone.now()
    request = _locked(request, expected=S.MANAGER)
    _not_own(request, actor)
    if decision == "return":
        return request_set_status(request=request, to=S.ENGINEERING, actor=actor, reason=comments, now=now)
    if decision == "reject":
        return request_set_status(request=request, to=S.REJECTED, actor=actor, reason=comments, now=now)
    if decision != "approve":
        raise ValidationError({"decision": _("This is not one of the choices.")})
    fee = to_money(fee or 0) if request.kind == K.EXTENSION else to_money(0)
    if fee < 0:
        raise ValidationError({"fee": _("The fee cannot be negative.")})
    if fee > 0:
        return request_set_status(request=request, to=S.PAYMENT, actor=actor, reason=comments, now=now, fee=fee,
                                  approved_by=actor)
    return _approve(request, actor=actor, reason=comments, now=now, approved_by=actor)


def _approve(request, *, actor, reason: str, now, **fields) -> RenovationRequest:
    from . import extensions, works

    request = request_set_status(request=request, to=S.APPROVED, actor=actor, reason=reason, now=now, **fields)
    if request.kind == K.EXTENSION:
        extensions.extension_apply(request=request, actor=actor, now=now)
    else:
        works.works_archive(request=request, actor=actor)
    return request


@transaction.atomic
def request_fee_pay(*, request: RenovationRequest, payer_name: str, method: str, reference: str = "", cashier,
                    now=None) -> RenovationRequest:
    """The extension's fee taken at the counter through billing (its bill, one receipt); then it applies."""
    from .passes import CHARGE_SOURCE_KEY

    now = now or timezone.now()
    request = _locked(request, expected=S.PAYMENT)
    receipt = billing.charges_pay_now(source_key=CHARGE_SOURCE_KEY, refs=[request_ref(request)],
                                      community=request.renovation.community, unit=request.renovation.unit,
                                      payer_name=payer_name, method=method, cashier=cashier, reference=reference,
                                      now=now)
    number = receipt.number if receipt else ""
    return _approve(request, actor=cashier, reason=_("Fee paid, receipt %(number)s") % {"number": number or "—"},
                    now=now, fee_receipt=number)


@transaction.atomic
def request_withdraw(*, request: RenovationRequest, reason: str, actor, now=None) -> RenovationRequest:
    request = RenovationRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    return request_set_status(request=request, to=S.WITHDRAWN, actor=actor, reason=reason, now=now)


@transaction.atomic
def request_fee_mark_billed(*, ref: str, bill_reference: str, actor, now=None) -> RenovationRequest:
    """Billing's call back: the fee of ``ref`` is on bill ``bill_reference`` (idempotent)."""
    request = RenovationRequest.objects.select_for_update().get(pk=int(ref.removeprefix(REQUEST_REF)))
    if request.fee_bill and request.fee_bill != bill_reference:
        raise ValidationError(_("This charge is already on bill %(reference)s.") % {"reference": request.fee_bill})
    if not request.fee_bill:
        request.fee_bill = clean_text(bill_reference)[:50]
        request.save(update_fields=["fee_bill"])
    return request
