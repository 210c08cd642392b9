"""Warnings, breaches and the sweeper: written by the clocks/escalation work."""


def clock_warn(*, clock_id: int) -> str:
    raise NotImplementedError


def clock_breach(*, clock_id: int) -> str:
    raise NotImplementedError


def sweep() -> int:
    return 0
