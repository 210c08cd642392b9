"""Frontdesk forms, one module per area. ``UnitCodeField`` is re-exported for duty's import, which
predates the split; new code imports ``frontdesk.forms.common``."""

from .common import UnitCodeField  # noqa: F401 (duty)
