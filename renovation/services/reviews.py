"""工程审核 and 经理审批: the engineer's review (comments, conditions; pass, return or reject) and the manager's
approval. Nobody decides on an application they filed. Each decision is a ``RenovationReview`` row and one
status move through ``applications.renovation_set_status`` (which tells the loser of a race who won)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from ..models import Renovation, RenovationReview
from . import fees
from .applications import renovation_set_status

S = Renovation.Status
D = RenovationReview.Decision


def _not_own(renovation: Renovation, actor) -> None:
    if renovation.created_by_id == actor.pk:
        raise ValidationError(_("You filed this application: someone else reviews and approves it."),
                              code="own")


@transaction.atomic
def review_start(*, renovation: Renovation, actor, expected: str | None = S.PENDING, now=None) -> Renovation:
    """The engineer takes the application into engineering review (待审核 → 工程审核中)."""
    _not_own(renovation, actor)
    return renovation_set_status(renovation=renovation, to=S.ENGINEERING, actor=actor, expected=expected, now=now)


def _review(renovation, *, stage, decision, comments, conditions, actor, now):
    return RenovationReview.objects.create(renovation=renovation, stage=stage, decision=decision,
                                           comments=clean_text(comments)[:2000],
                                           conditions=clean_text(conditions)[:2000], reviewer=actor, at=now)


@transaction.atomic
def engineering_decide(*, renovation: Renovation, decision: str, comments: str = "", conditions: str = "", actor,
                       expected: str | None = S.ENGINEERING, now=None) -> Renovation:
    """Pass (to the manager, with the conditions the permit will carry), return (to the applicant, with the
    reason) or reject."""
    _not_own(renovation, actor)
    now = now or timezone.now()
    comments, conditions = clean_text(comments), clean_text(conditions)
    if decision == D.PASS:
        moved = renovation_set_status(renovation=renovation, to=S.MANAGER, actor=actor, expected=expected, now=now,
                                      reason=comments, engineering_conditions=conditions[:2000])
    elif decision in (D.RETURN, D.REJECT):
        if not comments:
            raise ValidationError({"comments": _("Say what is wrong: the applicant is told.")})
        to = S.PENDING if decision == D.RETURN else S.REJECTED
        moved = renovation_set_status(renovation=renovation, to=to, actor=actor, expected=expected, now=now,
                                      reason=comments)
    else:
        raise ValidationError({"decision": _("Choose a decision.")})
    _review(moved, stage=RenovationReview.Stage.ENGINEERING, decision=decision, comments=comments,
            conditions=conditions, actor=actor, now=now)
    return moved


@transaction.atomic
def manager_decide(*, renovation: Renovation, decision: str, comments: str = "", actor,
                   expected: str | None = S.MANAGER, now=None) -> Renovation:
    """Approve (the fees are charged and billed: 待缴费), send back to engineering, or reject."""
    _not_own(renovation, actor)
    now = now or timezone.now()
    comments = clean_text(comments)
    if decision == D.PASS:
        moved = renovation_set_status(renovation=renovation, to=S.PAYMENT, actor=actor, expected=expected, now=now,
                                      reason=comments)
        fees.fees_create(renovation=moved, actor=actor, now=now)
    elif decision in (D.RETURN, D.REJECT):
        if not comments:
            raise ValidationError({"comments": _("Say why: it is recorded with the decision.")})
        to = S.ENGINEERING if decision == D.RETURN else S.REJECTED
        moved = renovation_set_status(renovation=renovation, to=to, actor=actor, expected=expected, now=now,
                                      reason=comments)
    else:
        raise ValidationError({"decision": _("Choose a decision.")})
    _review(moved, stage=RenovationReview.Stage.MANAGER, decision=decision, comments=comments, conditions="",
            actor=actor, now=now)
    return moved
