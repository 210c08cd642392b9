"""The supervisor's daily sign-off of the duty log. Spot checks: ``spotcheck.py``.

A ``DailyReview`` is written once (append-only at the database, unique per community and day): it
records who signed, when, with what comment, and the last log number they read, so entries added
to that day afterwards show as "after sign-off"."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _

from core.db import save_unique
from core.text import clean_text

from ..models import DailyReview
from ..selectors.log import day_last_seq, last_seq
from ..selectors.review import daily_review


def _signed_message(review: DailyReview) -> str:
    return _("This day was already signed by %(name)s at %(at)s.") % {
        "name": review.reviewer.display_name, "at": timezone.localtime(review.signed_at).strftime("%Y-%m-%d %H:%M")}


def _signed_by_someone_else(community, date) -> str:
    return _signed_message(daily_review(community=community, date=date))


@transaction.atomic
def day_sign(*, community, date, comment: str = "", read_up_to: int | None = None, actor) -> DailyReview:
    """Sign ``date``'s log of ``community``. ``read_up_to``: the last log number shown on the page
    (defaults to the day's last entry); later entries of the day are flagged "after sign-off"."""
    if date > timezone.localdate():
        raise ValidationError(_("You cannot sign a day that has not begun."))
    existing = daily_review(community=community, date=date)
    if existing:
        raise ValidationError(_signed_message(existing))
    day_last = day_last_seq(community=community, date=date)
    seq = day_last if read_up_to is None else min(max(int(read_up_to), 0), last_seq(community=community))
    review = DailyReview(community=community, date=date, reviewer=actor, signed_at=timezone.now(),
                         last_entry_seq=seq, comment=clean_text(comment))
    review.full_clean(validate_constraints=False)
    # Signed at the same moment by someone else: the message names them, read once their sign-off is committed.
    return save_unique(review, field=None, message=lazy(_signed_by_someone_else, str)(community, date), clean=False,
                       force_insert=True)
