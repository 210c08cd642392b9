"""The form of "the owner was informed" of a missed deadline."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import ListForm, QueryChoice, StaffForm

from ..models import Clock


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


class QueryIds(forms.Field):
    """Ids from the query string (``?community=1&community=3``), kept as ints; what is not an id is dropped
    (the rows are scoped to the user's communities anyway)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def to_python(self, value):
        values = value if isinstance(value, list | tuple) else [value] if value else []
        return [int(v) for v in (str(x).strip() for x in values) if v.isdigit() and len(v) < 10]


class OverdueListForm(ListForm):
    """The overdue list's query string: a clock kind, "owner not yet informed", communities."""

    kind = QueryChoice(label=_("Clock"), choices=[("", "—"), *Clock.Kind.choices])
    pending = forms.BooleanField(label=_("Owner not yet informed"), required=False)
    community = QueryIds(label=_("Community"))
