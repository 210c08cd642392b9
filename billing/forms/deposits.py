"""Forms of deposits (押金): taking one (or several alike) and asking for a refund. Validation and layout
only; ``billing.services.deposits`` writes."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.forms import ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import Community, Unit

from ..models import Deposit
from ..selectors.deposits import STATES as STATE_CHOICES
from .fields import METHOD_CHOICES

MAX_COUNT = 50


class DepositCollectForm(StaffForm):
    community = forms.ModelChoiceField(label=gettext_lazy("Community"), queryset=Community.objects.none())
    unit = forms.CharField(label=gettext_lazy("Room (optional)"), max_length=60, required=False,
                           help_text=gettext_lazy("Room code, e.g. 3-2-1502; leave empty for a worker or a visitor."))
    payer_name = forms.CharField(label=gettext_lazy("Paid by"), max_length=50)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=Deposit.Kind.choices)
    amount = forms.DecimalField(label=gettext_lazy("Amount each (¥)"), max_digits=12, decimal_places=2,
                                min_value=0)
    count = forms.IntegerField(label=gettext_lazy("How many"), min_value=1, max_value=MAX_COUNT, initial=1,
                               help_text=gettext_lazy("e.g. 5 worker passes: five deposits, one receipt each."))
    description = forms.CharField(label=gettext_lazy("Description"), max_length=200, required=False)
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=METHOD_CHOICES, initial="cash")
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=60, required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = Community.objects.filter(pk__in=[c.pk for c in communities]) \
            .order_by("name")
        if len(communities) == 1:
            self.fields["community"].initial = communities[0].pk

    def clean(self):
        data = super().clean()
        code, community = data.get("unit"), data.get("community")
        data["unit_obj"] = None
        if code and community:
            unit = Unit.objects.filter(community=community, code=code.replace(" ", "")).first()
            if unit is None:
                self.add_error("unit", _("No room %(code)s in %(community)s.") % {"code": code,
                                                                                   "community": community.name})
            data["unit_obj"] = unit
        return data


class DepositRefundForm(StaffForm):
    deduction = forms.DecimalField(label=gettext_lazy("Deduction (¥)"), max_digits=12, decimal_places=2,
                                   min_value=0, initial=0)
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text=gettext_lazy("Why it is refunded, and what a deduction is for."))
    method = forms.ChoiceField(label=gettext_lazy("Paid back by"), choices=[("", "—"), *METHOD_CHOICES],
                               required=False, initial="cash")
    reference = forms.CharField(label=gettext_lazy("Payment reference"), max_length=60, required=False)


class DepositFilterForm(ListForm):
    """The deposit list's query string."""

    state = QueryChoice(label=gettext_lazy("State"), choices=STATE_CHOICES)
    kind = QueryChoice(label=gettext_lazy("Kind"), choices=Deposit.Kind.choices)
    unit = QueryText(label=gettext_lazy("Room"), max_length=30)
    payer = QueryText(label=gettext_lazy("Paid by or receipt no."), max_length=50)
    community = QueryId(label=gettext_lazy("Community"))
