"""The history panel: pghistory events of one or more records, with who changed what and when.

Every value is shown as the page would show it: a field by its verbose name (or, where the model gives
none, by ``FIELD_LABELS``), a choice by its label, a foreign key by the row it names (a person by their
name), a timestamp in local time."""

import datetime

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from pghistory.models import Events

from . import privacy

HIDDEN_FIELDS = {"id", "pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context"}

# Labels for tracked fields declared without a verbose name (Django would show "met at").
FIELD_LABELS = {
    "actor": _("by"),
    "at": _("at"),
    "content_type": _("file type"),
    "deposit_id": _("deposit"),
    "end_reminder_sent_at": _("reminder sent at"),
    "fee_bill": _("fee bill"),
    "from_status": _("from"),
    "inspection": _("inspection"),
    "message": _("message"),
    "note": _("note"),
    "notice": _("notice"),
    "parcel": _("parcel"),
    "permit": _("permit"),
    "permit_issued_by": _("permit issued by"),
    "permit_seq": _("permit sequence"),
    "permit_token": _("check code"),
    "permit_year": _("permit year"),
    "position": _("position"),
    "refund_request_id": _("refund request"),
    "renovation": _("renovation"),
    "request_id": _("refund request"),
    "seq": _("sequence"),
    "slip": _("release slip"),
    "sweep": _("visitor sweep"),
    "to_status": _("to"),
    "token": _("check code"),
    "updated_by": _("updated by"),
    "violation": _("violation"),
    "visitor": _("visitor"),
    "year": _("year"),
    "accepted_at": _("accepted at"),
    "arrived_at": _("arrived at"),
    "bill": _("bill"),
    "bill_reference": _("bill reference"),
    "bill_run": _("bill run"),
    "billed_at": _("billed at"),
    "breached_at": _("breached at"),
    "building": _("building"),
    "cancelled_at": _("cancelled at"),
    "change_request": _("shift change request"),
    "closed_at": _("closed at"),
    "community": _("community"),
    "completed_at": _("completed at"),
    "corrected_by": _("corrected by"),
    "created_at": _("created at"),
    "created_by": _("created by"),
    "decided_at": _("decided at"),
    "decided_by": _("decided by"),
    "deposit": _("deposit"),
    "dispatched_at": _("dispatched at"),
    "done_at": _("done at"),
    "done_by": _("done by"),
    "ended_at": _("ended at"),
    "ended_by": _("ended by"),
    "entry": _("log entry"),
    "handover": _("handover"),
    "image": _("image file"),
    "important": _("important"),
    "incoming_assignment": _("incoming shift"),
    "incoming_signed_at": _("incoming signed at"),
    "is_active": _("active"),
    "item": _("item"),
    "met_at": _("met at"),
    "on_hold_since": _("on hold since"),
    "origin": _("assignment origin"),
    "outgoing_assignment": _("outgoing shift"),
    "outgoing_signed_at": _("outgoing signed at"),
    "override_by": _("overridden by"),
    "owner_informed_by": _("owner informed by"),
    "paused_at": _("paused at"),
    "receipt": _("receipt"),
    "recorded_at": _("recorded at"),
    "recorded_by": _("recorded by"),
    "reminder_20_sent_at": _("reminder on the 20th sent at"),
    "reminder_24_sent_at": _("reminder on the 24th sent at"),
    "reminder_sent_at": _("reminder sent at"),
    "replied_at": _("replied at"),
    "requester": _("requested by"),
    "revoked_by": _("revoked by"),
    "roster": _("roster"),
    "sort_order": _("display order"),
    "source": _("charge source"),
    "source_ref": _("source reference"),
    "spot_check": _("spot check"),
    "stage": _("photo stage"),
    "started_at": _("started at"),
    "ticket": _("ticket"),
    "unit": _("unit"),
    "uploaded_at": _("uploaded at"),
    "uploaded_by": _("uploaded by"),
    "user": _("staff member"),
    "warn_at": _("warning due at"),
    "warned_at": _("warned at"),
}


# Fields holding personal data: shown in the history as ``user`` may see them (``core.privacy``).
PERSONAL_FIELDS = {"phone": privacy.PHONE, "phone_alt": privacy.PHONE, "contact_phone": privacy.PHONE,
                   "id_number": privacy.ID_NUMBER}
# Read off a personal number (a resident ID's digits 7–14 are the birth date): shown only to whoever sees that
# number in full, else hidden whole — masking part of it would still tell the ID's masked digits.
DERIVED_FIELDS = {"birth_date": privacy.ID_NUMBER}


def history_for(record, limit: int = 50, *, user=None) -> list[dict]:
    """The record's own events and those of every row that points at it (a unit's occupancies and
    vehicles, say), newest first. Events, users, then one query per other model a changed foreign key
    names, whatever the number of events. Phones and ID numbers are shown as ``user`` may see them
    (masked when no user is given)."""
    events = list(Events.objects.references(record).order_by("-pgh_created_at", "-pgh_id")[:limit])
    diffs = []  # (event, [(field name, model field or None, old, new)])
    wanted: dict[type, set] = {}  # related model -> primary keys to name
    user_model = get_user_model()
    for event in events:
        model = _model(event.pgh_obj_model)
        changes = []
        for name, (old, new) in sorted(_personal_masked(event.pgh_diff or {}, user).items()):
            if name in HIDDEN_FIELDS:
                continue
            field = _field(model, name)
            if isinstance(field, models.ForeignKey):
                wanted.setdefault(field.related_model, set()).update(v for v in (old, new) if v is not None)
            changes.append((name, field, old, new))
        diffs.append((event, changes))
        user_id = (event.pgh_context or {}).get("user")
        if user_id is not None:
            wanted.setdefault(user_model, set()).add(user_id)
    named = {
        related: {obj.pk: obj for obj in related._default_manager.filter(pk__in=pks)}
        for related, pks in wanted.items() if pks
    }
    users = named.get(user_model, {})
    rows = []
    labels = {}
    for event, changes in diffs:
        context = event.pgh_context or {}
        rows.append(
            {
                "at": event.pgh_created_at,
                "model": labels.setdefault(event.pgh_obj_model, _model_label(event.pgh_obj_model)),
                "object_id": event.pgh_obj_id,
                "label": event.pgh_label,
                "user": users.get(context.get("user")),
                "source": context.get("source") or context.get("url") or "",
                "changes": [
                    {"field": _field_label(field, name), "old": _shown(field, old, named),
                     "new": _shown(field, new, named)}
                    for name, field, old, new in changes
                ],
                "created": event.pgh_label == "insert",
            }
        )
    return rows


def _personal_masked(diff: dict, user) -> dict:
    masked = dict(diff)
    for field, kind in PERSONAL_FIELDS.items():
        if field in masked:
            masked[field] = [(privacy.display(user, kind, v) if user else privacy.MASKERS[kind](v))
                             if isinstance(v, str) else v for v in masked[field]]
    for field, kind in DERIVED_FIELDS.items():
        if field in masked and not (user and privacy.sees_in_full(user, kind)):
            masked[field] = [v if v in (None, "") else gettext("(hidden)") for v in masked[field]]
    return masked


def _shown(field, value, named):
    """A value as the page shows it: yes/no, a choice's label, the row a key names, local time."""
    if value is None or value == "":
        return value
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if field is None:
        return value
    if isinstance(field, models.ForeignKey):
        obj = named.get(field.related_model, {}).get(value)
        if obj is None:
            return value
        return getattr(obj, "display_name", None) or str(obj)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        if moment is not None:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment, datetime.UTC)
            return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
    return value


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        try:
            return model._meta.get_field(name.removesuffix("_id"))
        except FieldDoesNotExist:
            return None


def _model_label(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model else label


def _field_label(field, name: str) -> str:
    if field is None:
        return str(FIELD_LABELS.get(name.removesuffix("_id"), name))
    if not getattr(field, "_verbose_name", None) and field.name in FIELD_LABELS:
        return str(FIELD_LABELS[field.name])
    return str(field.verbose_name)
