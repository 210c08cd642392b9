"""装修延期 applied: the permit's valid-to moves (a ``PermitValidityChange`` row, and the renovation's
history) and every issued pass is re-issued with the new date — seed: 切记不能在出入卡上涂改日期, 必须重办."""

import pghistory
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import PermitValidityChange, Renovation, RenovationRequest
from .passes import passes_reissue


def extension_apply(*, request: RenovationRequest, actor, now=None) -> list:
    """Inside the approving transaction: move the permit's end to ``request.new_end`` and re-issue the passes.
    Returns the new passes."""
    now = now or timezone.now()
    renovation = Renovation.objects.select_for_update(of=("self",)).get(pk=request.renovation_id)
    if not renovation.is_active or renovation.permit_valid_to is None:
        raise ValidationError(_("The renovation is no longer in progress: the extension cannot apply."),
                              code="inactive")
    if renovation.permit_valid_to >= request.new_end:
        raise ValidationError(_("The permit already runs to %(date)s.") % {"date": renovation.permit_valid_to},
                              code="stale")
    old_end = renovation.permit_valid_to
    renovation.permit_valid_to = request.new_end
    with pghistory.context(extension=request.number, actor=actor.pk):
        renovation.save(update_fields=["permit_valid_to"])
    PermitValidityChange.objects.create(renovation=renovation, request=request, old_valid_to=old_end,
                                        new_valid_to=request.new_end, actor=actor, at=now)
    return passes_reissue(renovation=renovation, new_end=request.new_end, actor=actor, now=now,
                          reason=_("extension %(number)s to %(date)s") % {"number": request.number,
                                                                         "date": request.new_end.isoformat()})
