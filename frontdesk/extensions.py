"""Frontdesk's plugs into the shared registries; ``FrontdeskConfig.ready()`` calls ``register()``.
The extension points frontdesk offers the other apps are in ``frontdesk.registry``."""


def register() -> None:
    from core.demo import register_demo_loader
    from core.privacy import register_access_log_scope

    from . import demo
    from .scoping import scope

    register_demo_loader(10, "frontdesk", demo.load)
    # The access log (core) shows supervisors the entries of their own communities.
    register_access_log_scope(scope)
