"""Paid home services' forms: the price list (a service, a new dated price), booking, the time confirmed
to the owner as the service is dispatched, the worker's completion. Validation only, no writes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import StaffForm

from .intake import DATETIME
from .moves import DispatchForm
from .work import CompleteForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceItemForm(StaffForm):
    name = forms.CharField(label=_("Service"), max_length=50, help_text=_("e.g. home cleaning, window cleaning"))
    unit_of_charge = forms.CharField(label=_("Unit of charge"), max_length=20, help_text=_("e.g. hour, time, m²"))
    price = forms.DecimalField(label=_("Price (yuan)"), min_value=0, max_digits=10, decimal_places=2)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)


class ServicePriceForm(StaffForm):
    price = forms.DecimalField(label=_("New price (yuan)"), min_value=0, max_digits=10, decimal_places=2)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE,
                                 help_text=_("The earlier price stays valid until the day before."))


class ServiceBookForm(StaffForm):
    unit = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)
    item = forms.ModelChoiceField(label=_("Service"), queryset=None)
    quantity = forms.DecimalField(label=_("Quantity"), min_value=0.01, max_value=9999, max_digits=8, decimal_places=2,
                                  initial=1, help_text=_("In the service's unit of charge (hours, times, m²…)."))
    workers = forms.IntegerField(label=_("Number of workers"), min_value=1, max_value=20, initial=1)
    wanted_at = forms.DateTimeField(label=_("Wanted time"), widget=DATETIME)
    contact_name = forms.CharField(label=_("Contact person"), max_length=50)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=20)
    description = forms.CharField(label=_("Notes"), max_length=2000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, units, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda i: f"{i.name}（¥{i.price_now}/{i.unit_of_charge}）"

    def clean(self):
        data = super().clean()
        unit, item = data.get("unit"), data.get("item")
        if unit and item and item.community_id != unit.community_id:
            self.add_error("item", _("This service is not on this community's price list."))
        return data


class ConfirmForm(DispatchForm):
    """The time agreed with the team lead and told to the owner, and the worker (or team) it goes to."""

    start = forms.DateTimeField(label=_("Confirmed time from"), widget=DATETIME)
    end = forms.DateTimeField(label=_("Until"), widget=DATETIME)

    field_order = ["start", "end", "dispatch_to", "note", "seen"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["dispatch_to"].label = _("Worker or team")


class ServiceCompleteForm(CompleteForm):
    """The worker's order of a paid service: the charge is the price list's, price × quantity."""

    quantity = forms.DecimalField(label=_("Quantity done"), min_value=0.01, max_value=9999, max_digits=8,
                                  decimal_places=2, widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                                                    "step": "0.5"}))

    field_order = ["work_done", "quantity", "materials", "labour_minutes", "photos_before", "photos_after",
                   "owner_confirmation", "owner_signature"]

    def __init__(self, *args, ticket, **kwargs):
        super().__init__(*args, ticket=ticket, **kwargs)
        del self.fields["charge_amount"]
        item = ticket.service_item
        self.fields["quantity"].help_text = _("In %(unit)s. The charge is the price list's price × this quantity.") % {
            "unit": item.unit_of_charge if item else "—"}
        if not self.is_bound:
            self.initial.setdefault("quantity", ticket.service_quantity)
