"""Forms of the roster area: validation and layout only (writes are in duty.services.roster)."""

import re

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StaffForm

from ..models import ShiftChangeRequest

CELL = re.compile(r"^c-(\d+)-(\d+)$")


class ShiftTemplateForm(StaffForm):
    code = forms.CharField(label=_("Code"), max_length=4, help_text=_("One or two letters typed into the roster grid, e.g. E."))
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=20)
    start_time = forms.TimeField(label=_("Starts"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    end_time = forms.TimeField(label=_("Ends"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                               help_text=_("At or before the start time: ends the next day (same time = 24 hours)."))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=50)


class RosterGridForm(StaffForm):
    """The whole grid in one POST: one ``c-<user id>-<day>`` field per cell, holding a shift code or nothing."""

    def __init__(self, *args, staff_ids=(), days=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.staff_ids, self.day_numbers = set(staff_ids), {d.day for d in days}

    def clean(self):
        data = super().clean()
        cells = {}
        for key, value in self.data.items():
            match = CELL.match(key)
            if not match:
                continue
            user_id, day = int(match.group(1)), int(match.group(2))
            if user_id in self.staff_ids and day in self.day_numbers:
                cells[(user_id, day)] = (value or "").strip().upper()[:4]
        if not cells:
            raise forms.ValidationError(_("The grid is empty: nothing to save."))
        data["cells"] = cells
        return data


class CopyPatternForm(StaffForm):
    mode = forms.ChoiceField(label=_("Copy last month"), choices=[
        ("weekday", _("by weekday (each day as the same weekday four weeks earlier)")),
        ("day", _("by day of the month (the 3rd as last month's 3rd)")),
    ], initial="weekday")


class ConfirmForm(StaffForm):
    """A button with a double-submit token."""


class RosterDecisionForm(StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approved", _("Approve")), ("returned", _("Return for changes"))])
    note = forms.CharField(label=_("Comment"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Required when returning the roster."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "returned" and not data.get("note"):
            self.add_error("note", _("Say what needs to change."))
        return data


def _assignment_label(a, with_user=False):
    when = date_format(a.date, "SHORT_DATE_FORMAT")
    parts = [when, f"{a.shift.name} {a.shift.start_time:%H:%M}–{a.shift.end_time:%H:%M}"]
    if with_user:
        parts.append(a.user.display_name)
    return " · ".join(parts)


class AssignmentChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, with_user=False, **kwargs):
        self.with_user = with_user
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        return _assignment_label(obj, self.with_user)


class ChangeRequestForm(StaffForm):
    kind = forms.ChoiceField(label=_("Type"), choices=ShiftChangeRequest.Kind.choices, widget=forms.RadioSelect,
                             initial=ShiftChangeRequest.Kind.LEAVE)
    assignment = AssignmentChoiceField(label=_("My shift"), queryset=None,
                                       help_text=_("Only shifts from tomorrow on, in an approved roster."))
    counterpart_assignment = AssignmentChoiceField(label=_("Swap with (colleague's shift)"), queryset=None,
                                                   required=False, with_user=True)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, mine, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignment"].queryset = mine
        self.fields["counterpart_assignment"].queryset = colleagues

    def clean(self):
        data = super().clean()
        if data.get("kind") == ShiftChangeRequest.Kind.SWAP and not data.get("counterpart_assignment"):
            self.add_error("counterpart_assignment", _("Choose the colleague's shift to swap with."))
        return data


class RequestDecisionForm(StaffForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect, choices=[
        ("approve", _("Approve")), ("reject", _("Reject"))])
    cover_user = forms.ModelChoiceField(label=_("Covered by"), queryset=None, required=False,
                                        help_text=_("For leave: who works the shift instead (optional)."))
    note = forms.CharField(label=_("Note"), max_length=200, required=False, help_text=_("Required when rejecting."))

    def __init__(self, *args, candidates, is_leave, **kwargs):
        super().__init__(*args, **kwargs)
        if is_leave:
            self.fields["cover_user"].queryset = candidates
        else:
            del self.fields["cover_user"]

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and not data.get("note"):
            self.add_error("note", _("Say why the request is rejected."))
        return data
