"""Forms of applications: filing at the counter, a paper added later, the engineer's review, the manager's
approval, reject / withdraw with a reason, the deposit at the counter, and the lists' query strings.
Validation and layout only; ``renovation.services`` writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.forms.common import DateInput, UnitCodeField, today
from frontdesk.validators import clean_phone

from ..models import Renovation, RenovationAttachment, RenovationReview, Scope
from ..services.applications import check_upload

METHOD_CHOICES = [("cash", _("Cash")), ("wechat", _("WeChat Pay")), ("alipay", _("Alipay")),
                  ("card", _("UnionPay card")), ("transfer", _("Bank transfer")), ("cheque", _("Cheque"))]
DEFAULT_DEPOSIT = "2000.00"


class AttachmentField(forms.FileField):
    """A PDF, JPEG or PNG of at most 10 MB, checked by its content."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PDF, JPEG or PNG, at most 10 MB."))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload)
        return upload


class ApplicationForm(StaffForm):
    applicant_kind = forms.ChoiceField(label=_("Who applies"), choices=Renovation.ApplicantKind.choices,
                                       widget=forms.RadioSelect, initial=Renovation.ApplicantKind.OWNER)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False,
                                   help_text=_("The owner applying, or the owner who authorised the lead."))
    tenant_authorization = forms.ModelChoiceField(
        label=_("Tenant authorisation"), queryset=None, required=False,
        help_text=_("A tenant applies only with the owner's written authorisation that includes renovation."))
    owner_consent_ref = forms.CharField(
        label=_("Owner's written authorisation"), max_length=100, required=False,
        help_text=_("For a renovation lead: the reference or date of the owner's signed letter (attach a copy)."))
    company = forms.CharField(label=_("Renovation company"), max_length=100)
    lead_name = forms.CharField(label=_("Renovation lead"), max_length=50)
    lead_phone = forms.CharField(label=_("Lead's phone"), max_length=20)
    planned_start = forms.DateField(label=_("Planned start"), widget=DateInput, initial=today)
    planned_end = forms.DateField(label=_("Planned end"), widget=DateInput)
    long_period_reason = forms.CharField(label=_("Reason for a period over three months"), max_length=200,
                                         required=False)
    scope = forms.MultipleChoiceField(label=_("Scope of works"), choices=Scope.choices,
                                      widget=forms.CheckboxSelectMultiple)
    scope_text = forms.CharField(label=_("Works in detail"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    drawing = AttachmentField(label=_("Drawings"))
    undertaking = AttachmentField(label=_("Signed undertaking (承诺书)"))
    authorisation = AttachmentField(label=_("Owner's authorisation letter"))
    agreement_accepted = forms.BooleanField(
        label=_("The applicant has read and signed the renovation management agreement (装修管理协议)."),
        required=True, error_messages={"required": _("The applicant must accept the agreement before filing.")})

    def __init__(self, *args, owners, authorizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["tenant_authorization"].queryset = authorizations
        self.fields["tenant_authorization"].label_from_instance = lambda a: (
            f"{a.tenancy.person.name}（{a.valid_from:%Y-%m-%d}—{a.valid_to:%Y-%m-%d}，"
            f"{'、'.join(str(s) for s in a.scope_labels())}）")

    def clean_lead_phone(self):
        return clean_phone(self.cleaned_data["lead_phone"])

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and start < today():
            self.add_error("planned_start", _("The start date cannot be in the past."))
        if start and end:
            if end <= start:
                self.add_error("planned_end", _("The end date must be after the start date."))
            elif (end - start).days > Renovation.LONG_PERIOD_DAYS and not data.get("long_period_reason"):
                self.add_error("long_period_reason", _("A renovation of more than three months needs a reason."))
        kind = data.get("applicant_kind")
        if kind in (Renovation.ApplicantKind.OWNER, Renovation.ApplicantKind.LEAD) and not data.get("owner"):
            self.add_error("owner", _("Choose the owner."))
        if kind == Renovation.ApplicantKind.TENANT and not data.get("tenant_authorization"):
            self.add_error("tenant_authorization", _("Choose the owner's written authorisation of the tenant."))
        return data

    def attachments(self) -> list:
        pairs = [(RenovationAttachment.Kind.DRAWING, "drawing"), (RenovationAttachment.Kind.UNDERTAKING, "undertaking"),
                 (RenovationAttachment.Kind.AUTHORISATION, "authorisation")]
        return [(kind, self.cleaned_data[name]) for kind, name in pairs if self.cleaned_data.get(name)]


class AttachmentForm(StaffForm):
    kind = forms.ChoiceField(label=_("What the file is"), choices=RenovationAttachment.Kind.choices)
    file = AttachmentField(label=_("File"), required=True)


class StatusFormMixin:
    """The status the actor saw when the page was shown: another one on submit means someone acted first."""

    def add_expected(self):
        self.fields["expected"] = forms.ChoiceField(choices=Renovation.Status.choices, widget=forms.HiddenInput)


class EngineeringReviewForm(StatusFormMixin, StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (RenovationReview.Decision.PASS, _("Pass to the manager")),
        (RenovationReview.Decision.RETURN, _("Return to the applicant for changes")),
        (RenovationReview.Decision.REJECT, _("Reject"))])
    comments = forms.CharField(label=_("Comments"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))
    conditions = forms.CharField(label=_("Conditions (printed on the permit)"), max_length=2000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_expected()

    def clean(self):
        data = super().clean()
        if data.get("decision") in (RenovationReview.Decision.RETURN, RenovationReview.Decision.REJECT) \
                and not data.get("comments"):
            self.add_error("comments", _("Say what is wrong: the applicant is told."))
        return data


class ManagerApprovalForm(StatusFormMixin, StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        (RenovationReview.Decision.PASS, _("Approve")),
        (RenovationReview.Decision.RETURN, _("Send back to engineering review")),
        (RenovationReview.Decision.REJECT, _("Reject"))])
    comments = forms.CharField(label=_("Comments"), max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_expected()

    def clean(self):
        data = super().clean()
        if data.get("decision") in (RenovationReview.Decision.RETURN, RenovationReview.Decision.REJECT) \
                and not data.get("comments"):
            self.add_error("comments", _("Say why: it is recorded with the decision."))
        return data


class ExpectedForm(StatusFormMixin, StaffForm):
    """A move with nothing to type (start the review, issue the permit)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_expected()


class ReasonForm(StatusFormMixin, StaffForm):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_expected()


class DepositForm(StaffForm):
    amount = forms.DecimalField(label=_("Deposit (¥)"), max_digits=12, decimal_places=2, min_value=0,
                                initial=DEFAULT_DEPOSIT)
    payer_name = forms.CharField(label=_("Paid by"), max_length=50)
    method = forms.ChoiceField(label=_("Method"), choices=METHOD_CHOICES, initial="cash")
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount <= 0:
            raise ValidationError(_("The amount must be more than zero."))
        return amount


class RenovationFilterForm(ListForm):
    """The applications list's query string."""

    status = QueryChoice(label=_("Status"), choices=Renovation.Status.choices)
    building = QueryId(label=_("Building"))
    community = QueryId(label=_("Community"))
    date_from = forms.DateField(label=_("Filed from"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("Filed until"), required=False, widget=DateInput)
    q = QueryText(label=_("Room, number or lead"), max_length=50)
    issued_on = forms.DateField(label=_("Permit issued on"), required=False, widget=DateInput)  # the daily summary


class ActiveFilterForm(ListForm):
    """The active sites list's query string."""

    building = QueryId(label=_("Building"))
    community = QueryId(label=_("Community"))
    ending_by = forms.DateField(label=_("Permit ending by"), required=False, widget=DateInput)


class FilingUnitForm(ListForm):
    """``?unit=<id>`` from the lookup's "装修" action, or a room typed as at the counter."""

    unit = QueryId(label=_("Room"))
    room = QueryText(label=_("Room"), max_length=40)


class RoomForm(forms.Form):
    room = UnitCodeField()
