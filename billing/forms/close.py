"""The cashier's daily close form (收银日结). Validation and layout only; ``billing.services.close`` checks
the password and the figures and writes."""

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import StaffForm


class CloseForm(StaffForm):
    counted_cash = forms.DecimalField(label=gettext_lazy("Cash counted (¥)"), max_digits=12, decimal_places=2,
                                      min_value=0)
    difference_reason = forms.CharField(label=gettext_lazy("Reason for a difference"), max_length=300,
                                        required=False, widget=forms.Textarea(attrs={"rows": 2}))
    handed_to = forms.CharField(label=gettext_lazy("Handed to (finance)"), max_length=50)
    password = forms.CharField(label=gettext_lazy("Your password (signature)"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
