"""The engineer's forms: put on hold, complete with the work order. Validation only, no writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm
from core.money import to_money

from .photos import MultiplePhotoField


class HoldForm(StaffForm):
    reason = forms.CharField(label=_("Why is the work on hold?"), max_length=200,
                             help_text=_("e.g. waiting for parts, the owner is not at home"))


class CompleteForm(StaffForm):
    work_done = forms.CharField(label=_("Work done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(label=_("Materials"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("e.g. 1 tap cartridge, 2 m PPR pipe"))
    labour_minutes = forms.IntegerField(label=_("Labour (minutes)"), min_value=0, max_value=24 * 60,
                                        required=False, widget=forms.NumberInput(attrs={"inputmode": "numeric"}))
    charge_amount = forms.CharField(label=_("Charge (yuan)"), required=False, max_length=20,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    photos_before = MultiplePhotoField(label=_("Photos before"))
    photos_after = MultiplePhotoField(label=_("Photos after"))
    owner_confirmation = forms.CharField(label=_("Owner's name (confirmation)"), required=False, max_length=50)
    owner_signature = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket = ticket
        if not ticket.is_paid:  # extra work found on site: a charge makes the repair a paid one
            self.fields["charge_amount"].help_text = _("Free repair: leave empty, or charge for extra work found on "
                                                       "site (it becomes a paid repair).")

    def clean_charge_amount(self):
        raw = self.cleaned_data.get("charge_amount", "")
        if raw in ("", None):
            return None
        try:
            amount = to_money(raw)
        except (ValueError, TypeError):
            raise ValidationError(_("Enter an amount such as 80 or 120.50.")) from None
        if amount < 0:
            raise ValidationError(_("The charge cannot be negative."))
        if amount >= 10 ** 10:
            raise ValidationError(_("This amount is too large."))
        return amount
