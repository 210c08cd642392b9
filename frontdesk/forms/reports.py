"""The weekly/monthly report's query string: the community (or all), week or month, a day in the period."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId
from frontdesk.selectors.reports import PERIODS

from .common import DateInput, today


class ReportForm(ListForm):
    community = QueryId(label=_("Community"))
    period = QueryChoice(label=_("Period"), choices=[("", "")] + list(PERIODS))
    day = forms.DateField(label=_("A day in the period"), required=False, widget=DateInput,
                          error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")})
    export = QueryChoice(label=_("Export"), choices=[("", ""), ("pdf", "PDF"), ("xlsx", "Excel")])

    def clean_day(self):
        day = self.cleaned_data.get("day")
        if day and day > today():
            raise forms.ValidationError(_("A report cannot be about days still to come."), code="future")
        if day and day.year < 2000:
            raise forms.ValidationError(_("Choose a day from the year 2000 on."), code="too_early")
        return day
