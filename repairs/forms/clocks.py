"""The form of "the owner was informed" of a missed deadline."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm


class InformOwnerForm(StaffForm):
    informed_at = forms.DateTimeField(
        label=_("Owner informed at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    note = forms.CharField(label=_("What the owner was told"), max_length=200,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("e.g. the engineer will arrive by 15:30; the owner agreed"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("informed_at", timezone.localtime().replace(second=0, microsecond=0))
