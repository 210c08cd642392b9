"""Forms of the supervisor's spot checks and nonconformities: validation and layout only, never writes."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import MonthField, StaffForm

from ..models import Nonconformity, SpotCheck, SpotCheckResult
from ..services.spotcheck import note_field, result_field

NONCONFORMING_NEEDS_NOTE = _("Describe the nonconformity: it goes into the quality inspection record.")


class SpotCheckForm(StaffForm):
    """Clerk, time, and for each checklist item a)–j) a result (conforms by default) and a note."""

    clerk = forms.TypedChoiceField(label=_("Clerk on duty"), coerce=int,
                                   error_messages={"required": _("Choose the clerk on duty."),
                                                   "invalid_choice": _("Choose the clerk on duty from the list.")})
    checked_at = forms.DateTimeField(label=_("Checked at"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                format="%Y-%m-%dT%H:%M"))
    notes = forms.CharField(label=_("General remarks"), required=False, max_length=2000,
                            widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, people=(), default_clerk=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {p.pk: p for p in people}
        self.fields["clerk"].choices = [("", "—")] + [
            (p.pk, _("%(name)s (on duty now)") % {"name": p.display_name} if getattr(p, "on_duty", False)
             else p.display_name) for p in people]
        if not self.is_bound:
            self.initial.setdefault("clerk", default_clerk.pk if default_clerk else "")
            self.initial.setdefault("checked_at", timezone.localtime().replace(second=0, microsecond=0))
        for code, label in SpotCheck.ITEMS:
            self.fields[result_field(code)] = forms.ChoiceField(
                label=f"{code}) {label}", choices=SpotCheckResult.Result.choices, initial=SpotCheckResult.Result.OK,
                widget=forms.RadioSelect)
            self.fields[note_field(code)] = forms.CharField(
                label=_("Note for %(item)s)") % {"item": code}, required=False, max_length=200)

    def clean_clerk(self):
        clerk = self.people.get(self.cleaned_data["clerk"])
        if clerk is None:
            raise forms.ValidationError(_("Choose the clerk on duty."))
        return clerk

    def clean(self):
        data = super().clean()
        for code, _label in SpotCheck.ITEMS:
            if (data.get(result_field(code)) == SpotCheckResult.Result.NONCONFORMING
                    and not data.get(note_field(code)) and note_field(code) not in self.errors):
                self.add_error(note_field(code), NONCONFORMING_NEEDS_NOTE)
        return data

    def results(self) -> dict:
        data = self.cleaned_data
        return {code: (data[result_field(code)], data.get(note_field(code), "")) for code, _label in SpotCheck.ITEMS}

    def item_rows(self) -> list[dict]:
        """For the template: one row per checklist item with its radio group and its note field."""
        return [{"code": code, "label": label, "result": self[result_field(code)], "note": self[note_field(code)]}
                for code, label in SpotCheck.ITEMS]


class NonconformityCorrectForm(StaffForm):
    corrective_action = forms.CharField(
        label=_("Corrective action"), min_length=2, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was done, and how it is kept from happening again (cause, guidance, follow-up)."))


class SpotCheckFilterForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, required=False,
                                       empty_label=_("All communities"))
    clerk = forms.ModelChoiceField(label=_("Clerk"), queryset=None, required=False, empty_label=_("All clerks"))
    month = MonthField(label=_("Month"), required=False)

    def __init__(self, *args, communities, clerks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["clerk"].queryset = clerks
        self.fields["clerk"].label_from_instance = lambda u: u.display_name

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {"community": data["community"].pk if data.get("community") else None,
                "clerk": data["clerk"].pk if data.get("clerk") else None, "month": data.get("month")}


class NonconformityFilterForm(SpotCheckFilterForm):
    item = forms.ChoiceField(label=_("Item"), required=False,
                             choices=[("", _("All items"))] + [(c, f"{c}) {label}") for c, label in SpotCheck.ITEMS])
    status = forms.ChoiceField(label=_("Status"), required=False,
                               choices=[("", _("Open and corrected")),
                                        (Nonconformity.Status.OPEN, _("Not yet corrected")),
                                        (Nonconformity.Status.CORRECTED, _("Corrected"))])
    field_order = ["community", "clerk", "item", "status", "month"]

    def filters(self) -> dict:
        filters = super().filters()
        if filters or self.is_valid():
            filters.update(item=self.cleaned_data.get("item") or None, status=self.cleaned_data.get("status") or None)
        return filters
