"""Repairs demo data (tickets in every state), run by ``seed_demo`` after the frontdesk data."""


def load(stdout):
    from importlib import import_module

    try:
        module = import_module("repairs.demo_tickets")
    except ModuleNotFoundError as exc:
        if exc.name != "repairs.demo_tickets":
            raise
        return
    module.load(stdout)
