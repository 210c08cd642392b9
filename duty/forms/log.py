"""Forms of the duty log: validation and layout only."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, StaffForm
from frontdesk.forms.common import UnitCodeField

from ..models import DutyLogEntry

ENTRY_KINDS = [(value, label) for value, label in DutyLogEntry.Kind.choices if value != DutyLogEntry.Kind.HANDOVER]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


def _now_minute():
    return timezone.localtime().replace(second=0, microsecond=0)


class EntryForm(StaffForm):
    """One log line. Field order is the keyboard order at the counter: type, time, what, how, flags."""

    kind = forms.ChoiceField(label=_("Type"), choices=ENTRY_KINDS, initial=DutyLogEntry.Kind.CALL)
    occurred_at = forms.DateTimeField(label=_("Time"), widget=DateTimeLocalInput(),
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    content = forms.CharField(label=_("What happened"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2, "autofocus": True}))
    handling = forms.CharField(label=_("Handling"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    room = UnitCodeField(required=False)
    reference = forms.CharField(label=_("Reference"), max_length=50, required=False, help_text=_("e.g. a ticket number"))
    follow_up_needed = forms.BooleanField(label=_("Follow-up needed"), required=False)
    important = forms.BooleanField(label=_("Important"), required=False,
                                   help_text=_("An important unfinished job blocks the handover."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].units = units
        if not self.is_bound:
            self.initial.setdefault("occurred_at", _now_minute())

    def clean_occurred_at(self):
        value = self.cleaned_data["occurred_at"]
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise forms.ValidationError(_("The time cannot be in the future."))
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("important") and not cleaned.get("follow_up_needed"):
            cleaned["follow_up_needed"] = True  # an important job is by definition still to be followed up
        return cleaned


class CloseFollowUpForm(StaffForm):
    content = forms.CharField(label=_("What was done"), max_length=4000,
                              widget=forms.Textarea(attrs={"rows": 2, "autofocus": True}))
    handling = forms.CharField(label=_("Handling"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class LogDayForm(ListForm):
    """The day's log query string (besides ``date``): only entries of some kinds (calls and visits, for the
    daily summary's drill-down)."""

    kind = forms.MultipleChoiceField(label=_("Type"), required=False, choices=DutyLogEntry.Kind.choices)
