"""The desk's move forms: any move's note (a reason where the move needs one), dispatch, assign to a
department, bulk dispatch from the board."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm

from .intake import DispatchToMixin, assignee_choices


class MoveForm(StaffForm):
    """Any desk move: a note (a reason where the move needs one) and the version the clerk saw."""

    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, note_label=None, note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        if note_label:
            self.fields["note"].label = note_label
        # Shown as required, checked by the service: a stale page must hear "someone else moved it"
        # first, not "give a reason" for a move the clerk never meant to make.
        if note_required:
            self.fields["note"].widget.attrs["required"] = True
            self.fields["note"].label = f"{self.fields['note'].label} *"


class DispatchForm(DispatchToMixin, MoveForm):
    dispatch_to = forms.ChoiceField(label=_("Dispatch to"))

    field_order = ["dispatch_to", "note", "seen"]

    def __init__(self, *args, engineers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.engineers, self.teams = engineers, teams
        self.fields["dispatch_to"].choices = assignee_choices(engineers, teams)

    def clean(self):
        return self.clean_dispatch_to_value(super().clean())


class AssignForm(MoveForm):
    team = forms.ModelChoiceField(label=_("Department"), queryset=None)

    field_order = ["team", "note", "seen"]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class BulkDispatchForm(DispatchToMixin, StaffForm):
    tickets = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    dispatch_to = forms.ChoiceField(label=_("Dispatch to"))
    note = forms.CharField(label=_("Note (reason when reassigning)"), max_length=1000, required=False)

    def __init__(self, *args, tickets, engineers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.engineers, self.teams = engineers, teams
        self.fields["tickets"].queryset = tickets
        self.fields["dispatch_to"].choices = assignee_choices(engineers, teams, with_community=True)

    def clean(self):
        return self.clean_dispatch_to_value(super().clean())
