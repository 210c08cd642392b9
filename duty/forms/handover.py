"""Forms of the handover and of the shared items counted at it: validation and layout only."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, StaffForm

from ..models import HandoverItemCount


class HandoverStartForm(StaffForm):
    incoming = forms.ModelChoiceField(label=_("Hand over to"), queryset=None,
                                      help_text=_("The clerk taking over the desk."))
    notes = forms.CharField(label=_("Notes for the incoming clerk"), max_length=2000, required=False,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("Anything not in the log: an item lent out, a radio at the repair shop…"))

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incoming"].queryset = candidates
        self.fields["incoming"].label_from_instance = lambda u: f"{u.display_name} ({u.get_role_display()})"


class PasswordForm(StaffForm):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                               help_text=_("Type your own login password to sign."))


class HandoverAcceptForm(PasswordForm):
    """The incoming clerk's form: a count, condition and note per shared item; a take-over box and note
    per pending item; the last log number read; the password. Built from the handover's rows."""

    read_up_to = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, items, pending, to_confirm=(), **kwargs):
        super().__init__(*args, **kwargs)
        password = self.fields.pop("password")
        self.items, self.pending, self.to_confirm = list(items), list(pending), list(to_confirm)
        for item in self.items:
            self.fields[f"count_{item.pk}"] = forms.IntegerField(
                label=_("%(item)s counted") % {"item": item.name}, min_value=0, max_value=9999,
                widget=forms.NumberInput(attrs={"class": "form-control form-control-sm count-input", "inputmode": "numeric"}))
            self.fields[f"condition_{item.pk}"] = forms.ChoiceField(
                label=_("Condition"), choices=HandoverItemCount.Condition.choices, initial=HandoverItemCount.Condition.OK,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Note"), max_length=200, required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
        for p in self.pending:
            self.fields[f"take_{p.pk}"] = forms.BooleanField(label=_("Take over"), required=False,
                                                             widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
            self.fields[f"pnote_{p.pk}"] = forms.CharField(
                label=_("Note"), max_length=200, required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
        for line in self.to_confirm:
            self.fields[f"confirm_{line.pk}"] = forms.BooleanField(
                label=_("Checked: as listed"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
            self.fields[f"cnote_{line.pk}"] = forms.CharField(
                label=_("Found otherwise"), max_length=200, required=False,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
        self.fields["password"] = password
        # The counts are laid out as a table (no <label> per cell): each input carries its name for screen readers.
        for item in self.items:
            self._name(f"count_{item.pk}", self.fields[f"count_{item.pk}"].label)
            self._name(f"condition_{item.pk}", _("Condition of %(item)s") % {"item": item.name})
            self._name(f"note_{item.pk}", _("Note on %(item)s") % {"item": item.name})
        for p in self.pending:
            self._name(f"take_{p.pk}", _("Take over"))
            self._name(f"pnote_{p.pk}", _("Note"))
        for line in self.to_confirm:
            self._name(f"cnote_{line.pk}", _("What you found instead of: %(text)s") % {"text": line.text})

    def _name(self, field, label):
        self.fields[field].widget.attrs["aria-label"] = str(label)

    def clean(self):
        cleaned = super().clean()
        for item in self.items:
            condition, note = cleaned.get(f"condition_{item.pk}"), cleaned.get(f"note_{item.pk}")
            counted = cleaned.get(f"count_{item.pk}")
            if condition in (HandoverItemCount.Condition.MISSING, HandoverItemCount.Condition.DAMAGED) and not note:
                self.add_error(f"note_{item.pk}", _("Say what is missing or damaged and why."))
            if counted is not None and counted < item.expected_count and condition == HandoverItemCount.Condition.OK:
                self.add_error(f"condition_{item.pk}", _("Fewer than expected: mark it missing and say where it is."))
        return cleaned

    def rows(self):
        """(item, count field, condition field, note field) for the template's table."""
        return [(item, self[f"count_{item.pk}"], self[f"condition_{item.pk}"], self[f"note_{item.pk}"]) for item in self.items]

    def pending_rows(self):
        return [(p, self[f"take_{p.pk}"], self[f"pnote_{p.pk}"]) for p in self.pending]

    def confirm_rows(self):
        return [(line, self[f"confirm_{line.pk}"], self[f"cnote_{line.pk}"]) for line in self.to_confirm]

    def confirmed(self) -> dict:
        d = self.cleaned_data
        return {line.pk: (d[f"confirm_{line.pk}"], d[f"cnote_{line.pk}"]) for line in self.to_confirm}

    def counts(self) -> dict:
        d = self.cleaned_data
        return {item.pk: (d[f"count_{item.pk}"], d[f"condition_{item.pk}"], d[f"note_{item.pk}"]) for item in self.items}

    def taken(self) -> dict:
        d = self.cleaned_data
        return {p.pk: (d[f"take_{p.pk}"], d[f"pnote_{p.pk}"]) for p in self.pending}


class OverrideForm(StaffForm):
    reason = forms.CharField(label=_("Why may the handover go ahead?"), max_length=200, min_length=2,
                             widget=forms.Textarea(attrs={"rows": 2}))


class SharedItemForm(StaffForm):
    name = forms.CharField(label=_("Item"), max_length=50, help_text=_("e.g. radios, keys to the plant room, cash float"))
    expected_count = forms.IntegerField(label=_("Count"), min_value=0, max_value=9999, initial=1)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0, required=False)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class HandoverListForm(ListForm):
    """The handover list's query string: the handovers started on a day, only the late ones."""

    day = forms.DateField(label=_("Day"), required=False)
    late = forms.BooleanField(label=_("Late only"), required=False)
