"""The repairs tests read messages in English (the Chinese catalogue is checked by tests/core/test_i18n.py):
every request and every service call here runs with English active, whatever the staff member's language."""

import pytest


@pytest.fixture(autouse=True)
def english_everywhere(english_messages):
    """``english_messages`` is in tests/conftest.py."""
