"""Forms of utility hand-offs: filing at the desk, forwarding, the provider's answer, and the providers'
set-up (provider, request type with its fee, a new dated fee). Validation and layout only."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import StaffForm
from core.uploads import document_check
from frontdesk.forms.common import DateInput, UnitCodeField, today

from ..models import Handoff, Provider


class DocumentField(forms.FileField):
    """A PDF, JPEG or PNG of at most 10 MB, checked by its content (``core.uploads.document_check``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("PDF, JPEG or PNG, at most 10 MB."))
        super().__init__(**kwargs)
        self.widget.attrs["accept"] = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            document_check(upload)
        return upload


class RoomForm(StaffForm):
    """Which room the hand-off is for, when the form is not opened from the room."""

    room = UnitCodeField()

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].units = units


class HandoffForm(StaffForm):
    service = forms.ModelChoiceField(label=_("Provider and request type"), queryset=None,
                                     help_text=_("The fee is collected on behalf of the provider (代收)."))
    applicant_kind = forms.ChoiceField(label=_("Who applies"), choices=Handoff.ApplicantKind.choices,
                                       widget=forms.RadioSelect, initial=Handoff.ApplicantKind.OWNER)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    tenant_authorization = forms.ModelChoiceField(
        label=_("Tenant authorisation"), queryset=None, required=False,
        help_text=_("A tenant applies only with the owner's written authorisation on file."))
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20, required=False,
                                    help_text=_("Empty: the applicant's phone on file."))
    details = forms.CharField(label=_("Application details"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}),
                              help_text=_("What the provider asks for (see its requirements): account, package, "
                                          "wanted date …"))
    id_copy = DocumentField(label=_("Copy of the applicant's ID"))

    def __init__(self, *args, services, owners, authorizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = services
        self.fields["service"].label_from_instance = lambda s: f"{s.provider.name} · {s.name}"
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda p: p.name
        self.fields["tenant_authorization"].queryset = authorizations
        self.fields["tenant_authorization"].label_from_instance = lambda a: (
            f"{a.tenancy.person.name} ({a.valid_from:%Y-%m-%d} – {a.valid_to:%Y-%m-%d})")


class ForwardForm(StaffForm):
    """E-mail the application to the provider: nothing to type, the token guards a double click."""


class ReplyForm(StaffForm):
    reply = forms.CharField(label=_("The provider's answer"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("e.g. opened on 12-08, account 0571xxxx; or refused, and why."))


class ProviderForm(StaffForm):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=50)
    service = forms.ChoiceField(label=_("Service"), choices=Provider.Service.choices)
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    requirements = forms.CharField(label=_("What the application needs"), max_length=1000, required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}))
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class FeeForm(StaffForm):
    amount = forms.DecimalField(label=_("Fee (yuan)"), min_value=0, max_digits=10, decimal_places=2)
    valid_from = forms.DateField(label=_("Valid from"), widget=DateInput, initial=today)


class ServiceEditForm(StaffForm):
    name = forms.CharField(label=_("Request type"), max_length=40)
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767)
    is_active = forms.BooleanField(label=_("In use"), required=False)


class ServiceForm(FeeForm):
    name = forms.CharField(label=_("Request type"), max_length=40, help_text=_("e.g. opening, tariff change, "
                                                                              "suspension, termination, reconnection"))
    field_order = ["name", "amount", "valid_from"]
