"""The supervisor's daily sign-off of the duty log (001 4.3, 003 4.2.5). Spot checks: ``spotcheck.py``.

A ``DailyReview`` is written once (append-only at the database, unique per community and day): it
records who signed, when, with what comment, and the last log number they read, so entries added
to that day afterwards show as "after sign-off"."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import clean_text

from .. import selectors_log as selectors
from ..models import DailyReview, DutyLogEntry


def _signed_message(review: DailyReview) -> str:
    return _("This day was already signed by %(name)s at %(at)s.") % {
        "name": review.reviewer.display_name, "at": timezone.localtime(review.signed_at).strftime("%Y-%m-%d %H:%M")}


@transaction.atomic
def day_sign(*, community, date, comment: str = "", read_up_to: int | None = None, actor) -> DailyReview:
    """Sign ``date``'s log of ``community``. ``read_up_to``: the last log number shown on the page
    (defaults to the day's last entry); later entries of the day are flagged "after sign-off"."""
    if date > timezone.localdate():
        raise ValidationError(_("You cannot sign a day that has not begun."))
    existing = selectors.daily_review(community=community, date=date)
    if existing:
        raise ValidationError(_signed_message(existing))
    start, end = selectors.day_bounds(date)
    day_last = (DutyLogEntry.objects.filter(community=community, occurred_at__gte=start, occurred_at__lt=end)
                .aggregate(m=Max("seq"))["m"] or 0)
    seq = day_last if read_up_to is None else min(max(int(read_up_to), 0), selectors.last_seq(community=community))
    review = DailyReview(community=community, date=date, reviewer=actor, signed_at=timezone.now(),
                         last_entry_seq=seq, comment=clean_text(comment))
    review.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            review.save(force_insert=True)
    except IntegrityError as exc:  # signed at the same moment by someone else
        raise ValidationError(_signed_message(selectors.daily_review(community=community, date=date))) from exc
    return review
