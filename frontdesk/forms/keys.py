"""Key custody forms: deposit, public key, sign out / in, return to the owner, lost; the register's query string."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import IdType, Key, KeyMovement
from frontdesk.validators import clean_id_document, clean_phone

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class KeyDepositForm(StaffForm):
    depositor = forms.ModelChoiceField(label=_("Depositing owner"), queryset=None, empty_label=None,
                                       error_messages={"invalid_choice": _("Choose a current owner of this room.")})
    purpose = forms.ChoiceField(label=_("Deposited for"), choices=Key.Purpose.choices)
    consent_ref = forms.CharField(label=_("Written consent reference"), max_length=100,
                                  help_text=_("The number or date of the owner's signed consent letter."))
    consent_on_file = forms.BooleanField(label=_("The owner's written consent is signed and filed"),
                                         error_messages={"required": _("Keep the owner's written consent on file first.")})
    tag_no = forms.CharField(label=_("Key tag number"), max_length=20)
    envelope_no = forms.CharField(label=_("Sealed envelope number"), max_length=30)
    opens = forms.CharField(label=_("What the key opens"), max_length=100, help_text=_("e.g. front door, mailbox"))
    quantity = forms.IntegerField(label=_("Number of keys"), min_value=1, max_value=50, initial=1)
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depositor"].queryset = owners


class PublicKeyForm(StaffForm):
    community = forms.ModelChoiceField(label=_("Community"), queryset=None, empty_label=None)
    tag_no = forms.CharField(label=_("Key tag number"), max_length=20)
    opens = forms.CharField(label=_("What the key opens"), max_length=100,
                            help_text=_("e.g. building 3 pump room, roof door, meter room"))
    quantity = forms.IntegerField(label=_("Number of keys"), min_value=1, max_value=50, initial=1)
    notes = forms.CharField(label=_("Notes"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class KeySignOutForm(StaffForm):
    taker_kind = forms.ChoiceField(label=_("Taken by"), choices=KeyMovement.Taker.choices, widget=forms.RadioSelect,
                                   initial=KeyMovement.Taker.CONTRACTOR)
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=None, required=False,
                                   help_text=_("When a staff member takes the key."))
    name = forms.CharField(label=_("Contractor's name"), max_length=50, required=False)
    company = forms.CharField(label=_("Company"), max_length=100, required=False)
    id_type = forms.ChoiceField(label=_("ID document"), choices=IdType.choices, initial=IdType.RESIDENT_ID, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=40, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    reason = forms.CharField(label=_("Why the key is taken"), max_length=200)
    due_back_at = forms.DateTimeField(label=_("Expected return"), widget=DATETIME,
                                      input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["staff"].label_from_instance = lambda user: user.full_name or user.username

    def clean_due_back_at(self):
        value = self.cleaned_data["due_back_at"]
        if value is not None and value <= timezone.now():
            raise forms.ValidationError(_("The expected return must be later than now."))
        return value

    def clean(self):
        data = super().clean()
        kind = data.get("taker_kind")
        if kind == KeyMovement.Taker.STAFF and not data.get("staff") and "staff" not in self.errors:
            self.add_error("staff", _("Choose the staff member who takes the key."))
        if kind == KeyMovement.Taker.CONTRACTOR:
            if not data.get("name"):
                self.add_error("name", _("Give the contractor's name."))
            if not data.get("id_number"):
                self.add_error("id_number", _("Give the contractor's ID number."))
            elif data.get("id_type"):
                try:
                    data["id_number"] = clean_id_document(data["id_type"], data["id_number"])
                except forms.ValidationError as exc:
                    self.add_error("id_number", exc)
            if not data.get("phone"):
                self.add_error("phone", _("Give the contractor's phone number."))
            else:
                try:
                    data["phone"] = clean_phone(data["phone"])
                except forms.ValidationError as exc:
                    self.add_error("phone", exc)
        return data


class KeySignInForm(StaffForm):
    returned_by_name = forms.CharField(label=_("Returned by"), max_length=50)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class KeyReturnForm(StaffForm):
    person = forms.ModelChoiceField(label=_("Owner taking the key back"), queryset=None, empty_label=None,
                                    error_messages={"invalid_choice": _("Choose a current owner of this room.")})
    id_checked = forms.BooleanField(label=_("Identity document checked against the owner"),
                                    error_messages={"required": _("Check the owner's identity document first.")})
    signed = forms.BooleanField(label=_("The owner signed the key register"),
                                error_messages={"required": _("The owner signs the key register when taking the key back.")})
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = owners


class KeyLostForm(StaffForm):
    reason = forms.CharField(label=_("How the key was lost"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))


class KeyFilterForm(ListForm):
    """The key register's query string."""

    community = QueryId(label=_("Community"))
    unit = QueryId(label=_("Room"))
    status = QueryChoice(label=_("Status"), choices=Key.Status.choices)
    kind = QueryChoice(label=_("Kind of key"), choices=Key.Kind.choices)
    overdue = QueryChoice(label=_("Overdue"), choices=[("1", "1")])
    q = QueryText(label=_("Tag, envelope, room or what it opens"), max_length=40)
    held_on = forms.DateField(label=_("Held on"), required=False)  # the daily summary's drill-down


class KeyOverdueForm(ListForm):
    community = QueryId(label=_("Community"))
    on = forms.DateField(label=_("At the end of"), required=False)  # the daily summary's drill-down of a past day
