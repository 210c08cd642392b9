"""Forms of the daily round: the inspection (checklist, note, photos, and a violation found), a re-check,
a void, a deduction proposed and decided, and the query strings of the round sheet and the violation list."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm

from ..models import CheckItem, DepositDeduction, Violation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY_FIELD = {"max_digits": 12, "decimal_places": 2, "min_value": 0.01}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several pictures (checked again by the service: type by content, size, count)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp",
                                                             "capture": "environment"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(PhotosField, self).clean(upload, initial) for upload in files if upload]


class InspectionForm(StaffForm):
    checks_ok = forms.MultipleChoiceField(label=_("Found in order"), choices=CheckItem.choices, required=False,
                                          widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotosField(label=_("Photos"), help_text=_("Up to 6 pictures (JPEG, PNG or WebP, 8 MB each)."))
    category = forms.ChoiceField(label=_("Violation found"), required=False,
                                 choices=[("", _("None"))] + list(Violation.Category.choices))
    description = forms.CharField(label=_("What was found"), max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    deadline = forms.DateField(label=_("Correct by"), required=False, widget=DATE)
    deduction = forms.DecimalField(label=_("Proposed deduction from the deposit (元)"), required=False, **MONEY_FIELD)
    deduction_reason = forms.CharField(label=_("Reason for the deduction"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("category"):
            if not data.get("description"):
                self.add_error("description", _("Say what was found."))
            if not data.get("deadline"):
                self.add_error("deadline", _("Give the date by which it must be corrected."))
            elif data["deadline"] < timezone.localdate():
                self.add_error("deadline", _("The deadline cannot be in the past."))
            if data.get("deduction") and not data.get("deduction_reason"):
                self.add_error("deduction_reason", _("Give the reason for the deduction."))
        elif data.get("description") or data.get("deduction"):
            self.add_error("category", _("Choose the kind of violation."))
        return data

    def violation(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("category"):
            return None
        return {"category": data["category"], "description": data["description"], "deadline": data["deadline"],
                "deduction": data.get("deduction"), "deduction_reason": data.get("deduction_reason") or ""}


class RecheckForm(StaffForm):
    """On the violation's page with other forms: its own ids (``recheck_…``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "recheck_%s")
        super().__init__(*args, **kwargs)

    corrected = forms.TypedChoiceField(label=_("Result of the re-check"), widget=forms.RadioSelect,
                                       coerce=lambda v: v == "yes",
                                       choices=[("yes", _("Corrected")), ("no", _("Not corrected yet"))])
    new_deadline = forms.DateField(label=_("New deadline"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("corrected") is False and not data.get("new_deadline"):
            self.add_error("new_deadline", _("Give the new date by which it must be corrected."))
        return data


class VoidForm(StaffForm):
    """On the violation's page with other forms: its own ids (``void_…``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "void_%s")
        super().__init__(*args, **kwargs)

    reason = forms.CharField(label=_("Why is it void?"), max_length=500, min_length=2)


class DeductionProposeForm(StaffForm):
    """On the violation's page with other forms: its own ids (``propose_…``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "propose_%s")
        super().__init__(*args, **kwargs)

    amount = forms.DecimalField(label=_("Proposed deduction from the deposit (元)"), **MONEY_FIELD)
    reason = forms.CharField(label=_("Reason for the deduction"), max_length=300)


class DeductionDecideForm(StaffForm):
    """On the violation's page with other forms: its own ids (``decide_…``)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "decide_%s")
        super().__init__(*args, **kwargs)

    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("approve", _("Approve the deduction")), ("reject", _("Reject it"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False,
                           help_text=_("Required when you reject it."))

    def clean(self):
        data = super().clean()
        if data.get("decision") == "reject" and len(data.get("note") or "") < 2:
            self.add_error("note", _("Give the reason for rejecting it."))
        return data


class RoundSheetFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    q = QueryText(label=_("Room or permit no."), max_length=30)
    show = QueryChoice(label=_("Show"), choices=[("todo", _("Not inspected today"))])


class ViolationFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=Violation.Status.choices)
    category = QueryChoice(label=_("Category"), choices=Violation.Category.choices)
    deduction = QueryChoice(label=_("Deduction"), choices=DepositDeduction.Status.choices)
    overdue = QueryChoice(label=_("Overdue"), choices=[("1", _("Past the deadline"))])
    q = QueryText(label=_("Room or text"), max_length=50)
    day = forms.DateField(label=_("Recorded on"), required=False)  # the daily summary's drill-down
