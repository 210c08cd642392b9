"""Forms of acceptance (验收) and of the deposit ledger."""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing import interface as billing
from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm

from ..models import Acceptance, Renovation


class AcceptanceForm(StaffForm):
    result = forms.ChoiceField(label=_("Result"), choices=Acceptance.Result.choices, widget=forms.RadioSelect)
    items = forms.CharField(label=_("Items to rectify"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 4}), help_text=_("Required when it fails."))
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("result") == Acceptance.Result.FAIL and not data.get("items"):
            self.add_error("items", _("List the items to rectify."))
        return data


class ConfirmForm(StaffForm):
    """A button that changes something: only the double-submit token."""


class RefundForm(StaffForm):
    method = forms.ChoiceField(label=_("Paid back by"), choices=())
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = billing.refund_methods()


class AcceptanceQueueFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=[(s.value, s.label) for s in (Renovation.Status.ACCEPTANCE,
                                                                                    Renovation.Status.ACCEPTED)])
    q = QueryText(label=_("Room"), max_length=30)
    inspected_on = forms.DateField(label=_("Inspected on"), required=False)  # the daily summary's drill-down
