"""The renovation demo loaders for ``manage.py seed_demo`` (registered in ``extensions.py``), one module per
area: applications in every state, worker passes and extensions, rounds and acceptance, hot work and lifts."""

from .applications import load
from .hotwork import load_hotwork_lifts
from .passes import demo_photo, load_passes, permitted_renovation
from .rounds import active_renovation, load_rounds

__all__ = ["active_renovation", "demo_photo", "load", "load_hotwork_lifts", "load_passes", "load_rounds",
           "permitted_renovation"]
