"""What several billing forms share: the counter's payment methods, money and reason fields, the small
widgets of the list filters."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import COUNTER_METHODS

METHOD_CHOICES = [(m.value, m.label) for m in COUNTER_METHODS]
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2}
REASON = {"label": _("Reason"), "max_length": 300, "min_length": 2,
          "widget": forms.Textarea(attrs={"rows": 2})}


def amount_field(label) -> forms.DecimalField:
    """An amount of at least ¥0.01, typed with a decimal keyboard."""
    return forms.DecimalField(label=label, min_value=Decimal("0.01"), **MONEY_FIELD,
                              widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))


def small_widgets(form) -> None:
    """The compact widgets of a list's filter row."""
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)
