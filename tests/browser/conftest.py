"""Browser tests: Debian's Chromium driven by pytest-playwright against pytest-django's live server.

`playwright install` cannot download browsers on these machines, so the system Chromium is launched
with `executable_path`. The live server runs in a thread of this process, and Playwright's sync API
runs an event loop in the main thread: Django refuses ORM calls from a thread with a running loop
unless DJANGO_ALLOW_ASYNC_UNSAFE is set.
"""

import os

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402

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
        page.locator("form button[type=submit]").click()
        page.wait_for_selector("#lookup-box")

    return do_login
