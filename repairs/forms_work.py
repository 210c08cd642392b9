"""Forms of the engineer's view and of callbacks: validation only, no writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm
from core.money import to_money

from .models import CallbackAttempt
from .services.intake import photo_check


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    widget = MultiplePhotoInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/webp")

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        cleaned, errors = [], []
        for upload in files:
            upload = super().clean(upload, initial)
            try:
                photo_check(upload)  # the same check as at intake
                cleaned.append(upload)
            except ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise ValidationError(errors)
        return cleaned


class HoldForm(StaffForm):
    reason = forms.CharField(label=_("Why is the work on hold?"), max_length=200,
                             help_text=_("e.g. waiting for parts, the owner is not at home"))


class CompleteForm(StaffForm):
    work_done = forms.CharField(label=_("Work done"), widget=forms.Textarea(attrs={"rows": 3}))
    materials = forms.CharField(label=_("Materials"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
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
        if not ticket.is_paid:
            del self.fields["charge_amount"]

    def clean_charge_amount(self):
        raw = self.cleaned_data.get("charge_amount", "")
        if raw in ("", None):
            return None
        try:
            amount = to_money(raw)
        except (ValueError, TypeError):
            raise ValidationError(_("Enter an amount such as 80 or 120.50."))
        if amount < 0:
            raise ValidationError(_("The charge cannot be negative."))
        if amount >= 10 ** 10:
            raise ValidationError(_("This amount is too large."))
        return amount


class AttemptForm(StaffForm):
    result = forms.ChoiceField(label=_("Result"), choices=CallbackAttempt.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ResultForm(StaffForm):
    ACTIONS = (("reopen", _("Reopen the ticket")), ("escalate", _("Escalate to the supervisor")))

    satisfaction = forms.TypedChoiceField(label=_("Satisfaction"), coerce=int,
                                          choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect,
                                          help_text=_("5 very satisfied … 1 very dissatisfied"))
    comment = forms.CharField(label=_("Owner's comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    action = forms.ChoiceField(label=_("If dissatisfied (1–2)"), choices=[("", "—"), *ACTIONS], required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        satisfaction = data.get("satisfaction")
        if satisfaction is not None and satisfaction <= 2:
            if not data.get("action"):
                self.add_error("action", _("The owner is dissatisfied: choose to reopen the ticket or to escalate it."))
            if len(data.get("reason") or "") < 2:
                self.add_error("reason", _("Give the reason."))
        return data
