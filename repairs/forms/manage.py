"""The settings pages' forms: a category, a team or department, the clock durations."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StaffForm, StaffModelForm

from ..models import ClockSettings


class CategoryForm(StaffForm):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=30)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class TeamForm(StaffForm):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=30)
    members = forms.ModelMultipleChoiceField(label=_("Members"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)

    def __init__(self, *args, engineers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = engineers
        self.fields["members"].label_from_instance = lambda u: f"{u.display_name} ({u.get_role_display()})"


class ClockSettingsForm(StaffModelForm):
    class Meta:
        model = ClockSettings
        fields = ["dispatch_minutes", "onsite_urgent_minutes", "complaint_hours", "callback_end_of_day",
                  "warn_before_percent", "confirm_minutes"]
        widgets = {"callback_end_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
