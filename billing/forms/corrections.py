"""Forms of corrections (void, waiver, refund requests; the supervisor's decision; the history's filters).
Validation and layout only; ``billing.services.corrections`` writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryId, StaffForm

from ..models import Correction, Method
from .fields import METHOD_CHOICES, REASON, amount_field, small_widgets


class VoidRequestForm(StaffForm):
    reason = forms.CharField(**REASON, help_text=_("Why the receipt must be voided, e.g. the wrong unit was paid."))


class WaiverRequestForm(StaffForm):
    amount = amount_field(_("Amount to waive"))
    reason = forms.CharField(**REASON, help_text=_("E.g. the owners' committee's decision, a discount granted."))


class RefundRequestForm(StaffForm):
    amount = amount_field(_("Amount to refund"))
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
        small_widgets(self)

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All")), *Correction.Kind.choices])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("All")), *Correction.Status.choices])

    def filters(self) -> dict:
        if not self.is_bound or not self.is_valid():
            return {}
        return {"kind": self.cleaned_data["kind"], "status": self.cleaned_data["status"]}


class ApprovalListForm(ListForm):
    """The approval list's query string: one community (the daily summary's "corrections awaiting approval")."""

    community = QueryId(label=_("Community"))
