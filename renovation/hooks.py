"""Renovation's own extension points (registries that name no module): other parts of the renovation
work (worker passes, hot work, lifts — built on other branches) plug in here from ``extensions.register()``.

- ``register_closeout_check(key, check)``: ``check(renovation) -> list[str]`` — what still stops the case
  from closing (e.g. passes not returned or marked lost). The case closes only when every check is empty.
- ``register_reminder_source(ReminderSource(kind, collect))``: ``collect(now) -> list[Reminder]`` — the
  reminders the beat sweep sends once each (``services.reminders``): passes expiring, hot-work windows ending…
"""

from collections.abc import Callable
from dataclasses import dataclass, field

_closeout_checks: dict[str, Callable] = {}


def register_closeout_check(key: str, check: Callable) -> None:
    _closeout_checks[key] = check


def unregister_closeout_check(key: str) -> None:
    _closeout_checks.pop(key, None)


def closeout_problems(renovation) -> list[str]:
    """Every registered check's blocking messages, in registration order."""
    problems = []
    for check in list(_closeout_checks.values()):
        problems.extend(str(p) for p in check(renovation) or [])
    return problems


@dataclass(frozen=True)
class Reminder:
    """One reminder to send once: ``key`` is unique within its source's kind (e.g. ``"12:2026-12-09"``)."""

    key: str
    community_id: int
    title: str
    roles: tuple[str, ...]
    body: str = ""
    url: str = ""


@dataclass(frozen=True)
class ReminderSource:
    kind: str  # e.g. "permit_expiring"; at most 40 characters
    collect: Callable  # collect(now) -> list[Reminder]: everything due now (a missed one is still due: catch-up)
    label: str = field(default="")


_reminder_sources: dict[str, ReminderSource] = {}


def register_reminder_source(source: ReminderSource) -> None:
    _reminder_sources[source.kind] = source


def unregister_reminder_source(kind: str) -> None:
    _reminder_sources.pop(kind, None)


def reminder_sources() -> list[ReminderSource]:
    return list(_reminder_sources.values())
