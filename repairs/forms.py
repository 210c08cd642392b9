"""Validation and layout only; the services write."""

from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StaffForm, StaffModelForm

from .models import ClockSettings, Ticket
from .services import intake

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def assignee_choices(engineers, teams, with_community=False):
    """One select for "dispatch to": engineers as u<pk>, teams as t<pk>."""
    def label(obj, name):
        return f"{obj.community.name} · {name}" if with_community else name
    return [("", "—"),
            (_("Engineers"), [(f"u{u.pk}", u.display_name) for u in engineers]),
            (_("Teams and departments"), [(f"t{t.pk}", label(t, t.name)) for t in teams])]


def split_assignee(value, engineers, teams):
    """'u12' -> (user, None); 't3' -> (None, team); '' -> (None, None)."""
    if not value:
        return None, None
    kind, pk = value[0], value[1:]
    if kind == "u":
        return engineers.get(pk=pk), None
    return None, teams.get(pk=pk)


class IntakeForm(StaffForm):
    kind = forms.ChoiceField(label=_("Type"), choices=Ticket.Kind.choices, initial=Ticket.Kind.REPAIR)
    channel = forms.ChoiceField(label=_("Channel"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE)
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, required=False,
                                       help_text=_("Taken from the room, or else from the category."))
    unit = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    location = forms.CharField(label=_("Location (common area)"), max_length=100, required=False,
                               help_text=_("Where, when it is not in a room: e.g. Building 3 lobby, car park B1."))
    person = forms.ChoiceField(label=_("Caller"), required=False, choices=())
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    category = forms.ModelChoiceField(label=_("Category"), queryset=None)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Ticket.Urgency.choices, initial=Ticket.Urgency.NORMAL,
                                widget=forms.RadioSelect)
    appointment_start = forms.DateTimeField(label=_("Appointment from"), required=False, widget=DATETIME)
    appointment_end = forms.DateTimeField(label=_("Appointment until"), required=False, widget=DATETIME)
    is_paid = forms.BooleanField(label=_("Paid repair (有偿)"), required=False)
    photos = MultiplePhotoField(label=_("Photos"), required=False,
                                help_text=_("JPEG, PNG or WebP, up to 8 MB each."))
    dispatch_to = forms.ChoiceField(label=_("Dispatch to"), required=False,
                                    help_text=_("Optional: dispatch (or assign a complaint) in the same step."))

    def __init__(self, *args, units, communities, categories, engineers, teams, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.engineers, self.teams = engineers, teams
        self.fields["unit"].queryset = units
        self.fields["community"].queryset = communities
        many = len(communities) > 1
        if not many:
            self.fields["community"].widget = forms.HiddenInput()
        self.fields["category"].queryset = categories
        if many:
            self.fields["category"].label_from_instance = lambda c: f"{c.community.name} · {c.name}"
        self.fields["dispatch_to"].choices = assignee_choices(engineers, teams, with_community=many)
        if people:
            self.fields["person"].choices = [("", "—")] + [
                (str(o.person_id), f"{o.get_kind_display()} · {o.person.name}") for o in people]
            self.person_data = {str(o.person_id): {"name": o.person.name, "phone": o.person.phone} for o in people}
        else:
            del self.fields["person"]
            self.person_data = {}

    def clean_photos(self):
        photos = self.cleaned_data.get("photos") or []
        intake.photos_check(photos)
        return photos

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        if unit is not None:
            data["community"] = unit.community
        elif not data.get("community"):
            communities = self.fields["community"].queryset
            if len(communities) == 1:
                data["community"] = communities[0]
            elif data.get("category"):  # categories are per community: the one chosen says where
                data["community"] = data["category"].community
            else:
                self.add_error("community", _("Choose the community."))
        if unit is None and not (data.get("location") or "").strip():
            self.add_error("location", _("Give the room or the common-area location."))
        category = data.get("category")
        if category and data.get("community") and category.community_id != data["community"].pk:
            self.add_error("category", _("This category belongs to another community."))
        value = data.get("dispatch_to")
        if value:
            try:
                data["assignee"], data["team"] = split_assignee(value, self.engineers, self.teams)
            except (ValueError, ObjectDoesNotExist):
                self.add_error("dispatch_to", _("Choose an engineer or a team from the list."))
        else:
            data["assignee"], data["team"] = None, None
        return data


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


class DispatchForm(MoveForm):
    dispatch_to = forms.ChoiceField(label=_("Dispatch to"))

    field_order = ["dispatch_to", "note", "seen"]

    def __init__(self, *args, engineers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.engineers, self.teams = engineers, teams
        self.fields["dispatch_to"].choices = assignee_choices(engineers, teams)

    def clean(self):
        data = super().clean()
        try:
            data["assignee"], data["team"] = split_assignee(data.get("dispatch_to"), self.engineers, self.teams)
        except (ValueError, ObjectDoesNotExist):
            self.add_error("dispatch_to", _("Choose an engineer or a team from the list."))
        return data


class AssignForm(MoveForm):
    team = forms.ModelChoiceField(label=_("Department"), queryset=None)

    field_order = ["team", "note", "seen"]

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class BulkDispatchForm(StaffForm):
    tickets = forms.ModelMultipleChoiceField(queryset=None, widget=forms.MultipleHiddenInput)
    dispatch_to = forms.ChoiceField(label=_("Dispatch to"))
    note = forms.CharField(label=_("Note (reason when reassigning)"), max_length=1000, required=False)

    def __init__(self, *args, tickets, engineers, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.engineers, self.teams = engineers, teams
        self.fields["tickets"].queryset = tickets
        self.fields["dispatch_to"].choices = assignee_choices(engineers, teams, with_community=True)

    def clean(self):
        data = super().clean()
        try:
            data["assignee"], data["team"] = split_assignee(data.get("dispatch_to"), self.engineers, self.teams)
        except (ValueError, ObjectDoesNotExist):
            self.add_error("dispatch_to", _("Choose an engineer or a team from the list."))
        return data


SORT_CHOICES = [("newest", _("Newest first")), ("oldest", _("Oldest first")), ("due", _("Due soonest")),
                ("activity", _("Last activity"))]


class BoardFilterForm(forms.Form):
    """GET filters of the board. Option lists are given as lists (``selectors.board_options``, loaded
    once per request), so rendering and validating the form adds no query. The selects are rendered
    by ``select_options`` (plain HTML, one string per select), not by the widget templates: the
    building list alone has hundreds of options."""

    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Description, room code, phone"),
                                                      "class": "form-control"}))
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    building = forms.TypedChoiceField(label=_("Building"), required=False, coerce=int, empty_value=None)
    engineer = forms.TypedChoiceField(label=_("Engineer"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    date_from = forms.DateField(label=_("Received from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    date_to = forms.DateField(label=_("Received until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    SELECTS = ("status", "kind", "category", "building", "engineer", "sort")

    def __init__(self, *args, categories, buildings, engineers, **kwargs):
        super().__init__(*args, **kwargs)
        many = len({c.community_id for c in categories}) > 1
        self.fields["status"].choices = [("", _("All open"))] + list(Ticket.Status.choices)
        self.fields["kind"].choices = [("", _("All types"))] + list(Ticket.Kind.choices)
        # the long lists are kept as plain lists and checked against a set: assigning hundreds of
        # choices to a field normalises each one, and the selects are rendered by select_options anyway
        self.option_lists = {
            "category": [("", "—")] + [(c.pk, f"{c.community_name} · {c.name}" if many else c.name)
                                      for c in categories],
            "building": [("", "—")] + [(b.pk, f"{b.community_name} · {b.name}" if many else b.name)
                                      for b in buildings],
            "engineer": [("", "—")] + [(u.pk, u.display_name) for u in engineers],
        }
        for name, options in self.option_lists.items():
            allowed = {str(pk) for pk, _label in options}
            self.fields[name].valid_value = lambda value, allowed=allowed: str(value) in allowed

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}

    @cached_property
    def select_options(self) -> dict:
        """name -> the ``<option>`` elements of that select, the submitted value selected."""
        html = {}
        for name in self.SELECTS:
            value = self[name].value()
            chosen = "" if value is None else str(value)
            options = self.option_lists.get(name) or self.fields[name].choices
            html[name] = format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((v, mark_safe(" selected") if str(v) == chosen else "", label) for v, label in options))
        return html


class SavedFilterForm(StaffForm):
    name = forms.CharField(label=_("Name of this filter"), max_length=50)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)


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
                  "warn_before_percent"]
        widgets = {"callback_end_of_day": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}
