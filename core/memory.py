"""The garbage collector in a long-running web process (issue 13 §8, issue 14 §1).

A gunicorn worker holds a few hundred thousand long-lived objects: the modules, the app registry, the URL
resolvers, the compiled templates. CPython's full collection walks every one of them, and on this 2-core
machine one such pass took 128 ms in the middle of a request: the summary page's slowest requests were
those pauses, not its queries. ``gc.freeze()`` moves the objects alive at that moment into a permanent
generation that no collection walks; the longest collection measured after it was 7 ms.

The objects worth freezing exist only once the process has served some requests (templates compile and
resolvers fill on first use), so ``config/wsgi.py`` freezes once when the app is loaded and once more
after ``WARM_REQUESTS`` requests. Freezing never frees anything: what was garbage at that moment stays
allocated, which is why it happens twice and then never again.
"""

import gc
import threading

from django.core.signals import request_finished

WARM_REQUESTS = 200


def freeze() -> None:
    """Collect what is garbage now, then exempt every surviving object from later collections."""
    gc.collect()
    gc.freeze()


def freeze_after_warmup(requests: int = WARM_REQUESTS) -> None:
    """Freeze now, and once more when this process has finished ``requests`` requests."""
    freeze()
    lock = threading.Lock()
    served = 0

    def on_request_finished(sender, **kwargs):
        nonlocal served
        with lock:
            served += 1
            if served != requests:
                return
        request_finished.disconnect(on_request_finished, dispatch_uid=__name__)
        freeze()

    request_finished.connect(on_request_finished, dispatch_uid=__name__, weak=False)
