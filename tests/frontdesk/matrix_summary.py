"""Access matrix rows of the daily summary (前台日报), and the fake summary section the summary tests share."""

import datetime
from decimal import Decimal

from core.models import Role

SUMMARY = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
SETTINGS = frozenset({Role.MANAGER, Role.ADMIN})


def frozen_row(community, day, *, key="test.opened", value=Decimal("3"), kind="count", label="Opened"):
    """A frozen figure written as the freeze service writes it (the matrix needs a frozen day to open)."""
    from django.utils import timezone

    from frontdesk.models import FrozenFigure

    return FrozenFigure.objects.create(community=community, day=day, section="test", key=key, label=label, kind=kind,
                                       value=value, frozen_at=timezone.now())


def objects(community, users):
    from django.utils import timezone

    return {"frozen": frozen_row(community, timezone.localdate() - datetime.timedelta(days=1))}


def _pdf_kwargs(o):
    row = o["frozen"]
    return {"community": row.community_id, "year": row.day.year, "month": row.day.month, "day": row.day.day}


ENTRIES = {
    "frontdesk:summary": (None, SUMMARY, "get", False),
    "frontdesk:summary_archive": (None, SUMMARY, "get", False),
    "frontdesk:summary_settings": (None, SETTINGS, "get", False),
    "frontdesk:summary_pdf": (_pdf_kwargs, SUMMARY, "get", True),
}
