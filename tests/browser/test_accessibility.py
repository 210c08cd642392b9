"""Accessibility (axe-core, WCAG 2.1 AA) and valid HTML (the Nu HTML checker) on the main page of every
area, for every role.

The pages are the role's menu (read from ``core.menu``, so a new area is checked as soon as it is in the
menu), the home page with the lookup open, and the detail pages a role works on (unit, person, ticket,
engineer's ticket, callback, billing unit, receipt, roster month, handover, spot check, daily close).
The objects come from the access matrix (``tests/core/test_access_matrix.py`` and each app's
``matrix_*.py``), so every page has something to show.

axe runs in the page (injected as an init script, so a Content-Security-Policy does not stop it) after
htmx has loaded what the page loads by itself. The server's HTML of the same pages is written to a
directory and checked by vnu in one JVM run at the end; errors fail, warnings do not. The checkers are
installed by ``scripts/setup.sh --browser`` into tests/browser/vendor/node_modules (pinned in
tests/browser/vendor/package.json).
"""

import json
import subprocess
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import reverse

from core.menu import menu_for
from core.models import Role
from core.permissions import has_perm
from tests.core.test_access_matrix import AREA_MODULES, MATRIX, _objects

pytestmark = pytest.mark.django_db(transaction=True)

VENDOR = Path(__file__).resolve().parent / "vendor" / "node_modules"
AXE = VENDOR / "axe-core" / "axe.min.js"
VNU = VENDOR / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = "/usr/bin/java"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Pages a role works on that are not in the menu (most need an object).
DETAILS = [
    "billing:counter", "duty:spotcheck_list", "frontdesk:parking_list",
    "frontdesk:unit_detail", "frontdesk:person_detail", "repairs:ticket_detail", "repairs:work_ticket",
    "repairs:callback_detail", "billing:unit", "billing:receipt", "billing:close_detail",
    "duty:roster_month", "duty:handover_detail", "duty:spotcheck_detail",
    "renovation:site", "renovation:violation_detail", "renovation:acceptance", "renovation:ledger",
    "renovation:hotwork_detail", "renovation:lift_booking_detail",
    "frontdesk:visitor_detail",  # visitors (issue 11)
    "frontdesk:survey_detail", "frontdesk:survey_results", "frontdesk:survey_response",  # survey (issue 13 §6)
    "frontdesk:notice_detail",  # notices (issue 12 §4)
]

RUN_AXE = """async (tags) => {
    const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.map(n => n.target.join(" ") + "  " + n.html.slice(0, 160)),
    }));
}"""


def _pages(user, objects):
    """(label, path) of the main pages ``user`` may open."""
    paths = {"home": reverse("home")}
    for section in menu_for(user):
        for link in section["links"]:
            paths.setdefault(link["url"], link["url"])
    for name in DETAILS:
        kwargs_fn, allowed, method, _foreign = MATRIX[name]
        if method == "get" and user.role in allowed:
            paths[name] = reverse(name, kwargs=kwargs_fn(objects) if kwargs_fn else None)
    return sorted({path: label for label, path in paths.items()}.items())


@pytest.fixture
def objects(community_a, users):
    with transaction.atomic():  # a transactional test runs in autocommit; the builders lock rows
        objects = _objects(community_a, users[Role.CLERK])
        for module in AREA_MODULES:
            objects.update(module.objects(community_a, users))
    return objects


def _settle(page):
    """Wait until htmx has finished what the page loads by itself (history panels, progress)."""
    page.wait_for_load_state("load")
    page.wait_for_timeout(50)
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


def _axe(page, label, found):
    for violation in page.evaluate(RUN_AXE, WCAG_AA):
        found.append((label, violation))


def _check(page, url, label, html_dir, found):
    response = page.goto(url)
    assert response is not None and response.ok, f"{label}: {response and response.status}"
    name = "".join(c if c.isalnum() else "_" for c in label)
    (html_dir / f"{len(list(html_dir.iterdir())):03d}-{name}.html").write_bytes(response.body())
    _settle(page)
    _axe(page, label, found)


def _report(found):
    """One line per rule and element, with the pages it was found on (the same navbar fails everywhere)."""
    where = {}
    for label, v in found:
        for node in v["nodes"]:
            where.setdefault((v["id"], v["impact"], v["help"], node), []).append(label)
    return [f"{rule} ({impact}) {help_}\n      {node}\n      on {len(labels)} pages: {', '.join(labels[:4])}"
            for (rule, impact, help_, node), labels in sorted(where.items())]


# Every role's pages, in two halves that pytest-xdist can run on two workers at once (one was 3.5 minutes).
PARTS = 2


@pytest.mark.parametrize("part", range(PARTS), ids=lambda n: f"roles-{n + 1}-of-{PARTS}")
def test_main_pages_pass_axe_and_the_html_checker(page, live_server, login, users, objects, tmp_path, part):
    assert AXE.exists() and VNU.exists(), "run ./scripts/setup.sh --browser (installs axe-core and vnu-jar)"
    page.add_init_script(path=str(AXE))
    html_dir = tmp_path / "html"
    html_dir.mkdir()
    found = []

    if part == 0:
        _check(page, f"{live_server.url}{reverse('login')}", "anonymous /login/", html_dir, found)
    for role in Role.values[part::PARTS]:
        user = users[role]
        page.context.clear_cookies()
        login(page, user)
        for path, label in _pages(user, objects):
            _check(page, f"{live_server.url}{path}", f"{role} {label}", html_dir, found)
        # The lookup with its results open (every role but the gate guard has the box).
        if not has_perm(user, "frontdesk.view"):
            continue
        page.goto(f"{live_server.url}{reverse('home')}")
        page.locator("#lookup-box").press_sequentially(objects["unit"].number, delay=10)
        page.wait_for_selector("#lookup-results a.lookup-item")
        _settle(page)
        _axe(page, f"{role} lookup results", found)

    axe_report = _report(found)

    vnu = subprocess.run(
        [JAVA, "-jar", str(VNU), "--errors-only", "--format", "json", "--exit-zero-always", str(html_dir)],
        capture_output=True, text=True, timeout=300,
    )
    messages = json.loads(vnu.stderr or vnu.stdout)["messages"]
    vnu_report = sorted({
        f"{Path(m.get('url', '')).name}:{m.get('lastLine', '?')}: {m['message']}  «{m.get('extract', '').strip()[:120]}»"
        for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"
    })

    assert not axe_report and not vnu_report, (
        f"axe (WCAG 2.1 AA): {len(axe_report)} violations\n  " + "\n  ".join(axe_report)
        + f"\nNu HTML checker: {len(vnu_report)} errors\n  " + "\n  ".join(vnu_report)
    )
