"""The board's filter form and the "save this filter" form."""

from django import forms
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm

from ..models import Ticket

ALL_STATUSES = "all"  # status: every status, open or not
TICKETS = "tickets"  # kind: repairs and complaints (not enquiries)
HIDDEN = ("closed_on", "channel", "community")

SORT_CHOICES = [("newest", _("Newest first")), ("oldest", _("Oldest first")), ("due", _("Due soonest")),
                ("activity", _("Last activity"))]


class BoardFilterForm(forms.Form):
    """GET filters of the board. Option lists are given as lists (``selectors.board_options``, loaded
    once per request), so rendering and validating the form adds no query. The selects are rendered
    by ``select_options`` (plain HTML, one string per select), not by the widget templates: the
    building list alone has hundreds of options."""

    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("Description, room code, phone"),
                                                      "class": "form-control"}))
    status = forms.ChoiceField(label=_("Status"), required=False)
    kind = forms.ChoiceField(label=_("Type"), required=False)
    category = forms.TypedChoiceField(label=_("Category"), required=False, coerce=int, empty_value=None)
    building = forms.TypedChoiceField(label=_("Building"), required=False, coerce=int, empty_value=None)
    engineer = forms.TypedChoiceField(label=_("Engineer"), required=False, coerce=int, empty_value=None)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False,
                                 widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    date_from = forms.DateField(label=_("Received from"), required=False,
                                widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    date_to = forms.DateField(label=_("Received until"), required=False,
                              widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}))
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)
    # the daily summary's drill-downs (repairs.selectors.summary): kept as hidden fields by the filter bar
    closed_on = forms.DateField(label=_("Closed on"), required=False)
    channel = forms.MultipleChoiceField(label=_("Channel"), required=False, choices=Ticket.Channel.choices)
    community = forms.TypedMultipleChoiceField(label=_("Community"), required=False, coerce=int)

    SELECTS = ("status", "kind", "category", "building", "engineer", "sort")

    def __init__(self, *args, categories, buildings, engineers, **kwargs):
        super().__init__(*args, **kwargs)
        many = len({c.community_id for c in categories}) > 1
        self.fields["status"].choices = [("", _("All open")), (ALL_STATUSES, _("All statuses"))] + list(
            Ticket.Status.choices)
        self.fields["kind"].choices = [("", _("All types")), (TICKETS, _("Repairs and complaints"))] + list(
            Ticket.Kind.choices)
        # the communities are checked by scoping in the selector: any id is accepted here
        self.fields["community"].valid_value = lambda value: str(value).isdigit() and len(str(value)) < 10
        # the long lists are kept as plain lists and checked against a set: assigning hundreds of
        # choices to a field normalises each one, and the selects are rendered by select_options anyway
        self.option_lists = {
            "category": [("", "—")] + [(c.pk, f"{c.community_name} · {c.name}" if many else c.name)
                                      for c in categories],
            "building": [("", "—")] + [(b.pk, f"{b.community_name} · {b.name}" if many else b.name)
                                      for b in buildings],
            "engineer": [("", "—")] + [(u.pk, u.display_name) for u in engineers],
        }
        for name, options in self.option_lists.items():
            allowed = {str(pk) for pk, _label in options}
            self.fields[name].valid_value = lambda value, allowed=allowed: str(value) in allowed

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False, [])}

    def hidden_filters(self) -> list[tuple[str, str]]:
        """The drill-down filters the bar does not show, as (name, value) pairs for hidden inputs."""
        if not self.is_bound or not self.is_valid():
            return []
        pairs = []
        for name in HIDDEN:
            value = self.cleaned_data.get(name)
            for v in value if isinstance(value, list) else [value]:
                if v not in (None, ""):
                    pairs.append((name, v.isoformat() if hasattr(v, "isoformat") else str(v)))
        return pairs

    @cached_property
    def select_options(self) -> dict:
        """name -> the ``<option>`` elements of that select, the submitted value selected."""
        html = {}
        for name in self.SELECTS:
            value = self[name].value()
            chosen = "" if value is None else str(value)
            options = self.option_lists.get(name) or self.fields[name].choices
            html[name] = format_html_join(
                "", '<option value="{}"{}>{}</option>',
                ((v, mark_safe(" selected") if str(v) == chosen else "", label) for v, label in options))
        return html


class SavedFilterForm(StaffForm):
    name = forms.CharField(label=_("Name of this filter"), max_length=50)
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=1000)
