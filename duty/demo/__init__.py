"""Duty demo data (a month of roster, logs, handovers, sign-offs and spot checks), run by ``seed_demo``
after the frontdesk data (registered in ``duty.extensions``). Each area's module contributes one
idempotent ``load``; ``load`` here runs them in order: the log and the spot checks follow the roster."""


def load(stdout):
    from . import log, roster, spotcheck

    for area in (roster, log, spotcheck):
        area.load(stdout)
