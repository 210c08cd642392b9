"""The intake form and the "dispatch to" select it shares with the desk's dispatch forms."""

from django import forms
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm
from frontdesk.forms.common import UnitCodeField

from ..models import Ticket
from ..services.intake import PHOTO_MAX_COUNT
from .photos import MultiplePhotoField

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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


class DispatchToMixin:
    """Turns the "dispatch to" value into ``assignee`` and ``team`` (both None when empty)."""

    def clean_dispatch_to_value(self, data):
        try:
            data["assignee"], data["team"] = split_assignee(data.get("dispatch_to"), self.engineers, self.teams)
        except (ValueError, ObjectDoesNotExist):
            data["assignee"], data["team"] = None, None
            self.add_error("dispatch_to", _("Choose an engineer or a team from the list."))
        return data


class CategoryField(forms.ChoiceField):
    """The categories offered (``selectors.intake.intake_options``): saved ones by pk; a community's
    defaults, not saved yet, by ``new-<community>-<order>`` (created by the intake service)."""

    default_error_messages = {"invalid_choice": forms.ModelChoiceField.default_error_messages["invalid_choice"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories, self.defaults = {}, {}

    @staticmethod
    def key(category) -> str:
        return str(category.pk) if category.pk else f"new-{category.community_id}-{category.sort_order}"

    def set_categories(self, categories, *, defaults=(), with_community=False):
        """``categories`` are offered; ``defaults`` (unsaved) are also taken, as a form sent before its
        community's defaults were created (a double submit, a second tab) holds them."""
        self.categories = {self.key(c): c for c in categories}
        self.defaults = {self.key(c): c for c in defaults}
        self.choices = [("", "---------")] + [
            (key, f"{c.community.name} · {c.name}" if with_community else c.name) for key, c in self.categories.items()]

    def prepare_value(self, value):
        return self.key(value) if hasattr(value, "community_id") else value

    def to_python(self, value):
        value = super().to_python(value)
        if value and value not in self.categories and value not in self.defaults:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice",
                                  params={"value": value})
        return (self.categories.get(value) or self.defaults.get(value)) if value else None

    def validate(self, value):
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")


class IntakeForm(DispatchToMixin, StaffForm):
    # a paid home service is booked with its own form (the price list's item, workers, wanted time)
    kind = forms.ChoiceField(label=_("Type"), choices=[c for c in Ticket.Kind.choices if c[0] != Ticket.Kind.SERVICE],
                             initial=Ticket.Kind.REPAIR)
    channel = forms.ChoiceField(label=_("Channel"), choices=Ticket.Channel.choices, initial=Ticket.Channel.PHONE)
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, required=False,
                                       help_text=_("Taken from the room, or else from the category."))
    unit = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)
    room = UnitCodeField(required=False, help_text=_("Typed as at the counter (3-2-1502); or give a common-area "
                                                     "location instead."))
    location = forms.CharField(label=_("Location (common area)"), max_length=100, required=False,
                               help_text=_("Where, when it is not in a room: e.g. Building 3 lobby, car park B1."))
    person = forms.ChoiceField(label=_("Caller"), required=False, choices=())
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False)
    category = CategoryField(label=_("Category"))
    description = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Ticket.Urgency.choices, initial=Ticket.Urgency.NORMAL,
                                widget=forms.RadioSelect)
    appointment_start = forms.DateTimeField(label=_("Appointment from"), required=False, widget=DATETIME)
    appointment_end = forms.DateTimeField(label=_("Appointment until"), required=False, widget=DATETIME)
    is_paid = forms.BooleanField(label=_("Paid repair (有偿)"), required=False)
    photos = MultiplePhotoField(label=_("Photos"), max_count=PHOTO_MAX_COUNT,
                                help_text=_("JPEG, PNG or WebP, up to 8 MB each."))
    dispatch_to = forms.ChoiceField(label=_("Dispatch to"), required=False,
                                    help_text=_("Optional: dispatch (or assign a complaint) in the same step."))

    def __init__(self, *args, units, communities, categories, engineers, teams, people=(), default_categories=(),
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.engineers, self.teams = engineers, teams
        self.fields["unit"].queryset = units
        self.fields["room"].units = units  # the form opened without a room (the menu, the board): typed here
        self.fields["community"].queryset = communities
        many = len(communities) > 1
        if not many:
            self.fields["community"].widget = forms.HiddenInput()
        self.fields["category"].set_categories(categories, defaults=default_categories, with_community=many)
        self.fields["dispatch_to"].choices = assignee_choices(engineers, teams, with_community=many)
        if people:
            self.fields["person"].choices = [("", "—")] + [
                (str(o.person_id), f"{o.get_kind_display()} · {o.person.name}") for o in people]
            self.person_data = {str(o.person_id): {"name": o.person.name, "phone": o.person.phone} for o in people}
        else:
            del self.fields["person"]
            self.person_data = {}

    def clean(self):
        data = super().clean()
        if data.get("unit") is None and data.get("room") is not None:
            data["unit"] = data["room"]
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
        return self.clean_dispatch_to_value(data)
