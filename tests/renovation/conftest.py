"""Renovation rounds/acceptance/ledger tests read messages in English (the catalogue is checked by test_i18n)."""

import pytest


@pytest.fixture(autouse=True)
def english_everywhere(english_messages):
    """Messages in English (``english_messages`` in tests/conftest.py)."""
