"""Integrity checks that a restored backup must pass (``manage.py restore_check``), registered by each app
from its ``extensions.register()``: the duty log's hash chain, gapless receipt numbers, …

    register_integrity_check(IntegrityCheck(key="duty-log-chain", label="值班日志哈希链",
                                            run=lambda using: verify_all_chains(using=using)))

``run(using)`` reads the database named by the Django alias ``using`` and returns the problems found
(texts for the operator; an empty list when all is well). It must not write.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class IntegrityCheck:
    key: str
    label: str
    run: Callable[[str], list[str]]


_checks: dict[str, IntegrityCheck] = {}


def register_integrity_check(check: IntegrityCheck) -> None:
    _checks[check.key] = check


def unregister_integrity_check(key: str) -> None:
    _checks.pop(key, None)


def integrity_checks() -> list[IntegrityCheck]:
    return [_checks[key] for key in sorted(_checks)]
