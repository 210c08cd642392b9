import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StaffForm

from .models import IdType, Occupancy, ParkingSpace, TenantAuthorization, Unit
from .selectors import normalise_query
from .validators import clean_id_document, clean_phone, clean_plate


class DateInput(forms.DateInput):
    input_type = "date"


def _today():
    return timezone.localdate()


class UnitCodeField(forms.CharField):
    """A room typed as at the counter (3-2-1502 or 3栋2单元1502), resolved within the given units."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("label", _("Room"))
        kwargs.setdefault("help_text", _("e.g. 3-2-1502"))
        super().__init__(*args, **kwargs)
        self.units = Unit.objects.none()

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        from .selectors import ROOM_RE

        q = normalise_query(value)
        match = ROOM_RE.fullmatch(q)
        code = Unit.make_code(match["b"], match["e"], match["n"]) if match else q
        unit = self.units.filter(code=code).first()
        if unit is None:
            raise ValidationError(_("No room %(code)s in your communities."), params={"code": value}, code="unknown_room")
        return unit


class UnitCreateForm(StaffForm):
    building = forms.ModelChoiceField(label=_("Building"), queryset=None)
    entrance = forms.CharField(label=_("Entrance"), max_length=10, required=False, help_text=_("Leave empty for buildings without entrances."))
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


class PersonFieldsMixin:
    """Field-level checks of identity documents and phones, so the message sits at the field."""

    def clean_phone(self):
        return clean_phone(self.cleaned_data.get("phone", ""))

    def clean_phone_alt(self):
        return clean_phone(self.cleaned_data.get("phone_alt", ""))

    converted_id = False  # set when an old 15-digit resident ID was converted to 18 digits

    def clean(self):
        cleaned = super().clean()
        id_type, id_number = cleaned.get("id_type"), cleaned.get("id_number")
        if id_type and id_number:
            try:
                cleaned["id_number"] = clean_id_document(id_type, id_number)
            except ValidationError as exc:
                self.add_error("id_number", exc)
            else:
                self.converted_id = id_type == "resident_id" and len(cleaned["id_number"]) != len(id_number.strip())
        return cleaned

    def tell_if_converted(self, request):
        if self.converted_id:
            messages.info(request, _("The old 15-digit ID number was converted to 18 digits: %(id)s") % {
                "id": self.cleaned_data["id_number"]})


class PersonForm(PersonFieldsMixin, StaffForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID document"), choices=IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    phone_alt = forms.CharField(label=_("Other phone"), max_length=30, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        if self.initial.get("community") is None and communities is not None:
            ids = [c.pk for c in communities[:2]]
            if len(ids) == 1:
                self.initial["community"] = ids[0]


class PersonEditForm(PersonForm):
    def __init__(self, *args, **kwargs):
        kwargs["communities"] = None
        super().__init__(*args, **kwargs)
        del self.fields["community"]


class OccupantForm(PersonFieldsMixin, StaffForm):
    kind = forms.ChoiceField(label=_("Role"), choices=Occupancy.Kind.choices)
    name = forms.CharField(label=_("Name"), max_length=50)
    id_type = forms.ChoiceField(label=_("ID document"), choices=IdType.choices)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False,
                                help_text=_("If the person is already in the archive, the record is reused."))
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    share = forms.DecimalField(label=_("Ownership share (%)"), required=False, min_value=0.01, max_value=100, decimal_places=2,
                               help_text=_("Owners only; 100 if empty."))
    relationship = forms.ChoiceField(label=_("Relationship to owner"), choices=[("", "—"), *Occupancy.Relationship.choices], required=False)
    start_date = forms.DateField(label=_("Move-in date"), initial=_today, widget=DateInput)


class LinkUnitForm(StaffForm):
    unit = UnitCodeField()
    kind = forms.ChoiceField(label=_("Role"), choices=Occupancy.Kind.choices)
    share = forms.DecimalField(label=_("Ownership share (%)"), required=False, min_value=0.01, max_value=100, decimal_places=2)
    relationship = forms.ChoiceField(label=_("Relationship to owner"), choices=[("", "—"), *Occupancy.Relationship.choices], required=False)
    start_date = forms.DateField(label=_("Move-in date"), initial=_today, widget=DateInput)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].units = units


class MoveOutForm(StaffForm):
    end_date = forms.DateField(label=_("Move-out date"), initial=_today, widget=DateInput)
    reason = forms.CharField(label=_("Reason"), max_length=200)
    warnings_settled = forms.BooleanField(label=_("I have dealt with the points above (settled, or agreed by the "
                                                  "supervisor as noted in the reason)"), required=True)

    def __init__(self, *args, warnings=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not warnings:
            del self.fields["warnings_settled"]


class AuthorizationForm(StaffForm):
    owner = forms.ModelChoiceField(label=_("Authorising owner"), queryset=None)
    valid_from = forms.DateField(label=_("Valid from"), initial=_today, widget=DateInput)
    valid_to = forms.DateField(label=_("Valid to"), widget=DateInput)
    scopes = forms.MultipleChoiceField(label=_("The tenant may"), choices=TenantAuthorization.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    document_ref = forms.CharField(label=_("Letter reference"), max_length=100, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        if not self.is_bound:
            self.initial.setdefault("valid_to", _today() + datetime.timedelta(days=365))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("valid_from") and cleaned.get("valid_to") and cleaned["valid_to"] < cleaned["valid_from"]:
            self.add_error("valid_to", _("The end date cannot be before the start date."))
        return cleaned


class ReasonForm(StaffForm):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class VehicleForm(StaffForm):
    plate = forms.CharField(label=_("Plate"), max_length=20, help_text=_("e.g. 粤B12345, new-energy 粤BD12345"))
    owner = forms.ModelChoiceField(label=pgettext_lazy("vehicle", "Owner"), queryset=None, required=False)
    description = forms.CharField(label=_("Make, model and colour"), max_length=100, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people

    def clean_plate(self):
        plate, _new_energy = clean_plate(self.cleaned_data["plate"])
        return plate


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
