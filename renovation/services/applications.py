"""The application's status: the one writer ``renovation_set_status``.

NOTE (R3, branch i10-rounds): R1 owns this module and its fuller version (filing, reviews, permit). This is
the minimal writer in the same shape, so the rounds/acceptance/ledger code can call it before R1's branch
is merged; keep R1's version and drop this one at integration if they differ only in extras."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Renovation, RenovationStatusChange

S = Renovation.Status


@transaction.atomic
def renovation_set_status(*, renovation: Renovation, to: str, actor, reason: str = "", now=None,
                          **fields) -> Renovation:
    """The only writer of ``Renovation.status``: lock the row, check the move against
    ``Renovation.TRANSITIONS``, save ``fields`` with it, and record a ``RenovationStatusChange``."""
    now = now or timezone.now()
    renovation = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if to not in renovation.allowed_moves():
        raise ValidationError(
            _("A renovation that is “%(from)s” cannot become “%(to)s”.")
            % {"from": renovation.get_status_display(), "to": S(to).label}, code="bad_move")
    reason = (reason or "").strip()
    if to in Renovation.REASON_REQUIRED and not reason:
        raise ValidationError({"reason": _("Give the reason.")})
    previous = renovation.status
    for name, value in fields.items():
        setattr(renovation, name, value)
    renovation.status = to
    renovation.status_changed_at = now
    renovation.save()
    RenovationStatusChange.objects.create(renovation=renovation, from_status=previous, to_status=to, actor=actor,
                                          reason=reason[:500], at=now)
    return renovation
