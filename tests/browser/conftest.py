"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's live server.

`playwright install` cannot download browsers on these machines, so the system Chromium is launched
with `executable_path`. The live server runs in a thread of this process, and Playwright's sync API
runs an event loop in the main thread: Django refuses ORM calls from a thread with a running loop
unless DJANGO_ALLOW_ASYNC_UNSAFE is set.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import threading  # noqa: E402

import pytest  # noqa: E402
from django.core.servers import basehttp  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PASSWORD = "pw-123456"  # tests.factories.UserFactory


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai",
            "viewport": {"width": 1280, "height": 800}}


@pytest.fixture
def page(page):
    page.set_default_timeout(5_000)
    page.set_default_navigation_timeout(10_000)
    return page


@pytest.fixture
def login(live_server):
    """Log in through the login form, as a person would."""

    def do_login(page, user):
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", user.username)
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").click()
        # the navigation bar: every signed-in page has it (the gate guard's has no lookup box)
        page.wait_for_selector("nav.navbar")

    return do_login


# The live server answers in its own threads. A request still running when a test ends (a page's last
# fetch, a PDF tab) holds table locks while pytest-django empties the tables for the next test: the
# TRUNCATE then deadlocks with it. So each request is counted from the moment it is read until its
# response is written, and a test's teardown waits until the live server has finished every request
# before the tables are emptied. (Counting whole handle_one_request calls also counted keep-alive
# connections idling for their next request: every browser test then waited the full 30 s.)
_requests = threading.Condition()
_in_flight = 0


def _counted(run):
    def wrapped(self, application):
        global _in_flight
        with _requests:
            _in_flight += 1
        try:
            return run(self, application)
        finally:
            with _requests:
                _in_flight -= 1
                _requests.notify_all()

    return wrapped


basehttp.ServerHandler.run = _counted(basehttp.ServerHandler.run)


@pytest.fixture(autouse=True)
def live_server_idle_before_flush(request):
    """Set up after the database fixture, so torn down before it (and after the test's ``page``)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    with _requests:
        assert _requests.wait_for(lambda: _in_flight == 0, timeout=30), "the live server is still answering"
