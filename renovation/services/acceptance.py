"""Final acceptance (验收): the site asks for it when the works are done; the engineer's inspection passes
it, or fails it with the items to rectify — the site goes back to 装修中 (through the one status writer)
and asks again once rectified."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from ..models import Acceptance, Renovation
from .applications import renovation_set_status

S = Renovation.Status


@transaction.atomic
def acceptance_request(*, renovation, actor, now=None) -> Renovation:
    """The works are finished: the site waits for the engineer's acceptance (装修中 → 待验收)."""
    renovation = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if renovation.status != S.IN_PROGRESS:
        raise ValidationError(_("Only a site under renovation can ask for acceptance (it is %(status)s).")
                              % {"status": renovation.get_status_display()}, code="bad_move")
    return renovation_set_status(renovation=renovation, to=S.ACCEPTANCE, actor=actor, now=now)


@transaction.atomic
def acceptance_record(*, renovation, result: str, items: str = "", note: str = "", actor, now=None) -> Acceptance:
    """The engineer's acceptance inspection. Pass → 验收通过; fail (with the items to rectify) → 验收不通过,
    and at once back to 装修中 for the rectification (two status-change rows)."""
    now = now or timezone.now()
    renovation = Renovation.objects.select_for_update().get(pk=renovation.pk)
    if renovation.status != S.ACCEPTANCE:
        last = renovation.acceptances.select_related("inspector").last()
        if last and renovation.status in (S.ACCEPTED, S.IN_PROGRESS, S.CLOSED):
            raise ValidationError(_("%(who)s has already recorded this acceptance (%(result)s).")
                                  % {"who": last.inspector.display_name, "result": last.get_result_display()},
                                  code="decided")
        raise ValidationError(_("This site is not waiting for acceptance (it is %(status)s).")
                              % {"status": renovation.get_status_display()}, code="bad_move")
    items = clean_text(items or "").strip()
    note = clean_text(note or "").strip()
    if result not in Acceptance.Result.values:
        raise ValidationError({"result": _("Choose passed or failed.")})
    if result == Acceptance.Result.FAIL and not items:
        raise ValidationError({"items": _("List the items to rectify.")})
    if len(items) > 2000:
        raise ValidationError({"items": _("Keep this to at most 2000 characters.")})
    acceptance = Acceptance.objects.create(renovation=renovation, community_id=renovation.community_id, result=result,
                                           items=items if result == Acceptance.Result.FAIL else "",
                                           note=note[:1000], inspector=actor, at=now)
    if result == Acceptance.Result.PASS:
        renovation_set_status(renovation=renovation, to=S.ACCEPTED, actor=actor, now=now)
    else:
        renovation = renovation_set_status(renovation=renovation, to=S.ACCEPTANCE_FAILED, actor=actor, now=now,
                                           reason=items[:500])
        renovation_set_status(renovation=renovation, to=S.IN_PROGRESS, actor=actor, now=now,
                              reason=_("Rectification after the failed acceptance"))
    return acceptance
