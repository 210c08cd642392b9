"""Parking spaces."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryText, StaffForm
from frontdesk.models import ParkingSpace

from .common import UnitCodeField


class ParkingSpaceForm(StaffForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None)
    code = forms.CharField(label=_("Space number"), max_length=20)
    kind = forms.ChoiceField(label=_("Type"), choices=ParkingSpace.Kind.choices)
    unit = UnitCodeField(required=False)
    plate = forms.CharField(label=_("Vehicle plate"), max_length=20, required=False)
    notes = forms.CharField(label=_("Notes"), max_length=200, required=False)

    def __init__(self, *args, communities, units, fixed_community=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].units = units
        if fixed_community:
            del self.fields["community"]
            return
        self.fields["community"].queryset = communities
        ids = [c.pk for c in communities[:2]]
        if len(ids) == 1:
            self.initial.setdefault("community", ids[0])


class ParkingFilterForm(ListForm):
    """The parking list's query string."""

    q = QueryText(label=_("Space number"), max_length=20)
