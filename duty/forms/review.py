"""The supervisor's daily sign-off form: validation and layout only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, StaffForm


class DaySignForm(StaffForm):
    comment = forms.CharField(label=_("Comment"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    read_up_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class UnsignedDaysForm(ListForm):
    """The days-to-sign list's query string: the days from … to … (the daily summary's drill-down)."""

    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("Until"), required=False)
