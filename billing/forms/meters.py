"""Forms of meter readings: the grid's building, meter and month, and the .xlsx import. Validation and
layout only; ``billing.services.meters`` writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import MonthField, StaffForm

from ..models import MeterReading


class MeterFilterForm(forms.Form):
    building = forms.ModelChoiceField(label=_("Building"), queryset=None)
    period = MonthField(label=_("Month"))
    kind = forms.ChoiceField(label=_("Meter"), choices=MeterReading.Kind.choices, initial=MeterReading.Kind.WATER)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings


class MeterImportForm(StaffForm):
    period = MonthField(label=_("Month"))
    file = forms.FileField(label=_("Excel file (.xlsx)"),
                           help_text=_("Columns: room code, meter (water or electricity), reading. "
                                       "First row: headings."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))
    confirm_jumps = forms.BooleanField(label=_("Unusual jumps in this file are confirmed"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise ValidationError(_("Upload an Excel .xlsx file."))
        if upload.size > 5 * 1024 * 1024:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload
