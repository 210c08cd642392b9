"""The repairs tests read messages in English (the Chinese catalogue is checked by tests/core/test_i18n.py):
every request and every service call here runs with English active, whatever the staff member's language."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english(monkeypatch):
    activate = translation.activate
    monkeypatch.setattr(translation, "activate", lambda _language: activate("en"))
    activate("en")
    yield
    translation.deactivate()
