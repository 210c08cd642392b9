"""Forms of extensions (装修延期) and additional works (增加项目): filing, engineering review, manager
approval, the fee, withdrawal, and the lists' query strings. ``services.requests`` writes."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.interface import COUNTER_METHOD_CHOICES
from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm

from ..models import RenovationRequest, WorksItem

TEXT = {"widget": forms.Textarea(attrs={"rows": 3})}


class _RequestForm(StaffForm):
    applicant_kind = forms.ChoiceField(label=_("Applicant"), choices=RenovationRequest.ApplicantKind.choices,
                                       widget=forms.RadioSelect, initial="lead",
                                       help_text=_("Only the owner or the renovation lead may apply."))
    applicant_name = forms.CharField(label=_("Applicant's name"), max_length=50)
    reason = forms.CharField(label=_("Reason"), max_length=1000, **TEXT)


class ExtensionForm(_RequestForm):
    new_end = forms.DateField(label=_("New end date"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, renovation=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.renovation = renovation
        if not self.is_bound and renovation is not None:
            self.initial["applicant_name"] = renovation.lead_name

    def clean_new_end(self):
        new_end = self.cleaned_data["new_end"]
        end = getattr(self.renovation, "permit_valid_to", None)
        if end and new_end <= end:
            raise forms.ValidationError(_("The new end date must be after the permit's end (%(date)s).")
                                        % {"date": end.isoformat()})
        return new_end


class WorksForm(_RequestForm):
    items = forms.MultipleChoiceField(label=_("Items"), choices=WorksItem.choices, widget=forms.CheckboxSelectMultiple)
    details = forms.CharField(label=_("Works in detail"), max_length=2000, required=False, **TEXT,
                              help_text=_("Where, how large, materials."))

    def __init__(self, *args, renovation=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and renovation is not None:
            self.initial["applicant_name"] = renovation.lead_name


class ReviewForm(StaffForm):
    decision = forms.ChoiceField(label=_("Engineering review"), widget=forms.RadioSelect, initial="pass",
                                 choices=[("pass", _("Passed: on to the manager")), ("reject", _("Rejected"))])
    comments = forms.CharField(label=_("Comments"), max_length=2000, required=False, **TEXT)
    conditions = forms.CharField(label=_("Conditions"), max_length=2000, required=False, **TEXT)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("comments"):
            self.add_error("comments", _("Give the reason."))
        return data


class ApproveForm(StaffForm):
    decision = forms.ChoiceField(label=_("Manager approval"), widget=forms.RadioSelect, initial="approve", choices=[
        ("approve", _("Approved")), ("return", _("Back to engineering review")), ("reject", _("Rejected"))])
    fee = forms.DecimalField(label=_("Extension fee (¥)"), min_value=Decimal("0"), max_digits=12, decimal_places=2,
                             required=False, initial=Decimal("0"),
                             help_text=_("Where a fee is due: it is paid through billing before the extension applies."))
    comments = forms.CharField(label=_("Comments"), max_length=2000, required=False, **TEXT)

    def __init__(self, *args, kind="", **kwargs):
        super().__init__(*args, **kwargs)
        if kind != RenovationRequest.Kind.EXTENSION:
            del self.fields["fee"]

    def clean(self):
        data = super().clean()
        if data.get("decision") in ("return", "reject") and not data.get("comments"):
            self.add_error("comments", _("Give the reason."))
        return data


class FeeForm(StaffForm):
    payer_name = forms.CharField(label=_("Paid by"), max_length=50)
    method = forms.ChoiceField(label=_("Method"), choices=COUNTER_METHOD_CHOICES, initial="cash")
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)


class WithdrawForm(StaffForm):
    comments = forms.CharField(label=_("Reason"), max_length=2000, **TEXT)


class RequestListForm(ListForm):
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=[("", _("All")), ("open", _("Open")),
                                                     *RenovationRequest.Status.choices])
    q = QueryText(label=_("No., room or applicant"), max_length=50)
