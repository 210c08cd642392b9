"""Forms of fee setup: fee items, rates and one-off charges. Validation and layout only; the services write."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import MonthField, StaffForm
from frontdesk.models import ParkingSpace, Unit

from ..models import FeeItem


def usage_choices():
    return [(u.value, u.label) for u in Unit.Usage]


class FeeItemForm(StaffForm):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=40, help_text=_("e.g. 物业服务费, 停车费, 工本费"))
    code = forms.SlugField(label=_("Code"), max_length=20, help_text=_("Short, letters and digits, e.g. property."))
    kind = forms.ChoiceField(label=_("Kind"), choices=FeeItem.Kind.choices)
    basis = forms.ChoiceField(label=_("Charged by"), choices=FeeItem.Basis.choices)
    usages = forms.MultipleChoiceField(label=_("Only units used as"), choices=usage_choices, required=False,
                                       widget=forms.CheckboxSelectMultiple,
                                       help_text=_("Leave empty to bill units of every usage."))
    due_days = forms.IntegerField(label=_("Due after (days)"), min_value=0, max_value=365, initial=30,
                                  help_text=_("Days after the first day of the month billed."))
    sort_order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=0)
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class RateForm(StaffForm):
    valid_from = MonthField(label=_("Valid from (month)"),
                            help_text=_("The rate applies to bills of this month and later."))
    price = forms.DecimalField(label=_("Price (¥)"), min_value=0, max_digits=10, decimal_places=4,
                               help_text=_("Per m² per month, per unit, per parking space, per m³ / kWh, or "
                                           "the fixed amount."))
    building = forms.ModelChoiceField(label=_("Only for building"), queryset=None, required=False,
                                      empty_label=_("All buildings"))
    usage = forms.ChoiceField(label=_("Only for usage"), required=False)
    tiers = forms.CharField(label=_("Tiers (meter fees)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                            help_text=_("One tier a line: usage limit and price, e.g. “100 0.50”. Usage above "
                                        "the last limit is charged at the price above."))

    def __init__(self, *args, item: FeeItem, buildings, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["building"].queryset = buildings
        if item.basis == FeeItem.Basis.SPACE:
            self.fields["usage"].label = _("Only for parking spaces that are")
            self.fields["usage"].choices = [("", _("All spaces")), *ParkingSpace.Kind.choices]
        else:
            self.fields["usage"].choices = [("", _("All usages")), *usage_choices()]
        if item.basis != FeeItem.Basis.METER:
            del self.fields["tiers"]
        if editing:  # a rate's scope is fixed: a different scope is a different rate
            del self.fields["building"], self.fields["usage"]

    def clean_tiers(self):
        tiers = []
        for number, line in enumerate((self.cleaned_data.get("tiers") or "").splitlines(), start=1):
            parts = line.replace("，", " ").replace(",", " ").replace("：", " ").replace(":", " ").split()
            if not parts:
                continue
            if len(parts) != 2:
                raise ValidationError(_("Line %(line)s: give a usage limit and a price.") % {"line": number})
            tiers.append({"up_to": parts[0], "price": parts[1]})
        return tiers


def tiers_text(tiers) -> str:
    return "\n".join(f"{t['up_to']} {t['price']}" for t in tiers or [])


class ChargeForm(StaffForm):
    fee_item = forms.ModelChoiceField(label=_("Fee"), queryset=None)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0, max_digits=10, decimal_places=2, initial=1)
    price = forms.DecimalField(label=_("Price (¥)"), required=False, min_value=0, max_digits=10, decimal_places=2,
                               help_text=_("Leave empty to use the fee's current rate."))
    description = forms.CharField(label=_("Note"), max_length=200, required=False,
                                  help_text=_("e.g. pass card lost, second card"))

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fee_item"].queryset = items
