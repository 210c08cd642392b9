"""Personal data: masking, who sees what in full, and the logged "show" action."""

from .models import SensitiveDataAccess
from .permissions import has_perm, sees_all_communities

PHONE = "phone"
ID_NUMBER = "id"

# kind -> (action to see it in full without asking, action to reveal it with a logged reason)
POLICY = {
    PHONE: ("privacy.full_phone", "privacy.reveal_phone"),
    ID_NUMBER: (None, "privacy.reveal_id"),  # ID numbers are always masked until revealed
}


def mask_id_number(value: str) -> str:
    """110105199001011234 -> 110105********1234; other documents keep 2 characters each end."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return value[:2] + "*" * (len(value) - 4) + value[-2:]


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678; other numbers keep their last 4 digits."""
    value = (value or "").strip()
    if not value:
        return ""
    if len(value) == 11 and value.isdigit():
        return value[:3] + "****" + value[-4:]
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


MASKERS = {PHONE: mask_phone, ID_NUMBER: mask_id_number}


def sees_in_full(user, kind: str) -> bool:
    full_action = POLICY[kind][0]
    return bool(full_action and has_perm(user, full_action))


def may_reveal(user, kind: str) -> bool:
    return has_perm(user, POLICY[kind][1])


def display(user, kind: str, value: str) -> str:
    """What this user sees of ``value`` on a page or a PDF."""
    return value if sees_in_full(user, kind) else MASKERS[kind](value)


def shown_in_full(value: str, kind: str):
    """A value the user may see in full, as HTML: a phone is a tap-to-call link (after a logged "show" too)."""
    from django.utils.html import format_html

    if kind == PHONE:
        return format_html('<span class="sensitive revealed"><a href="tel:{}">{}</a></span>', value, value)
    return format_html('<span class="sensitive revealed">{}</span>', value)


def reveal_log(*, user, record, field: str, kind: str, reason: str, ip_address=None) -> str:
    """Log that ``user`` revealed ``record.<field>`` and return the value. Caller checks ``may_reveal``."""
    from .text import clean_text

    SensitiveDataAccess.objects.create(
        user=user,
        community_id=getattr(record, "community_id", None),
        record_type=record._meta.label_lower,
        record_id=record.pk,
        record_label=str(record)[:200],
        field=field,
        reason=clean_text(reason)[:200],
        ip_address=ip_address,
    )
    return getattr(record, field)


# The access log lists the entries of the reader's communities. Communities belong to frontdesk, which
# registers its ``scope(queryset, user, field)`` here (``frontdesk.extensions``): core imports no app.
_access_log_scopes: list = []


def register_access_log_scope(scope) -> None:
    if scope not in _access_log_scopes:
        _access_log_scopes.append(scope)


def access_log_entries(*, user):
    """The access log as ``user`` may read it: everything for those who see all communities, else the
    entries of their own communities (none while no app has registered the scoping)."""
    qs = SensitiveDataAccess.objects.select_related("user")
    if sees_all_communities(user):
        return qs
    if not _access_log_scopes:
        return qs.none()
    return _access_log_scopes[0](qs, user, field="community_id")
