"""Forms of the counter (收费台): the pay form and the receipt list's filters. Validation and layout only;
the services write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import QueryId, StaffForm

from ..models import Method
from .fields import METHOD_CHOICES, amount_field, small_widgets


class BillIdsField(forms.Field):
    """The ticked bills: ids only; the service checks they are this unit's and still open."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        try:
            return sorted({int(v) for v in values})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("The list of bills was not understood: reload the page.")) from None


class PayForm(StaffForm):
    bills = BillIdsField(required=False)
    amount = amount_field(_("Amount received"))
    method = forms.ChoiceField(label=_("Method"), choices=METHOD_CHOICES, initial=Method.CASH)
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False,
                                help_text=_("Transaction, card slip or cheque number (not needed for cash)."))
    payer_name = forms.CharField(label=_("Paid by"), max_length=50)
    prepay_rest = forms.BooleanField(label=_("Keep the rest as prepayment"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if not data.get("bills") and not data.get("prepay_rest") and "bills" not in self.errors:
            self.add_error(None, _("Tick the bills to pay, or tick “keep the rest as prepayment” to only prepay."))
        return data


class ReceiptFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    cashier = forms.ModelChoiceField(label=_("Cashier"), queryset=None, required=False, empty_label=_("All"))
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[("", _("All")), *METHOD_CHOICES])
    q = forms.CharField(label=_("Receipt number"), required=False, max_length=30)
    community = QueryId(label=_("Community"), widget=forms.HiddenInput)  # the daily summary's drill-down

    def __init__(self, *args, cashiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashier"].queryset = cashiers
        small_widgets(self)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"date_from": data["date_from"], "date_to": data["date_to"], "cashier": data["cashier"],
                "method": data["method"], "q": data["q"], "community": data["community"]}
