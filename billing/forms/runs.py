"""The bill run form: month and building (or all). Validation and layout only; ``billing.services.runs``
writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import MonthField, StaffForm


class RunForm(StaffForm):
    period = MonthField(label=_("Month"))
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False,
                                      empty_label=_("All buildings"))

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
