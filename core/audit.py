"""The history panel: pghistory events of one or more records, with who changed what and when."""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext
from pghistory.models import Events

from . import privacy

HIDDEN_FIELDS = {"id", "pgh_id", "pgh_created_at", "pgh_label", "pgh_obj", "pgh_context"}


# Fields holding personal data: shown in the history as ``user`` may see them (``core.privacy``).
PERSONAL_FIELDS = {"phone": privacy.PHONE, "phone_alt": privacy.PHONE, "contact_phone": privacy.PHONE,
                   "id_number": privacy.ID_NUMBER}


def history_for(record, limit: int = 50, *, user=None) -> list[dict]:
    """The record's own events and those of every row that points at it (a unit's occupancies and
    vehicles, say), newest first. Two queries whatever the number of events: events, then users.
    Phones and ID numbers are shown as ``user`` may see them (masked when no user is given)."""
    events = list(Events.objects.references(record).order_by("-pgh_created_at", "-pgh_id")[:limit])
    user_ids = {
        (e.pgh_context or {}).get("user") for e in events if (e.pgh_context or {}).get("user") is not None
    }
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=user_ids)} if user_ids else {}
    rows = []
    labels = {}
    for event in events:
        context = event.pgh_context or {}
        changes = []
        if event.pgh_diff:
            for field, (old, new) in sorted(_personal_masked(event.pgh_diff, user).items()):
                if field not in HIDDEN_FIELDS:
                    changes.append({"field": _field_label(event.pgh_obj_model, field), "old": _shown(old),
                                    "new": _shown(new)})
        rows.append(
            {
                "at": event.pgh_created_at,
                "model": labels.setdefault(event.pgh_obj_model, _model_label(event.pgh_obj_model)),
                "object_id": event.pgh_obj_id,
                "label": event.pgh_label,
                "user": users.get(context.get("user")),
                "source": context.get("source") or context.get("url") or "",
                "changes": changes,
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
    return masked


def _shown(value):
    """Booleans read as words in the user's language; everything else as stored."""
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    return value


def _model(label):
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _model_label(label: str) -> str:
    model = _model(label)
    return str(model._meta.verbose_name) if model else label


def _field_label(model_label: str, field: str) -> str:
    model = _model(model_label)
    if model is None:
        return field
    try:
        return str(model._meta.get_field(field.removesuffix("_id")).verbose_name)
    except FieldDoesNotExist:
        return field
