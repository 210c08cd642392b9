"""Lifts and stairs: the manager's list, a booking, the fire lift's review, cancellation, the lists' queries."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.forms.common import DateInput, today

from ..models import Lift, LiftBooking
from .hotwork import TimeInput


class LiftForm(StaffForm):
    building = forms.ModelChoiceField(label=_("Building"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=30, help_text=_("As signed on site, e.g. Lift 2 or East stairs."))
    kind = forms.ChoiceField(label=_("Kind"), choices=Lift.Kind.choices)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class BookingForm(StaffForm):
    lift = forms.ModelChoiceField(
        label=_("Lift or staircase"), queryset=None,
        help_text=_("The fire lift needs the engineering review and the duty manager's approval first."))
    day = forms.DateField(label=_("Date"), initial=today, widget=DateInput)
    start = forms.TimeField(label=_("From"), widget=TimeInput)
    end = forms.TimeField(label=_("To"), widget=TimeInput)
    applicant_kind = forms.ChoiceField(label=_("Applicant"), choices=LiftBooking.ApplicantKind.choices,
                                       help_text=_("Only the owner or the renovation lead may apply."))
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False,
                                   help_text=_("When the owner applies."))
    items = forms.CharField(label=_("What is carried"), max_length=200, help_text=_("e.g. bricks, sand, cement"))
    undertaking_received = forms.BooleanField(label=_("Signed undertaking (承诺书) received"), required=False)

    def __init__(self, *args, lifts, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lift"].queryset = lifts
        self.fields["lift"].label_from_instance = lambda lift: f"{lift.name}（{lift.get_kind_display()}）"
        self.fields["owner"].queryset = owners

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The slot must end after it starts."))
        if data.get("applicant_kind") == LiftBooking.ApplicantKind.OWNER and not data.get("owner"):
            self.add_error("owner", _("Choose a current owner of this room."))
        if not data.get("undertaking_received"):
            self.add_error("undertaking_received", _("The signed undertaking (承诺书) must be handed in first."))
        return data


class BookingApprovalForm(StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve")), ("refuse", _("Refuse"))])
    reason = forms.CharField(label=_("Reason (when refusing)"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("decision") == "refuse" and not data.get("reason"):
            self.add_error("reason", _("Say why it is refused."))
        return data


class BoardForm(ListForm):
    community = QueryId(label=_("Community"))
    building = QueryId(label=_("Building"))
    day = forms.DateField(label=_("Date"), required=False)


class BookingFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=LiftBooking.Status.choices)
    day = forms.DateField(label=_("Date"), required=False)
    q = QueryText(label=_("Search"), max_length=50)
