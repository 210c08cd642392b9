"""Issue 15 item 2.3 in the browser: every role walks its main pages on the demo data under the strict
Content-Security-Policy (the test settings send it, like production) and not one script, style or
handler is refused; no page script fails; the behaviour that moved out of the templates still works
(lookup via htmx, charts, auto-submitting selects, the confirm before copying a roster, the signature
pad). Item 4: the engineer's phone pages fit 390 px and the landing page has 我的工单 one tap away."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from billing.models import Bill
from core.models import User
from frontdesk.demo import PASSWORD
from frontdesk.models import Building, Community, Unit
from repairs.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}

# Before any page script: every refused resource is kept for the test to read.
RECORD_VIOLATIONS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""

# The elements that stick out on the right (to say what overflows when the width check fails).
WIDEST = """() => Array.from(document.querySelectorAll("body *"))
  .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map((el) => el.tagName + "." + el.className + " " + Math.round(el.getBoundingClientRect().right)).slice(0, 8)"""


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 (closed with the process)


class Walker:
    """One signed-in browser tab that records CSP violations, page errors and console errors."""

    def __init__(self, page, live_server):
        self.page, self.base, self.problems = page, live_server.url, []
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: page error {error}"))
        page.on("console", self._console)

    def _console(self, message):
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            self.problems.append(f"{self.page.url}: {message.text}")

    def login(self, username):
        self.page.goto(f"{self.base}/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", PASSWORD)
        self.page.locator("main form button[type=submit]").click()
        self.page.wait_for_selector("#lookup-box")

    def check(self):
        self.page.wait_for_load_state("load")
        for violation in self.page.evaluate("window.__csp || []"):
            self.problems.append(f"{self.page.url}: CSP violation {violation}")

    def visit(self, path):
        response = self.page.goto(self.base + path)
        assert response.status < 400, (path, response.status)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        self.check()

    def chart_drawn(self, canvas_id):
        return self.page.evaluate(f"() => !!(window.Chart && Chart.getChart(document.getElementById('{canvas_id}')))")


@pytest.fixture
def walker(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 800})
    return Walker(page, live_server)


def _ids():
    ch = Community.objects.get(code="CH")
    unit = Unit.objects.filter(entrance__building__community=ch).order_by("pk").first()
    ticket = Ticket.objects.filter(community=ch).order_by("pk").first()
    building = Building.objects.filter(community=ch).order_by("pk").first()
    bill_unit = Bill.objects.filter(unit__entrance__building__community=ch, outstanding__gt=0).order_by("pk").first().unit
    return ch, unit, ticket, building, bill_unit


def test_every_role_walks_its_main_pages_without_a_csp_violation(demo, walker, live_server):
    ch, unit, ticket, building, bill_unit = _ids()
    page = walker.page

    # The clerk: the lookup (htmx under the policy), the unit page, the repairs board, intake, a ticket.
    walker.login("clerk")
    walker.check()
    page.locator("#lookup-box").press_sequentially(unit.code, delay=20)
    expect(page.locator("#lookup-results a.lookup-item").first).to_be_visible()
    for path in [f"/frontdesk/units/{unit.pk}/", "/frontdesk/units/", "/repairs/", f"/repairs/new/?unit={unit.pk}",
                 f"/repairs/tickets/{ticket.pk}/", "/repairs/callbacks/", "/repairs/overdue/"]:
        walker.visit(path)
    # the duty log: picking a day sends the form (was onchange="this.form.submit()")
    walker.visit("/duty/")
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page.locator("input[type=date][name=date]").fill(yesterday)
    page.wait_for_url(re.compile(f"date={yesterday}"))
    walker.check()
    # the satisfaction survey (issue 13 §6): the demo's survey in progress, its results (the progress bar, arrows)
    from frontdesk.models import Survey

    current = Survey.objects.filter(community__code="CH", closed_at__isnull=True).get()
    for path in ["/frontdesk/surveys/", f"/frontdesk/surveys/{current.pk}/", f"/frontdesk/surveys/{current.pk}/results/"]:
        walker.visit(path)

    # The engineer: my tickets, a ticket, its completion page with the signature pad.
    engineer = User.objects.get(username="engineer")
    mine = Ticket.objects.filter(assignee=engineer).exclude(status__in=["completed", "closed", "cancelled"])
    walker.page.context.clear_cookies()
    walker.login("engineer")
    walker.visit("/repairs/work/")
    for t in mine.order_by("pk")[:3]:
        walker.visit(f"/repairs/work/{t.pk}/")
    on_site = mine.filter(status="on_site").first()
    if on_site:
        walker.visit(f"/repairs/work/{on_site.pk}/complete/")
        page.locator("#signature-pad").scroll_into_view_if_needed()
        box = page.locator("#signature-pad").bounding_box()
        page.mouse.move(box["x"] + 20, box["y"] + 20)
        page.mouse.down()
        page.mouse.move(box["x"] + 80, box["y"] + 60)
        page.mouse.up()
        page.wait_for_timeout(100)
        assert page.locator("#id_owner_signature").input_value().startswith("M")

    # The cashier: the counter, a unit's bills (ticking updates the total), the close, the meter grid.
    page.context.clear_cookies()
    walker.login("cashier")
    for path in ["/billing/counter/", f"/billing/units/{bill_unit.pk}/", "/billing/close/", "/billing/receipts/",
                 f"/billing/meters/?building={building.pk}"]:
        walker.visit(path)
    walker.visit(f"/billing/units/{bill_unit.pk}/")
    boxes = page.locator("input.bill-box")
    if boxes.count() > 1:
        boxes.first.uncheck()
        expect(page.locator("#id_amount")).not_to_have_value("")

    # The supervisor: duty log, a roster grid to edit (next-but-one month), spot check, repair stats chart.
    page.context.clear_cookies()
    walker.login("supervisor")
    month = (timezone.localdate().replace(day=1) + datetime.timedelta(days=62)).replace(day=1)
    for path in ["/duty/", "/duty/supervisor/", "/duty/spot-checks/new/", "/duty/roster/",
                 f"/duty/roster/{ch.pk}/{month.year}/{month.month}/", "/billing/corrections/"]:
        walker.visit(path)
    walker.visit(f"/duty/roster/{ch.pk}/{month.year}/{month.month}/")
    # the copy button asks first (was onclick="return confirm(…)"): dismissing it sends nothing
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    page.locator("form[action$='/copy/'] button[type=submit]").click()
    page.wait_for_timeout(300)
    assert asked and page.url.endswith(f"/{month.year}/{month.month}/")
    cell = page.locator("#roster-grid input.cell").first
    if cell.count():
        cell.focus()
        page.keyboard.press("ArrowRight")
        assert page.evaluate("document.activeElement.classList.contains('cell')")
    walker.visit("/repairs/stats/")
    assert walker.chart_drawn("chart-periods")

    # The manager: collection rate chart, bill runs, stats.
    page.context.clear_cookies()
    walker.login("manager")
    walker.visit("/billing/collection/")
    assert walker.chart_drawn("chart-collection")
    for path in ["/billing/runs/", "/repairs/stats/", "/repairs/manage/", "/billing/setup/fees/", "/duty/"]:
        walker.visit(path)

    assert walker.problems == []


def test_the_engineers_pages_fit_a_phone_and_my_tickets_is_one_tap_from_home(demo, page, live_server):
    page.set_viewport_size(PHONE)
    walker = Walker(page, live_server)
    walker.login("engineer")
    # the landing page: a big 我的工单 button in the page itself (not behind the collapsed menu)
    button = page.locator("main a.home-shortcut[href$='/repairs/work/']")
    expect(button).to_be_visible()
    button.click()
    page.wait_for_url(f"{live_server.url}/repairs/work/")
    engineer = User.objects.get(username="engineer")
    tickets = Ticket.objects.filter(assignee=engineer).order_by("pk")
    assert tickets.exists()
    for path in ["/", "/repairs/work/", *(f"/repairs/work/{t.pk}/" for t in tickets[:6])]:
        walker.visit(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], (path, width, page.evaluate(WIDEST))
    assert walker.problems == []
