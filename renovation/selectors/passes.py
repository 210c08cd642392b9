"""Reads of worker passes: the list with its filters, a renovation's passes, a pass's page, the gate's
check by the card's token (or its number), the passes still out when a renovation has ended."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.scoping import scope

from ..models import Renovation, RenovationRequest, WorkerPass

VALID, NOT_YET, EXPIRED, REVOKED, RETURNED, NOT_ISSUED = "valid", "not_yet", "expired", "revoked", "returned", "not_issued"
GATE_STATES = {
    VALID: _("Valid"),
    NOT_YET: _("Not valid yet"),
    EXPIRED: _("Expired"),
    REVOKED: _("Revoked"),
    RETURNED: _("Returned: no longer valid"),
    NOT_ISSUED: _("Not issued"),
}


def gate_state(worker_pass: WorkerPass, today=None) -> str:
    """What the guard is told: valid, not valid yet, expired, revoked (or lost/cancelled), returned, not issued."""
    today = today or timezone.localdate()
    status = worker_pass.status
    if status in (WorkerPass.Status.REVOKED, WorkerPass.Status.LOST, WorkerPass.Status.CANCELLED):
        return REVOKED
    if status == WorkerPass.Status.RETURNED:
        return RETURNED
    if status != WorkerPass.Status.ISSUED:
        return NOT_ISSUED
    if today < worker_pass.valid_from:
        return NOT_YET
    if today > worker_pass.valid_to or not worker_pass.renovation.is_active:
        return EXPIRED
    return VALID


def passes_for(user):
    return scope(WorkerPass.objects.all(), user).select_related("renovation__unit", "community")


def pass_list(user, *, community=None, status="", trade="", q="", out=False, renovation=""):
    """The list's queryset, newest first (one query per page, whatever its size)."""
    qs = passes_for(user)
    if community:
        qs = qs.filter(community_id=int(community))
    if status:
        qs = qs.filter(status=status)
    if trade:
        qs = qs.filter(trade=trade)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(number__iexact=q) | Q(renovation__unit__code__iexact=q.replace(" ", "")))
    if renovation:
        qs = qs.filter(renovation__number__iexact=renovation)
    if out:
        today = timezone.localdate()
        qs = qs.filter(status=WorkerPass.Status.ISSUED).filter(~Q(renovation__status="in_progress")
                                                              | Q(valid_to__lt=today))
    return qs.order_by("-created_at", "-id")


def passes_out(renovation) -> list[WorkerPass]:
    """Cards of ``renovation`` still out (issued, not returned nor lost): all must be back before the case closes."""
    return list(renovation.passes.filter(status=WorkerPass.Status.ISSUED).order_by("number"))


def renovation_of(*, user, pk) -> Renovation:
    return get_object_or_404(scope(Renovation.objects.select_related("unit", "community"), user), pk=pk)


def renovation_page(renovation) -> dict:
    """A renovation's passes and its extension and additional-works requests (three queries)."""
    passes = list(renovation.passes.select_related("replaces").order_by("status", "number"))
    requests = list(renovation.requests.order_by("-created_at", "-id"))
    validity = list(renovation.validity_changes.select_related("actor", "request").order_by("at", "id"))
    return {
        "passes": passes, "requests": requests, "validity_changes": validity,
        "awaiting_payment": [p for p in passes if p.status == WorkerPass.Status.AWAITING_PAYMENT],
        "paid": [p for p in passes if p.status == WorkerPass.Status.PAID],
        "issued": [p for p in passes if p.status == WorkerPass.Status.ISSUED],
        "extensions": [r for r in requests if r.kind == RenovationRequest.Kind.EXTENSION],
        "works": [r for r in requests if r.kind == RenovationRequest.Kind.WORKS],
    }


def pass_detail(*, user, pk) -> WorkerPass:
    return get_object_or_404(passes_for(user).select_related("replaces", "issued_by", "ended_by", "created_by"),
                             pk=pk)


def pass_changes(worker_pass) -> list:
    return list(worker_pass.status_changes.select_related("actor").order_by("at", "id"))


def gate_pass(*, user, token: str) -> WorkerPass:
    """The pass a card's QR names, if it is of one of the guard's communities (else 404). One query."""
    return get_object_or_404(scope(WorkerPass.objects.select_related("renovation__unit", "replaced_by"), user),
                             token=token)


def gate_find(*, user, number: str) -> WorkerPass | None:
    """A pass of the guard's communities by its printed number."""
    return scope(WorkerPass.objects.all(), user).filter(number__iexact=number.strip()).first()
