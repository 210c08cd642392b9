"""Demo data loaders, registered by each app in its ``AppConfig.ready()`` and run in order by
``manage.py seed_demo``. A loader must be idempotent: it checks its own marker and returns if done."""

_loaders: list[tuple[int, str, object]] = []


def register_demo_loader(order: int, name: str, load) -> None:
    """``load(stdout)`` loads the app's demo data once; ``order`` puts frontdesk (10) before the rest."""
    if all(existing != name for _o, existing, _l in _loaders):
        _loaders.append((order, name, load))


def loaders():
    return [(name, load) for _order, name, load in sorted(_loaders, key=lambda entry: entry[0])]
