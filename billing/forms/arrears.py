"""The arrears list's query string: community, building, aging bucket, minimum amount, room and sort."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText

from ..selectors import arrears as selectors

AMOUNT_MESSAGE = _("The minimum amount must be a number, e.g. 500.")


class MinimumAmount(forms.DecimalField):
    """An amount in yuan, ``1,000`` accepted; anything that is not an amount of money (``1e999999``) is refused."""

    def __init__(self, **kwargs):
        super().__init__(required=False, max_digits=12, decimal_places=2, min_value=0, **kwargs)
        for code in ("invalid", "max_digits", "max_decimal_places", "max_whole_digits", "min_value"):
            self.error_messages[code] = AMOUNT_MESSAGE

    def to_python(self, value):
        return super().to_python(str(value or "").replace(",", "").strip()[:30])


class ArrearsFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    building = QueryId(label=_("Building"))
    bucket = QueryChoice(label=_("Overdue"), choices=[(key, key) for key in selectors.BUCKET_KEYS])
    min_amount = MinimumAmount(label=_("Minimum amount"))
    room = QueryText(label=_("Room"), max_length=30)
    sort = QueryChoice(label=_("Sort"), choices=[(key, key) for key in selectors.SORTS])
