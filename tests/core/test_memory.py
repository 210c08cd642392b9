"""core.memory: the web process freezes its long-lived objects when loaded and once more after its warm-up."""

import gc
import importlib
import sys

import pytest
from django.core.signals import request_finished

from core import memory


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    request_finished.disconnect(dispatch_uid=memory.__name__)
    gc.unfreeze()


@pytest.mark.django_db
def test_freezes_when_loaded_and_once_more_after_the_warm_up(client, unfrozen):
    memory.freeze_after_warmup(requests=3)
    assert gc.get_freeze_count() > 0  # at load
    gc.unfreeze()

    client.get("/login/")
    client.get("/login/")
    assert gc.get_freeze_count() == 0  # not before the warm-up is over
    client.get("/login/")
    assert gc.get_freeze_count() > 0  # the third request froze
    gc.unfreeze()

    for _ in range(4):
        client.get("/login/")
    assert gc.get_freeze_count() == 0  # and never again


def test_the_wsgi_entry_point_installs_it(unfrozen):
    sys.modules.pop("config.wsgi", None)
    module = importlib.import_module("config.wsgi")
    assert callable(module.application)
    assert gc.get_freeze_count() > 0
    # the warm-up handler is connected: disconnecting it finds it
    assert request_finished.disconnect(dispatch_uid=memory.__name__)
