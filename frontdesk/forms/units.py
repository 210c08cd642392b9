"""Rooms: create (structure work) and edit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import Unit


class UnitCreateForm(StaffForm):
    building = forms.ModelChoiceField(label=_("Building"), queryset=None)
    entrance = forms.CharField(label=_("Entrance"), max_length=10, required=False,
                               help_text=_("Leave empty for buildings without entrances."))
    number = forms.CharField(label=_("Room number"), max_length=20)
    floor = forms.IntegerField(label=_("Floor"), required=False, min_value=-10, max_value=200)
    area = forms.DecimalField(label=_("Floor area (m²)"), max_digits=10, decimal_places=2, min_value=0)
    usage = forms.ChoiceField(label=_("Usage"), choices=Unit.Usage.choices)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["building"].label_from_instance = lambda b: f"{b.community.name} · {b}"


class UnitEditForm(StaffForm):
    floor = forms.IntegerField(label=_("Floor"), required=False, min_value=-10, max_value=200)
    area = forms.DecimalField(label=_("Floor area (m²)"), max_digits=10, decimal_places=2, min_value=0)
    usage = forms.ChoiceField(label=_("Usage"), choices=Unit.Usage.choices)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000)
    is_active = forms.BooleanField(label=_("In use"), required=False)


class UnitFilterForm(ListForm):
    """The room list's query string."""

    community = QueryId(label=_("Community"))
    building = QueryId(label=_("Building"))
    usage = QueryChoice(label=_("Usage"), choices=Unit.Usage.choices)
    q = QueryText(label=_("Search"), max_length=30)
