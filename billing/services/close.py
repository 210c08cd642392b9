"""收银日结 — the cashier's daily close.

A cashier's business day holds the receipts they issued on it, the voids recorded on it (of their
receipts of any day: a void after a close goes to the next open day and names the original receipt)
and the refund vouchers paid out on it. By method:

    net = received − voided − refunded          system cash = the net of the cash column

The cashier counts the cash, gives a reason for any difference, names the finance person taking the
money and signs by entering their password again. The close is a ``DailyClose`` row (append-only,
one per community, cashier and day). From then on ``numbers.business_date`` puts that cashier's new
receipts, voids and vouchers on the next day, so a closed day never changes.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.money import format_money, to_money
from core.text import clean_text

from ..models import DailyClose, DocumentCounter
from ..selectors.close import day_summary, open_day


@transaction.atomic
def day_close(*, community, cashier, day, counted_cash, difference_reason: str, handed_to: str, password: str,
              now=None) -> DailyClose:
    """Close ``cashier``'s ``day``: counted cash against the system, the reason for a difference, the finance
    person, the cashier's password as signature. Refused for a day already closed or not yet begun."""
    if not password or not cashier.check_password(password):
        raise ValidationError({"password": _("The password is not right: sign with your own login password.")})
    try:
        counted = to_money(counted_cash)
    except (TypeError, ValueError):
        raise ValidationError({"counted_cash": _("Enter the cash counted, e.g. 1250.00.")}) from None
    if counted < 0:
        raise ValidationError({"counted_cash": _("The cash counted cannot be negative.")})
    handed_to = clean_text(handed_to or "")[:50]
    if len(handed_to) < 2:
        raise ValidationError({"handed_to": _("Give the name of the finance person taking the money.")})
    reason = clean_text(difference_reason or "")[:300]
    if day > open_day(community=community, cashier=cashier, now=now):
        raise ValidationError(_("%(day)s has not begun yet: only your open day or an earlier one can be closed.")
                              % {"day": day})
    # Wait for payments of this community that are writing a receipt right now (they hold the number
    # counter until they commit), so the figures below include them.
    list(DocumentCounter.objects.select_for_update().filter(community=community, year__in={day.year, day.year + 1})
         .order_by("id").values_list("id", flat=True))
    existing = DailyClose.objects.filter(community=community, cashier=cashier, business_date=day).first()
    if existing:
        raise ValidationError(_("%(day)s was already closed at %(at)s (handed to %(who)s). A day is closed once; "
                                "later payments go to the next day.")
                              % {"day": day, "at": timezone.localtime(existing.closed_at).strftime("%Y-%m-%d %H:%M"),
                                 "who": existing.handed_to}, code="closed")
    summary = day_summary(community=community, cashier=cashier, day=day, with_lists=False)
    difference = counted - summary.system_cash
    if difference and len(reason) < 2:
        raise ValidationError({"difference_reason": _("Cash counted differs from the system by %(diff)s: give the "
                                                      "reason.") % {"diff": format_money(difference)}})
    try:
        with transaction.atomic():
            return DailyClose.objects.create(
                community=community, cashier=cashier, business_date=day, totals=summary.totals_json(),
                system_cash=summary.system_cash, counted_cash=counted, difference=difference,
                difference_reason=reason, handed_to=handed_to)
    except IntegrityError:
        raise ValidationError(_("%(day)s has just been closed by another session.") % {"day": day},
                              code="closed") from None
