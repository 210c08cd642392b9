"""Move-in of an occupant, move-out, and an owner's authorisation for a tenant."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm
from frontdesk.models import IdType, Occupancy, TenantAuthorization

from .common import DateInput, today
from .people import PersonFieldsMixin


class OccupantForm(PersonFieldsMixin, StaffForm):
    kind = forms.ChoiceField(label=_("Role"), choices=Occupancy.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID document"), choices=IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False,
                                help_text=_("If the person is already in the archive, the record is reused."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    share = forms.DecimalField(label=_("Ownership share (%)"), required=False, min_value=0.01, max_value=100, decimal_places=2,
                               help_text=_("Owners only; 100 if empty."))
    relationship = forms.ChoiceField(label=_("Relationship to owner"), choices=[("", "—"), *Occupancy.Relationship.choices],
                                     required=False)
    start_date = forms.DateField(label=_("Move-in date"), initial=today, widget=DateInput)


class MoveOutForm(StaffForm):
    end_date = forms.DateField(label=_("Move-out date"), initial=today, widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    warnings_settled = forms.BooleanField(label=_("I have dealt with the points above (settled, or agreed by the "
                                                  "supervisor as noted in the reason)"), required=True)

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not warnings:
            del self.fields["warnings_settled"]


class AuthorizationForm(StaffForm):
    owner = forms.ModelChoiceField(label=_("Authorising owner"), queryset=None)
    valid_from = forms.DateField(label=_("Valid from"), initial=today, widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput)
    scopes = forms.MultipleChoiceField(label=_("The tenant may"), choices=TenantAuthorization.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    document_ref = forms.CharField(label=_("Letter reference"), max_length=100, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if not self.is_bound:
            self.initial.setdefault("valid_to", today() + datetime.timedelta(days=365))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("valid_from") and cleaned.get("valid_to") and cleaned["valid_to"] < cleaned["valid_from"]:
            self.add_error("valid_to", _("The end date cannot be before the start date."))
        return cleaned
