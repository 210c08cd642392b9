"""Spot checks 抽查 of the front desk (at least three a week per community) and the nonconformities they
find (质量检查记录).

``spot_check_record`` writes one SpotCheck, a SpotCheckResult for every checklist item a)–j) and a
Nonconformity for each nonconforming item, in one transaction. ``nonconformity_correct`` is the one
place a nonconformity's status changes (open → corrected, Nonconformity.TRANSITIONS), on a locked row.
Nothing here deletes; pghistory records every insert and change.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.notifications import notify
from core.text import clean_text

from ..models import Nonconformity, SpotCheck, SpotCheckResult
from ..selectors.spotcheck import clerk_belongs

ITEM_CODES = [code for code, _label in SpotCheck.ITEMS]
# A spot check is recorded on the spot or soon after; older dates are almost always a typo in the year.
MAX_BACKDATE = datetime.timedelta(days=60)
FUTURE_TOLERANCE = datetime.timedelta(minutes=5)


def note_field(item: str) -> str:
    """The name under which an item's note (or nonconformity description) is validated."""
    return f"{item}_note"


def result_field(item: str) -> str:
    return f"{item}_result"


def _clean_results(results: dict) -> dict[str, tuple[str, str]]:
    """{item: (result, note)} for all ten items; errors at the item's fields."""
    valid = set(SpotCheckResult.Result.values)
    errors, cleaned = {}, {}
    for item in ITEM_CODES:
        result, note = results.get(item, (SpotCheckResult.Result.OK, ""))
        note = clean_text(note or "")
        if result not in valid:
            errors[result_field(item)] = _("Choose a result.")
        elif result == SpotCheckResult.Result.NONCONFORMING and not note:
            errors[note_field(item)] = _("Describe the nonconformity: it goes into the quality inspection record.")
        if len(note) > 200:
            errors[note_field(item)] = _("Keep the note under 200 characters.")
        cleaned[item] = (result, note)
    unknown = set(results) - set(ITEM_CODES)
    if unknown:
        errors["__all__"] = _("Unknown checklist item: %(items)s") % {"items": ", ".join(sorted(unknown))}
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def spot_check_record(*, community, clerk, results: dict, actor, checked_at: datetime.datetime | None = None,
                      notes: str = "") -> SpotCheck:
    """Record a spot check of ``clerk`` at the front desk of ``community``.

    ``results`` maps each checklist item ("a"…"j") to ``(result, note)``; an item left out conforms.
    A nonconforming item needs its note, which becomes the nonconformity's description; the clerk
    is told in the app once the record is committed.
    """
    now = timezone.now()
    checked_at = checked_at or now
    errors = {}
    if checked_at > now + FUTURE_TOLERANCE:
        errors["checked_at"] = _("The time of the check cannot be in the future.")
    elif checked_at < now - MAX_BACKDATE:
        errors["checked_at"] = _("The check is more than %(days)s days ago: check the date.") % {
            "days": MAX_BACKDATE.days}
    if clerk is None or not clerk.is_active:
        errors["clerk"] = _("Choose the clerk on duty.")
    elif not clerk_belongs(community=community, clerk=clerk):
        errors["clerk"] = _("%(name)s does not work at this community's front desk.") % {"name": clerk.display_name}
    try:
        cleaned = _clean_results(results)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)

    spot_check = SpotCheck(community=community, checked_at=checked_at, checker=actor, clerk=clerk,
                           notes=clean_text(notes or ""))
    spot_check.full_clean()
    spot_check.save(force_insert=True)
    rows = [SpotCheckResult(spot_check=spot_check, item=item, result=result, note=note)
            for item, (result, note) in cleaned.items()]
    for row in rows:
        row.full_clean(exclude=["spot_check"])
    SpotCheckResult.objects.bulk_create(rows)
    findings = [Nonconformity(community=community, spot_check=spot_check, item=item, clerk=clerk, description=note)
                for item, (result, note) in cleaned.items() if result == SpotCheckResult.Result.NONCONFORMING]
    for finding in findings:
        finding.full_clean(exclude=["spot_check"])
    Nonconformity.objects.bulk_create(findings)

    if findings:
        labels = dict(SpotCheck.ITEMS)
        body = "\n".join(_("%(item)s) %(label)s: %(description)s") % {
            "item": f.item, "label": labels[f.item], "description": f.description} for f in findings)
        title = _("Spot check %(when)s: %(n)s nonconformities recorded") % {
            "when": timezone.localtime(checked_at).strftime("%Y-%m-%d %H:%M"), "n": len(findings)}
        # No link: the spot-check pages are the reviewers' (duty.review); the body says it all.
        transaction.on_commit(lambda: notify(users=[clerk], title=title, body=body))
    return spot_check


@transaction.atomic
def nonconformity_correct(*, nonconformity: Nonconformity, corrective_action: str, actor) -> Nonconformity:
    """open → corrected, with the corrective action taken, who confirmed it and when."""
    locked = Nonconformity.objects.select_for_update().get(pk=nonconformity.pk)
    target = Nonconformity.Status.CORRECTED
    if target not in Nonconformity.TRANSITIONS[Nonconformity.Status(locked.status)]:
        when = timezone.localtime(locked.corrected_at).strftime("%Y-%m-%d %H:%M") if locked.corrected_at else ""
        raise ValidationError({"status": _("This nonconformity was already marked corrected (%(when)s); "
                                           "it cannot be corrected again.") % {"when": when}})
    action = clean_text(corrective_action or "")
    if len(action) < 2:
        raise ValidationError({"corrective_action": _("Say what was done to correct it.")})
    locked.status = target
    locked.corrective_action = action
    locked.corrected_at = timezone.now()
    locked.corrected_by = actor
    locked.full_clean()
    locked.save(update_fields=["status", "corrective_action", "corrected_at", "corrected_by"])
    return locked
