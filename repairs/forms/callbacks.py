"""The callback forms: an attempt to reach the owner, the owner's verdict."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import ListForm, QueryChoice, StaffForm

from ..models import CallbackAttempt
from .clocks import QueryIds


class AttemptForm(StaffForm):
    result = forms.ChoiceField(label=_("Result"), choices=CallbackAttempt.Result.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ResultForm(StaffForm):
    ACTIONS = (("reopen", _("Reopen the ticket")), ("escalate", _("Escalate to the supervisor")))

    satisfaction = forms.TypedChoiceField(label=_("Satisfaction"), coerce=int,
                                          choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect,
                                          help_text=_("5 very satisfied … 1 very dissatisfied"))
    comment = forms.CharField(label=_("Owner's comment"), max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
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


class CallbackListForm(ListForm):
    """The callback list's query string: which callbacks (to do, overdue, done, dissatisfied, escalated and
    not closed), due by a day, done on a day, communities (the daily summary's drill-downs)."""

    SHOW = (("", pgettext_lazy("callback", "To do")), ("overdue", _("Overdue")), ("done", _("Done")),
            ("dissatisfied", _("Dissatisfied")), ("escalated", _("Escalated, not closed")))

    show = QueryChoice(label=_("Show"), choices=SHOW)
    due_by = forms.DateField(label=_("Due by (day)"), required=False)
    done_on = forms.DateField(label=_("Done on"), required=False)
    community = QueryIds(label=_("Community"))
