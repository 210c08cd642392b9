"""The board's saved filters: a user's own named queries (a personal preference, not a record)."""

from urllib.parse import urlencode

from django.http import QueryDict

from ..models import SavedFilter

BOARD_KEYS = ("q", "status", "kind", "category", "building", "engineer", "overdue", "date_from", "date_to", "sort", "closed_on",
              "channel", "community")


def board_query(items) -> str:
    """The board's own filter parameters of ``items`` (pairs), as a query string (empty values dropped)."""
    return urlencode([(k, v) for k, v in items if k in BOARD_KEYS and v])


def saved_filter_save(*, user, name: str, query: str) -> SavedFilter:
    """Save (or overwrite) the user's filter ``name``; only the board's parameters are kept."""
    clean = board_query(QueryDict(query or "").items())
    saved, _created = SavedFilter.objects.update_or_create(user=user, name=name, defaults={"query": clean})
    return saved


def saved_filter_delete(*, user, pk: int) -> SavedFilter | None:
    """Remove one of the user's own filters; another user's (or a missing one) is left alone: None."""
    saved = SavedFilter.objects.filter(pk=pk, user=user).first()
    if saved:
        saved.delete()
    return saved
