"""The landing page's "today" for the user's role: the cards of every registered summary section.

Each section's ``today(user, community_ids, day)`` builds its cards from its own app's selectors (≤ 3 queries);
this module imports no feature app. It keeps the cards meant for the user's role, in order, each with at most
``MAX_ITEMS`` items whose due time is told as "还剩 N 分钟" / "已超时 3 小时 20 分钟" / "已超时 10 天" with the local
time (``core.durations``), and whose start, when they have one, as "已等待 9 天" / "4 分钟前提交". ``now`` is read
once and handed to every section, so one row never shows two different numbers.
"""


from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core import durations
from core.menu import required_action
from core.permissions import has_perm

from ..registry import CARD_ITEMS, summary_sections
from ..scoping import community_ids

MAX_ITEMS = CARD_ITEMS
SUMMARY_URL = "frontdesk:summary"  # the manager's daily summary page


def due_text(due, now) -> str:
    """"还剩 12 分钟 · 14:30" or "已超时 3 小时 20 分钟 · 12-04 18:00"-style text for an item's deadline (local
    time), told by ``core.durations.due_text`` like every other deadline."""
    local = timezone.localtime(due)
    when = local.strftime("%H:%M") if local.date() == timezone.localtime(now).date() else local.strftime("%m-%d %H:%M")
    return f"{durations.due_text(due, now)} · {when}"


def _item(item, now) -> dict:
    """One item as the page shows it, every time in it told at the one ``now`` of the request."""
    return {"text": item.text, "url": item.url, "urgent": item.urgent,
            "due": due_text(item.due, now) if item.due else "",
            "since": durations.since_text(item.since_label, item.since, now) if item.since else "",
            "overdue": bool(item.due and item.due <= now)}


def today_cards(*, user, day=None, now=None) -> list[dict]:
    """The cards of every visible section whose ``roles`` include the user's role, ordered, each with its count,
    its list's url and up to ``MAX_ITEMS`` items (``text``, ``url``, ``due`` and ``since`` texts, ``overdue``,
    ``urgent``).
    The sections get only the user's own communities. The gate guard (no ``frontdesk.view``) gets none."""
    if not has_perm(user, "frontdesk.view"):
        return []
    now = now or timezone.now()
    day = day or timezone.localdate(now)
    ids = community_ids(user)
    if not ids:
        return []
    cards = []
    for section in summary_sections():
        if section.today is None or (section.action and not has_perm(user, section.action)):
            continue
        cards.extend(card for card in section.today(user, list(ids), day, now=now) if user.role in card.roles)
    cards.sort(key=lambda c: (c.order, c.key))
    result = []
    for card in cards:
        items = [_item(item, now) for item in list(card.items)[:MAX_ITEMS]]
        # "see all (N more)" only below items shown: a card that lists none just opens its list
        result.append({"key": card.key, "title": card.title, "count": card.count, "url": card.url, "items": items,
                       "more": max(card.count - len(items), 0) if items else 0})
    return result


def summary_link(user) -> str:
    """The daily summary's url when the page exists and the user may open it (the manager's landing page)."""
    try:
        url = reverse(SUMMARY_URL)
        action = required_action(SUMMARY_URL)
    except (NoReverseMatch, LookupError):
        return ""
    return url if has_perm(user, action) else ""
