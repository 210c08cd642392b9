"""Forms of worker passes and the gate's check. Validation and layout only; ``services.passes`` writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from billing.interface import COUNTER_METHOD_CHOICES
from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.validators import clean_phone, clean_resident_id

from ..models import Trade, WorkerPass

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}


class PassForm(StaffForm):
    name = forms.CharField(label=_("Name"), max_length=50)
    id_number = forms.CharField(label=_("ID number"), max_length=40,
                                help_text=_("Resident ID; an old 15-digit number is converted."))
    phone = forms.CharField(label=_("Phone"), max_length=20)
    trade = forms.ChoiceField(label=_("Trade"), choices=[("", "—"), *Trade.choices])
    photo = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png", "data-webcam-target": "1"}),
        help_text=_("A one-inch photo: upload it, or take it with the camera (JPEG or PNG, at most 5 MB)."))
    id_copy = forms.FileField(label=_("ID copy"), widget=forms.ClearableFileInput(
        attrs={"accept": "image/jpeg,image/png,application/pdf"}),
        help_text=_("JPEG, PNG or PDF, at most 5 MB. Kept private."))
    valid_from = forms.DateField(label=_("Valid from"), **DATE)
    valid_to = forms.DateField(label=_("Valid to"), **DATE)

    def clean_id_number(self):
        return clean_resident_id(self.cleaned_data["id_number"])

    def clean_phone(self):
        phone = clean_phone(self.cleaned_data["phone"])
        if not phone:
            raise forms.ValidationError(_("Give the worker's phone."))
        return phone

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:
            self.add_error("valid_to", _("The end date must not be before the start date."))
        return data


class PassChoiceField(forms.MultipleChoiceField):
    """The passes to act on: ticks shown for those waiting, but any pass of the renovation is a valid value,
    so a repeated submission reaches the double-submit check and a pass that moved meanwhile is told by the
    service (“paid or changed meanwhile”), not as “not one of the choices”."""

    accepted: frozenset = frozenset()

    def valid_value(self, value):
        return str(value) in self.accepted


def _pass_choices(field, passes, accepted):
    field.choices = [(str(p.pk), f"{p.number} {p.name}") for p in passes]
    field.accepted = frozenset(str(pk) for pk in accepted)


class PassPayForm(StaffForm):
    passes = PassChoiceField(label=_("Passes"), widget=forms.CheckboxSelectMultiple)
    payer_name = forms.CharField(label=_("Paid by"), max_length=50)
    method = forms.ChoiceField(label=_("Method"), choices=COUNTER_METHOD_CHOICES, initial="cash")
    reference = forms.CharField(label=_("Payment reference"), max_length=60, required=False)

    def __init__(self, *args, passes=(), accepted=(), **kwargs):
        super().__init__(*args, **kwargs)
        _pass_choices(self.fields["passes"], passes, accepted)
        if not self.is_bound:
            self.initial["passes"] = [str(p.pk) for p in passes]


class PassIssueForm(StaffForm):
    passes = PassChoiceField(label=_("Passes"), widget=forms.CheckboxSelectMultiple)
    received_by = forms.CharField(label=_("Signed for by"), max_length=50,
                                  help_text=_("The renovation lead signs the register's “received by” line."))
    signed = forms.BooleanField(label=_("The lead has signed the register for these cards"))

    def __init__(self, *args, passes=(), accepted=(), lead_name="", **kwargs):
        super().__init__(*args, **kwargs)
        _pass_choices(self.fields["passes"], passes, accepted)
        if not self.is_bound:
            self.initial["passes"] = [str(p.pk) for p in passes]
            self.initial["received_by"] = lead_name


class PassEndForm(StaffForm):
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PassReasonForm(StaffForm):
    note = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class PassListForm(ListForm):
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=[("", _("All")), *WorkerPass.Status.choices])
    trade = QueryChoice(label=_("Trade"), choices=[("", _("All")), *Trade.choices])
    q = QueryText(label=_("Name, pass no. or room"), max_length=50)
    renovation = QueryText(label=_("Application no."), max_length=20)
    out = forms.BooleanField(label=_("Still out after the renovation ended"), required=False)


class GateForm(ListForm):
    number = QueryText(label=_("Pass no."), max_length=20)
