"""Release slip forms: the counter's application (with the item list), the sign-offs, voiding, the
community's setting, the lists' query string and the gate's number box. Validation and layout only."""

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import IdType, ReleaseSlip

from ..selectors.slips import LIST_VIEWS
from .common import UnitCodeField

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SlipRoomForm(forms.Form):
    """Which room, when the slip is not started from the lookup's action next to the room."""

    room = UnitCodeField()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].units = units


class SlipForm(StaffForm):
    applicant_kind = forms.ChoiceField(label=_("Who is applying"), choices=ReleaseSlip.ApplicantKind.choices,
                                       widget=forms.RadioSelect)
    applicant = forms.TypedChoiceField(label=_("Applicant (owner or tenant of this unit)"), required=False,
                                       coerce=int, empty_value=None)
    applicant_name = forms.CharField(label=_("Renovation lead's full name"), max_length=50, required=False)
    applicant_phone = forms.CharField(label=_("Renovation lead's phone"), max_length=20, required=False)
    consent = forms.ChoiceField(label=_("Owner's consent (tenant or renovation lead)"), required=False,
                                choices=[("", _("None"))] + list(ReleaseSlip.Consent.choices), widget=forms.RadioSelect)
    consent_owner = forms.TypedChoiceField(label=_("Consenting owner"), required=False, coerce=int, empty_value=None)
    consent_phone = forms.CharField(label=_("Number the owner called from"), max_length=20, required=False)
    consent_at = forms.DateTimeField(label=_("Time of the call"), required=False, widget=DATETIME,
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"])
    consent_letter_ref = forms.CharField(label=_("Reference of the owner's letter (renovation lead)"), max_length=100,
                                         required=False)
    carrier_name = forms.CharField(label=_("Carrier's full name"), max_length=50)
    carrier_id_type = forms.ChoiceField(label=_("Carrier's ID document"), choices=IdType.choices,
                                        initial=IdType.RESIDENT_ID)
    carrier_id_number = forms.CharField(label=_("Carrier's ID number"), max_length=40)
    vehicle_plate = forms.CharField(label=_("Vehicle plate"), max_length=10, required=False)
    reason = forms.ChoiceField(label=_("Reason"), choices=ReleaseSlip.Reason.choices)
    reason_other = forms.CharField(label=_("Other reason"), max_length=100, required=False)
    valid_on = forms.DateField(label=_("Valid on"), widget=DATE, input_formats=["%Y-%m-%d"])
    sign_mode = forms.ChoiceField(label=_("Applicant's signature"), choices=ReleaseSlip.SignMode.choices,
                                  widget=forms.RadioSelect, initial=ReleaseSlip.SignMode.PRINTED)
    signature = forms.CharField(required=False, widget=forms.HiddenInput(attrs={"id": "id_signature"}))

    def __init__(self, *args, applicants: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signature"].to_python = lambda value: (value or "").strip()  # base64, not text to clean
        self.people = {p.pk: p for p in applicants["owners"] + applicants["tenants"]}
        owner_label, tenant_label = _("owner"), _("tenant")
        self.fields["applicant"].choices = [("", "—")] + [
            (p.pk, f"{p.name}（{owner_label}）") for p in applicants["owners"]] + [
            (p.pk, f"{p.name}（{tenant_label}）") for p in applicants["tenants"]]
        self.fields["consent_owner"].choices = [("", "—")] + [(p.pk, p.name) for p in applicants["owners"]]
        if not self.is_bound:
            self.initial.setdefault("valid_on", timezone.localdate())

    def clean(self):
        data = super().clean()
        data["applicant_person"] = self.people.get(data.get("applicant"))
        data["consent_owner_person"] = self.people.get(data.get("consent_owner"))
        if data.get("applicant_kind") in ("owner", "tenant") and data["applicant_person"] is None:
            self.add_error("applicant", _("Choose the applicant."))
        return data


class SlipItemForm(StaffForm):
    name = forms.CharField(label=_("Item"), max_length=50, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=9999, required=False,
                                  error_messages={"invalid": _("Give a whole number."),
                                                  "min_value": _("The quantity is at least 1."),
                                                  "max_value": _("At most 9999.")})
    description = forms.CharField(label=pgettext_lazy("release slip", "Description"), max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["form_token"]

    def clean(self):
        data = super().clean()
        if data.get("name") and not data.get("quantity") and "quantity" not in self.errors:
            self.add_error("quantity", _("Give the quantity."))
        if not data.get("name") and (data.get("quantity") or data.get("description")):
            self.add_error("name", _("Name the item."))
        return data


SlipItemFormSet = formset_factory(SlipItemForm, extra=4, max_num=30, validate_max=True)


class SignForm(StaffForm):
    password = forms.CharField(label=_("Your password (signature)"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))


class VoidForm(StaffForm):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200)


class SlipSettingsForm(StaffForm):
    manager_approval_required = forms.BooleanField(label=_("The manager's approval is required"), required=False)


class SlipListForm(ListForm):
    show = QueryChoice(label=_("List"), choices=[(v, v) for v in LIST_VIEWS])
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=ReleaseSlip.Status.choices)
    q = QueryText(label=_("Number, room or plate"), max_length=30)
    date_from = forms.DateField(label=_("Valid from"), required=False, input_formats=["%Y-%m-%d"],
                                error_messages={"invalid": _("Give a date like 2026-11-05.")})
    date_to = forms.DateField(label=_("Valid to"), required=False, input_formats=["%Y-%m-%d"],
                              error_messages={"invalid": _("Give a date like 2026-11-05.")})
    # the daily summary's drill-downs: the slips issued (the "today" list) or released on that day
    day = forms.DateField(label=_("Issued on"), required=False, input_formats=["%Y-%m-%d"],
                          error_messages={"invalid": _("Give a date like 2026-11-05.")})
    used_on = forms.DateField(label=_("Released on"), required=False, input_formats=["%Y-%m-%d"],
                              error_messages={"invalid": _("Give a date like 2026-11-05.")})


class GateNumberForm(ListForm):
    number = QueryText(label=_("Slip number"), max_length=20)
