"""The visitor register's forms: register a visitor, the owner's answer, the sweep, the log's filters."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import Visitor
from frontdesk.selectors.search import room_code
from frontdesk.validators import clean_phone, clean_plate

from .common import DateInput


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


class VisitorForm(StaffForm):
    """One line of the register. Expected: who called and when the visitor comes. Unexpected: the clerk
    then calls the owner (the visitor's page) before letting them in."""

    community = forms.ModelChoiceField(label=_("Community"), queryset=None, empty_label=None)
    room = forms.CharField(label=_("Room"), max_length=40, help_text=_("e.g. 3-2-1502"))
    kind = forms.ChoiceField(label=_("Type"), choices=Visitor.Kind.choices, widget=forms.RadioSelect,
                             initial=Visitor.Kind.UNEXPECTED)
    name = forms.CharField(label=_("Visitor's name"), max_length=50)
    phone = forms.CharField(label=_("Visitor's phone"), max_length=30, required=False)
    people_count = forms.IntegerField(label=_("Number of people"), min_value=1, max_value=99, initial=1)
    plate = forms.CharField(label=_("Car plate"), max_length=10, required=False,
                            help_text=_("If the visitor comes by car, e.g. 粤B12345."))
    purpose = forms.CharField(label=_("Purpose of the visit"), max_length=200, required=False)
    called_by = forms.CharField(label=_("Who called"), max_length=50, required=False,
                                help_text=_("Expected visitors: the owner or resident who announced the visit."))
    expected_at = forms.DateTimeField(label=_("Expected at"), required=False, widget=DateTimeLocalInput,
                                      help_text=_("Expected visitors: the day and time the owner gave."))

    def __init__(self, *args, communities, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.units = units
        self.fields["people_count"].error_messages.update({
            "min_value": _("Give the number of people, from 1 to 99."),
            "max_value": _("Give the number of people, from 1 to 99."),
            "invalid": _("Give the number of people, from 1 to 99."),
        })
        self.fields["expected_at"].error_messages["invalid"] = _("Give a date and time like 2026-11-22 14:30.")

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_plate(self):
        value = self.cleaned_data.get("plate", "")
        return clean_plate(value)[0] if value else ""

    def clean(self):
        data = super().clean()
        community, room = data.get("community"), data.get("room")
        if community and room:
            code, _match = room_code(room)
            unit = self.units.filter(community=community, code=code).first()
            if unit is None:
                self.add_error("room", ValidationError(_("No room %(code)s in %(community)s."),
                                                       params={"code": room, "community": community.name}))
            data["unit"] = unit
        if data.get("kind") == Visitor.Kind.EXPECTED:
            if not data.get("called_by"):
                self.add_error("called_by", _("Say who called to announce the visitor."))
            if not data.get("expected_at") and "expected_at" not in self.errors:
                self.add_error("expected_at", _("Give the expected time of the visit."))
        return data


class AnswerForm(StaffForm):
    """The owner's answer about an unexpected visitor (同意 / 拒绝 / 联系不上)."""

    asked_person = forms.CharField(label=_("Owner asked"), max_length=50,
                                   help_text=_("Whom you called: the owner or a resident of the room."))
    answer = forms.ChoiceField(label=_("Owner's answer"), choices=Visitor.Answer.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note on the call"), max_length=200, required=False)


class SweepForm(StaffForm):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class VisitorFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    building = QueryText(label=_("Building"), max_length=20)
    room = QueryText(label=_("Room"), max_length=40)
    name = QueryText(label=_("Visitor's name"), max_length=50)
    plate = QueryText(label=_("Car plate"), max_length=10)
    status = QueryChoice(label=_("Status"), choices=[("", "")] + list(Visitor.Status.choices))
    let_in_on = forms.DateField(label=_("Let in on"), required=False, widget=DateInput)  # the daily summary
    registered_on = forms.DateField(label=_("Registered on"), required=False, widget=DateInput)
    not_out_on = forms.DateField(label=_("Still inside at the end of"), required=False, widget=DateInput)
