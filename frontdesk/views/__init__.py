"""Frontdesk views, one module per area. ``home`` is re-exported for ``config/urls.py``, which imports
it from here; new code imports ``frontdesk.views.desk``."""

from .desk import home  # noqa: F401 (config/urls.py)
