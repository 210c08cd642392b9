"""Forms of the counter and of corrections: validation and layout only; the services write."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm

from .models import COUNTER_METHODS, Correction, Method

METHOD_CHOICES = [(m.value, m.label) for m in COUNTER_METHODS]
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2}


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
    amount = forms.DecimalField(label=_("Amount received"), min_value=Decimal("0.01"), **MONEY_FIELD,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
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


def _small_widgets(form):
    for field in form.fields.values():
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class ReceiptFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    cashier = forms.ModelChoiceField(label=_("Cashier"), queryset=None, required=False, empty_label=_("All"))
    method = forms.ChoiceField(label=_("Method"), required=False, choices=[("", _("All")), *METHOD_CHOICES])
    q = forms.CharField(label=_("Receipt number"), required=False, max_length=30)

    def __init__(self, *args, cashiers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cashier"].queryset = cashiers
        _small_widgets(self)

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"date_from": data["date_from"], "date_to": data["date_to"], "cashier": data["cashier"],
                "method": data["method"], "q": data["q"]}


REASON = {"label": _("Reason"), "max_length": 300, "min_length": 2,
          "widget": forms.Textarea(attrs={"rows": 2})}


class VoidRequestForm(StaffForm):
    reason = forms.CharField(**REASON, help_text=_("Why the receipt must be voided, e.g. the wrong unit was paid."))


class WaiverRequestForm(StaffForm):
    amount = forms.DecimalField(label=_("Amount to waive"), min_value=Decimal("0.01"), **MONEY_FIELD,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    reason = forms.CharField(**REASON, help_text=_("E.g. the owners' committee's decision, a discount granted."))


class RefundRequestForm(StaffForm):
    amount = forms.DecimalField(label=_("Amount to refund"), min_value=Decimal("0.01"), **MONEY_FIELD,
                                widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}))
    method = forms.ChoiceField(label=_("Paid back by"), choices=METHOD_CHOICES, initial=Method.CASH)
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)
    reason = forms.CharField(**REASON)


class DecisionForm(StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}), help_text=_("Needed when rejecting."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note"):
            self.add_error("note", _("Say why the request is rejected."))
        return data


class CorrectionFilterForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small_widgets(self)

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Correction.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *Correction.Status.choices])

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {"kind": self.cleaned_data["kind"], "status": self.cleaned_data["status"]}
