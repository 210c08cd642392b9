"""Parcels and mail (邮件包裹): arrival, a courier's batch, pick-up, void, settings, and the lists' query strings."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import ID_PATTERN, ListForm, QueryChoice, QueryId, QueryText, StaffForm
from frontdesk.models import IdType, Parcel
from frontdesk.selectors.parcels import resolve_unit, unit_occupants
from frontdesk.selectors.units import units_for
from frontdesk.services.parcels import SIGNATURE_MAX, clean_signature, clean_tracking_no
from frontdesk.validators import clean_id_document

ROOM_ATTRS = {"autocomplete": "off", "data-parcel-room": "1", "spellcheck": "false"}


class RoomField(forms.CharField):
    """A room typed as in the lookup (3-2-1502); the form resolves it to one of the user's units."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Room"))
        kwargs.setdefault("max_length", 50)
        kwargs.setdefault("widget", forms.TextInput(attrs=dict(ROOM_ATTRS)))
        super().__init__(**kwargs)


def resolve_room(user, text: str, unit_id=None):
    """The one unit ``text`` names, or a ValidationError saying why not. ``unit_id`` is the room the clerk
    picked (from the hint, or the page came from the unit): used when its code is the text typed."""
    if unit_id and ID_PATTERN.fullmatch(str(unit_id)):
        picked = units_for(user).filter(pk=int(unit_id), code=text.strip()).first()
        if picked is not None:
            return picked
    units, exact = resolve_unit(user=user, text=text)
    if exact is not None:
        return exact
    if not units:
        raise ValidationError(_("No room matches “%(text)s”: type it as 3-2-1502.") % {"text": text})
    raise ValidationError(_("Several rooms match “%(text)s”: type the full room code, or choose the room under it.")
                          % {"text": text})


class RoomMixin:
    """The room typed and the one picked (a hidden id the page's script sets), resolved in ``clean()``."""

    def resolve(self, cleaned):
        text = cleaned.get("room")
        if not text:
            return
        try:
            self.unit = resolve_room(self.user, text, cleaned.get("unit_id"))
        except ValidationError as exc:
            self.add_error("room", exc)
            cleaned.pop("room", None)
            return
        cleaned["room"] = self.unit


def unit_id_field():
    return forms.CharField(required=False, max_length=20, widget=forms.HiddenInput(attrs={"data-unit-id": "1"}))


class TrackingInput(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false", **(attrs or {})})


class ParcelForm(RoomMixin, StaffForm):
    """One parcel at the counter: scan the tracking number (Enter moves on), type the room, and so on."""

    tracking_no = forms.CharField(label=_("Tracking number"), max_length=60,
                                  widget=TrackingInput(attrs={"autofocus": True, "data-enter-next": "1"}))
    room = RoomField()
    unit_id = unit_id_field()
    addressee = forms.CharField(label=_("Addressee"), required=False, widget=forms.Select)
    carrier = forms.ChoiceField(label=_("Carrier"), choices=Parcel.Carrier.choices)
    carrier_other = forms.CharField(label=_("Other carrier"), max_length=30, required=False)
    size = forms.ChoiceField(label=_("Size"), choices=Parcel.Size.choices, initial=Parcel.Size.SMALL)
    shelf = forms.CharField(label=_("Shelf slot"), max_length=20, required=False)
    high_value = forms.BooleanField(label=_("High value (an ID document is checked when a proxy collects it)"),
                                    required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.unit = None
        self.occupants = []
        for name in ("room", "carrier", "carrier_other", "size", "shelf"):
            self.fields[name].widget.attrs["data-enter-next"] = "1"

    def clean_tracking_no(self):
        try:
            return clean_tracking_no(self.cleaned_data["tracking_no"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["tracking_no"]) from exc


    def clean_addressee(self):
        value = self.cleaned_data.get("addressee") or ""
        if value and not ID_PATTERN.fullmatch(value):
            raise ValidationError(_("Choose a person of this unit."))
        return value

    def clean(self):
        cleaned = super().clean()
        self.resolve(cleaned)
        if self.unit is not None:
            self.occupants = unit_occupants([self.unit.pk]).get(self.unit.pk, [])
        if cleaned.get("carrier") == Parcel.Carrier.OTHER and not cleaned.get("carrier_other"):
            self.add_error("carrier_other", _("Name the carrier."))
        person = None
        if cleaned.get("addressee") and self.unit is not None:
            person = next((o.person for o in self.occupants if str(o.person_id) == cleaned["addressee"]), None)
            if person is None:
                self.add_error("addressee", _("Choose a person of this unit."))
        cleaned["addressee_person"] = person
        return cleaned


class BatchHeadForm(StaffForm):
    """A courier's delivery: one carrier for every row."""

    carrier = forms.ChoiceField(label=_("Carrier"), choices=Parcel.Carrier.choices)
    carrier_other = forms.CharField(label=_("Other carrier"), max_length=30, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("carrier") == Parcel.Carrier.OTHER and not cleaned.get("carrier_other"):
            self.add_error("carrier_other", _("Name the carrier."))
        return cleaned


class BatchRowForm(RoomMixin, StaffForm):
    """One row of the grid; an empty row is skipped."""

    tracking_no = forms.CharField(label=_("Tracking number"), max_length=60,
                                  widget=TrackingInput(attrs={"data-enter-next": "1"}))
    room = RoomField()
    unit_id = unit_id_field()
    size = forms.ChoiceField(label=_("Size"), choices=Parcel.Size.choices, initial=Parcel.Size.SMALL)
    shelf = forms.CharField(label=_("Shelf slot"), max_length=20, required=False)
    high_value = forms.BooleanField(label=_("High value"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["form_token"]
        self.user = user
        self.unit = None
        for name in ("room", "size", "shelf"):
            self.fields[name].widget.attrs["data-enter-next"] = "1"
        self.fields["high_value"].widget.attrs["data-enter-next"] = "1"

    def has_changed(self):
        # Only what the clerk types counts: a row with just the default size is empty.
        data = self.data
        return any((data.get(self.add_prefix(name)) or "").strip() for name in ("tracking_no", "room", "shelf"))

    def clean_tracking_no(self):
        try:
            return clean_tracking_no(self.cleaned_data["tracking_no"])
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["tracking_no"]) from exc

    def clean(self):
        cleaned = super().clean()
        self.resolve(cleaned)
        return cleaned


class BaseBatchFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen = {}
        for index, form in enumerate(self.forms):
            tracking = form.cleaned_data.get("tracking_no") if form.has_changed() else None
            if not tracking:
                continue
            if tracking in seen:
                form.add_error("tracking_no", _("This tracking number is also on row %(row)s.") % {"row": seen[tracking]})
            seen[tracking] = index + 1
        if not seen and not any(form.errors for form in self.forms):
            raise ValidationError(_("Type at least one parcel."))

    def rows(self) -> list[tuple[int, dict]]:
        return [(index, {"unit": form.cleaned_data["room"], "tracking_no": form.cleaned_data["tracking_no"],
                         "size": form.cleaned_data["size"], "shelf": form.cleaned_data["shelf"],
                         "high_value": form.cleaned_data["high_value"]})
                for index, form in enumerate(self.forms) if form.has_changed()]


BATCH_ROWS = 30
BatchFormSet = forms.formset_factory(BatchRowForm, formset=BaseBatchFormSet, extra=BATCH_ROWS, max_num=60,
                                     absolute_max=60, validate_max=True)


class PickupSearchForm(ListForm):
    """The pick-up page's query string: a pickup code, a room as typed, or a unit (from the lookup)."""

    code = QueryText(label=_("Pickup code"), max_length=6)
    room = QueryText(label=_("Room"), max_length=30)
    unit = QueryId(label=_("Unit"))


class PickupForm(StaffForm):
    parcels = forms.MultipleChoiceField(label=_("Parcels collected"), widget=forms.CheckboxSelectMultiple,
                                        error_messages={"required": _("Choose the parcels being collected.")})
    collector = forms.ChoiceField(label=_("Collected by"), choices=Parcel.Collector.choices,
                                  initial=Parcel.Collector.ADDRESSEE, widget=forms.RadioSelect)
    collector_name = forms.CharField(label=_("Proxy's name"), max_length=50, required=False)
    collector_id_type = forms.ChoiceField(label=_("Proxy's ID document"), choices=IdType.choices, required=False,
                                          initial=IdType.RESIDENT_ID)
    collector_id_number = forms.CharField(label=_("Proxy's ID number"), max_length=40, required=False,
                                          help_text=_("Required for a high-value parcel."))
    signature = forms.CharField(required=False, max_length=SIGNATURE_MAX, widget=forms.HiddenInput(
        attrs={"data-signature-value": "1"}))
    signed_on_paper = forms.BooleanField(label=_("Signed on the paper register instead"), required=False)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(p.pk): p for p in candidates}
        self.fields["parcels"].choices = [(str(p.pk), p.tracking_no) for p in candidates]
        if len(candidates) == 1 and not self.is_bound:
            self.initial["parcels"] = [str(candidates[0].pk)]

    def clean_signature(self):
        try:
            return clean_signature(self.cleaned_data.get("signature") or "")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["signature"]) from exc

    def clean(self):
        cleaned = super().clean()
        chosen = [self.candidates[pk] for pk in cleaned.get("parcels") or () if pk in self.candidates]
        if cleaned.get("collector") == Parcel.Collector.PROXY:
            if not cleaned.get("collector_name"):
                self.add_error("collector_name", _("Write the proxy's name."))
            number = cleaned.get("collector_id_number") or ""
            if any(p.high_value for p in chosen) and not number:
                self.add_error("collector_id_number", _(
                    "A high-value parcel is handed to a proxy only against an ID document: enter its number."))
            elif number:
                if not cleaned.get("collector_id_type"):
                    self.add_error("collector_id_type", _("Choose the ID document."))
                else:
                    try:
                        cleaned["collector_id_number"] = clean_id_document(cleaned["collector_id_type"], number)
                    except ValidationError as exc:
                        self.add_error("collector_id_number", exc)
        if "signature" in cleaned and not cleaned.get("signature") and not cleaned.get("signed_on_paper"):
            self.add_error("signature", _("The collector signs on the pad or on the paper register."))
        return cleaned


class VoidForm(StaffForm):
    reason = forms.CharField(label=_("Why is this entry void?"), max_length=200, min_length=2,
                             help_text=_("e.g. typed for the wrong room, scanned twice"))


class ParcelSettingsForm(StaffForm):
    remind_after_days = forms.IntegerField(label=_("Remind the owner after (days)"), min_value=1, max_value=60)
    return_after_days = forms.IntegerField(label=_("Return to the sender after (days)"), min_value=2, max_value=120)

    def clean(self):
        cleaned = super().clean()
        remind, back = cleaned.get("remind_after_days"), cleaned.get("return_after_days")
        if remind and back and back <= remind:
            self.add_error("return_after_days", _("Return to the sender after more days than the reminder."))
        return cleaned


STATUS_FILTER = [*Parcel.Status.choices, ("all", _("All"))]


class ParcelFilterForm(ListForm):
    """The register's query string."""

    community = QueryId(label=_("Community"))
    status = QueryChoice(label=_("Status"), choices=STATUS_FILTER)
    carrier = QueryChoice(label=_("Carrier"), choices=Parcel.Carrier.choices)
    q = QueryText(label=_("Tracking number, pickup code or room"), max_length=40)
    arrived_on = forms.DateField(label=_("Arrived on"), required=False)  # the daily summary's drill-downs
    picked_up_on = forms.DateField(label=_("Picked up on"), required=False)


class OverdueFilterForm(ListForm):
    community = QueryId(label=_("Community"))
    on = forms.DateField(label=_("At the end of"), required=False)  # the daily summary's drill-down of a past day


class ResolveForm(ListForm):
    """The room typed so far (the grid resolves it as you type) and the form it belongs to."""

    q = QueryText(label=_("Room"), max_length=50)
    unit = QueryId(label=_("Unit"))
    addressee = QueryChoice(label=_("Addressee"), choices=[("1", "1")])
