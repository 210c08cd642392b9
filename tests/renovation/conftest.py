"""The renovation tests read messages in English (the Chinese catalogue is checked by tests/core/test_i18n.py)."""

import pytest


@pytest.fixture(autouse=True)
def english_everywhere(english_messages):
    """``english_messages`` is in tests/conftest.py."""
