"""Vehicles: register and edit."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StaffForm
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
