"""People in the archive: create, edit, link to a room. ID documents and phones are checked at their field."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import privacy
from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import IdType, Occupancy
from frontdesk.validators import clean_id_document, clean_phone

from .common import DateInput, UnitCodeField, today


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
                "id": privacy.mask_id_number(self.cleaned_data["id_number"])})


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
    """The ID number on file is never sent to the page (it is masked for everyone): the field starts
    empty, and left empty keeps the number on file."""

    def __init__(self, *args, **kwargs):
        kwargs["communities"] = None
        super().__init__(*args, **kwargs)
        del self.fields["community"]
        self.id_number_on_file = self.initial.pop("id_number", "") or ""
        if self.id_number_on_file:
            self.fields["id_number"].help_text = _("Leave empty to keep the number on file (%(masked)s).") % {
                "masked": privacy.mask_id_number(self.id_number_on_file)}

    def clean_id_number(self):
        return self.cleaned_data.get("id_number", "").strip() or self.id_number_on_file


class LinkUnitForm(StaffForm):
    unit = UnitCodeField()
    kind = forms.ChoiceField(label=_("Role"), choices=Occupancy.Kind.choices)
    share = forms.DecimalField(label=_("Ownership share (%)"), required=False, min_value=0.01, max_value=100, decimal_places=2)
    relationship = forms.ChoiceField(label=_("Relationship to owner"), choices=[("", "—"), *Occupancy.Relationship.choices],
                                     required=False)
    start_date = forms.DateField(label=_("Move-in date"), initial=today, widget=DateInput)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].units = units


class PersonFilterForm(ListForm):
    """The people list's query string."""

    community = QueryId(label=_("Community"))
    kind = QueryChoice(label=_("Role"), choices=Occupancy.Kind.choices)
    q = QueryText(label=_("Search"), max_length=50)
    moved_in_on = forms.DateField(label=_("Moved in on"), required=False)  # the daily summary's drill-downs
    moved_out_on = forms.DateField(label=_("Moved out on"), required=False)
