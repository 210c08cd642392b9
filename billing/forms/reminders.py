"""The community's overdue-reminder policy form. Validation and layout only;
``billing.services.reminders.policy_save`` writes."""

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import ListForm, QueryId, QueryText, StaffForm

from ..models import ReminderPolicy

POLICY_FIELDS = ("is_active", "first_after_days", "every_days", "max_steps", "channels")


class PolicyForm(StaffForm):
    is_active = forms.BooleanField(label=gettext_lazy("Send overdue reminders"), required=False)
    first_after_days = forms.IntegerField(label=gettext_lazy("First reminder after (days overdue)"), min_value=0,
                                          max_value=365)
    every_days = forms.IntegerField(label=gettext_lazy("Then every (days)"), min_value=1, max_value=365)
    max_steps = forms.IntegerField(label=gettext_lazy("At most (reminders per overdue episode)"), min_value=1,
                                   max_value=24)
    channels = forms.MultipleChoiceField(
        label=gettext_lazy("Channels"), choices=ReminderPolicy.Channel.choices, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("In-app goes to every clerk of the community; SMS and e-mail go to the unit's "
                               "owner (e-mail only when the owner has an address on record)."))


class ReminderLogFilterForm(ListForm):
    """The reminder log's query string (the community is chosen with ``choose_community``)."""

    building = QueryId(label=gettext_lazy("Building"))
    room = QueryText(label=gettext_lazy("Room"), max_length=30)
