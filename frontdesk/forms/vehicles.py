"""Vehicles: register and edit."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.validators import clean_plate


class VehicleForm(StaffForm):
    plate = forms.CharField(label=_("Plate"), max_length=20, help_text=_("e.g. 粤B12345, new-energy 粤BD12345"))
    owner = forms.ModelChoiceField(label=pgettext_lazy("vehicle", "Owner"), queryset=None, required=False)
    description = forms.CharField(label=_("Make, model and colour"), max_length=100, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people

    def clean_plate(self):
        plate, _new_energy = clean_plate(self.cleaned_data["plate"])
        return plate


class VehicleFilterForm(ListForm):
    """The vehicle list's query string (``active`` is "1" unless "0"; ``new_energy`` "", "1" or "0")."""

    community = QueryId(label=_("Community"))
    q = QueryText(label=_("Plate"), max_length=20)
    active = QueryChoice(label=_("Status"), choices=[("1", "1"), ("0", "0")])
    new_energy = QueryChoice(label=_("Type"), choices=[("1", "1"), ("0", "0")])
