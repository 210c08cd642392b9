"""Duty demo data (a month of roster, logs, handovers, reviews and spot checks), run by ``seed_demo``
after the frontdesk data. Each area contributes one idempotent function; ``load`` runs them in order."""


def load(stdout):
    from importlib import import_module

    for area in ("roster", "log", "review"):
        try:
            module = import_module(f"duty.demo_{area}")
        except ModuleNotFoundError as exc:
            if exc.name != f"duty.demo_{area}":
                raise
            continue
        module.load(stdout)
