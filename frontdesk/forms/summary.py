"""The daily summary's forms: the day picker, the archive's month filter, the freeze time."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryId, StaffForm

from .common import DateInput


class MonthInput(forms.DateInput):
    input_type = "month"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")


class SummaryFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    day = forms.DateField(label=_("Day"), required=False, widget=DateInput)

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day and day > timezone.localdate():
            raise ValidationError(_("The day has not come yet: today is shown."))
        if day and day < datetime.date(2000, 1, 1):
            raise ValidationError(_("Choose a day after 2000."))
        return day


class ArchiveFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    month = forms.DateField(label=_("Month"), required=False, widget=MonthInput, input_formats=["%Y-%m"])

    def clean_month(self):
        month = self.cleaned_data.get("month")
        if month and month.year < 2000:
            raise ValidationError(_("Choose a month after 2000."))
        return month


class SummarySettingsForm(StaffForm):
    freeze_at = forms.TimeField(label=_("Freeze the day at"), widget=TimeInput, input_formats=["%H:%M", "%H:%M:%S"],
                                help_text=_("Local time. The day's figures are stored at this time and the PDF is "
                                            "e-mailed to the community's managers."))
