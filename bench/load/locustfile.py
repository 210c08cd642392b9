"""The role flows of a busy morning (issue 14 §1), one locust user class per role, through the real pages:
every form is read from the page it is on (CSRF token, ``form_token``, hidden fields) and posted back.

Run by ``bench/load/run.py`` (which starts the servers); by hand against a running server:

    LOAD_DATA=bench/out/load-data.json locust -f bench/load/locustfile.py --host http://127.0.0.1:8000 \\
        --headless --users 50 --spawn-rate 5 --run-time 5m

``LOAD_DATA`` is the file ``bench/load/generate.py`` writes (logins by role, what the desk types, units with
open bills). The server runs the production settings behind no proxy: each request says
``X-Forwarded-Proto: https`` (what nginx sends), and the cookie jar sends the ``Secure`` cookies over the
plain connection. A POST counts as done only when it answers with a redirect (a form shown again with
its errors is a failure, its first error in the message). Think time 3–8 s between the steps of a flow.

- clerk: lookup (room code, name fragment, phone tail or plate) → unit page → log a repair → dispatch it
  to an engineer → the board (a lookup with one match redirects to the unit page: its time includes it);
- cashier: lookup of a unit with open bills → counter → pay its two oldest bills → receipt → receipt PDF;
- engineer (a phone's user agent): my work → the ticket → accept → arrive → complete;
- supervisor: the duty day page → the corrections queue → approve a void;
- manager: repairs statistics, collection rate, arrears, the duty supervisor page and, when the
  server has it (answers 200 once at the start), the daily summary ``/frontdesk/summary/``.
"""

import itertools
import json
import os
import random
import re
from decimal import Decimal
from html import unescape
from html.parser import HTMLParser
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, between, task

DATA = json.loads(Path(os.environ.get("LOAD_DATA", Path(__file__).resolve().parents[1] / "out" / "load-data.json"))
                  .read_text(encoding="utf-8"))
PHONE_UA = ("Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0 Mobile Safari/537.36")
# each role's logins taken in turn across the communities: user 1 of every community first, then user 2 …
LOGINS = {role: sorted(logins, key=lambda login: (int(login["username"].rsplit("_", 1)[1]), login["community"]))
          for role, logins in DATA["logins"].items()}
_next_login = {role: itertools.count() for role in LOGINS}
# a unit is paid by one cashier at a time; a random start, so that a second run takes other units first
_next_owing = {c: itertools.count(random.randrange(1000)) for c in DATA["communities"]}
# tickets and voids some user is working on (all users run in this one process): two engineers sharing a
# login, or two supervisors of one community, do not race for the same one (the loser's error is correct,
# but it is not what a morning looks like)
_claimed: dict[str, set[str]] = {"ticket": set(), "void": set()}
UNIT_LINK = re.compile(r'href="/frontdesk/units/(\d+)/"')


def _send_secure_cookies_over_http(policy, cookie, request):
    return True


# The Secure session and CSRF cookies go back over http: the bench talks to gunicorn directly, as nginx would.
# On the policy class, because requests merges the session's cookies into a new jar (default policy) per request.
DefaultCookiePolicy.return_ok_secure = _send_secure_cookies_over_http


class Forms(HTMLParser):
    """Every <form> of a page: its action and the values a browser would send without a click."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "method": (a.get("method") or "get").lower(),
                          "fields": [], "selects": {}}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self._form["fields"].append((a["name"], a.get("value") or ("on" if kind == "checkbox" else "")))
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["selects"][self._select] = {"options": [], "selected": None}
        elif tag == "option" and self._select:
            select = self._form["selects"][self._select]
            select["options"].append(a.get("value", ""))
            if "selected" in a:
                select["selected"] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._form["fields"].append((a["name"], ""))

    def handle_data(self, data):
        if self._textarea and self._form:
            name, value = self._form["fields"][-1]
            self._form["fields"][-1] = (name, value + data)

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._form = None

    def find(self, action):
        """The POST form whose action matches the regular expression ``action`` ("" is the page's own URL)."""
        for form in self.forms:
            if form["method"] == "post" and re.fullmatch(action, form["action"]):
                fields = list(form["fields"])
                for name, select in form["selects"].items():
                    values = [v for v in select["options"] if v]
                    chosen = select["selected"] if select["selected"] is not None else (values[0] if values else "")
                    fields.append((name, chosen))
                return fields, form
        return None, None


def first_error(html):
    found = re.search(r'class="[^"]*(?:invalid-feedback|alert-danger|errorlist)[^"]*"[^>]*>\s*(?:<[^>]+>\s*)*([^<]{1,160})',
                      html)
    return unescape(found.group(1)).strip() if found else "no redirect"


class StaffUser(HttpUser):
    abstract = True
    role = ""
    wait_time = between(3, 8)
    user_agent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"

    def on_start(self):
        origin = "https://" + urlsplit(self.host).netloc
        self.client.headers.update({"X-Forwarded-Proto": "https", "Origin": origin, "Referer": origin + "/",
                                    "Accept-Language": "zh-CN", "User-Agent": self.user_agent})
        logins = LOGINS[self.role]
        self.login = logins[next(_next_login[self.role]) % len(logins)]
        self.community = str(self.login["community"])
        self.data = DATA["communities"][self.community]
        page = self.get("/login/", "login page")
        fields, _form = Forms(page.text).find(r"|/login/.*")
        values = dict(fields or [])
        values.update(username=self.login["username"], password=DATA["password"])
        self.post("/login/", values, "login")

    # --- helpers -------------------------------------------------------------------------------

    def get(self, url, name, **kwargs):
        with self.client.get(url, name=name, catch_response=True, **kwargs) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif "/login/" in urlsplit(response.url).path and "login" not in name:
                response.failure("sent to the login page")
        return response

    def post(self, url, data, name):
        """POST ``data`` (pairs or a dict); success is a redirect. Returns the redirect's target or None."""
        with self.client.post(url, data=data, name=name, allow_redirects=False, catch_response=True) as response:
            if response.status_code in (301, 302, 303):
                return response.headers["Location"]
            response.failure(f"HTTP {response.status_code}: {first_error(response.text)}")
        return None

    def submit(self, page, action, name, url=None, **override):
        """Fill the form ``action`` (a regex) of ``page`` as read, with ``override``, and post it."""
        fields, form = Forms(page.text).find(action)
        if fields is None:
            return None
        values = {}
        for key, value in fields:
            values.setdefault(key, []).append(value)
        for key, value in override.items():
            values[key] = value if isinstance(value, list) else [value]
        target = url or form["action"] or urlsplit(page.url).path
        return self.post(target, [(k, v) for k, vs in values.items() for v in vs], name)

    def lookup(self, kind, q):
        """The lookup page; the units it leads to (a single match redirects to the unit page)."""
        response = self.get(f"/frontdesk/lookup/?q={q}", f"lookup: {kind}")
        path = urlsplit(response.url).path
        if m := re.fullmatch(r"/frontdesk/units/(\d+)/", path):
            return [int(m.group(1))], True
        return [int(pk) for pk in UNIT_LINK.findall(response.text)], False


class Clerk(StaffUser):
    role = "clerk"
    weight = 3

    @task
    def repair_call(self):
        kind, q = random.choice([("room", random.choice(self.data["rooms"])),
                                 ("name", random.choice(self.data["names"])),
                                 ("phone tail", random.choice(self.data["phone_tails"])),
                                 ("plate", random.choice(self.data["plates"]))])
        units, on_unit_page = self.lookup(kind, q)
        self.wait()
        if not units:  # nobody by that name: the caller gives the room
            units, on_unit_page = self.lookup("room", random.choice(self.data["rooms"]))
        if not units:
            return
        unit = random.choice(units)
        if not on_unit_page:
            self.get(f"/frontdesk/units/{unit}/", "unit page")
        self.wait()
        page = self.get(f"/repairs/new/?unit={unit}", "repair form")
        _fields, form = Forms(page.text).find(r"|/repairs/new/.*")
        categories = [v for v in (form or {"selects": {}})["selects"].get("category", {}).get("options", []) if v]
        if not categories:
            return
        ticket = self.submit(page, r"|/repairs/new/.*", "log a repair", url=f"/repairs/new/?unit={unit}",
                             kind="repair", channel="phone", contact_name="业主", contact_phone="13800138000",
                             category=random.choice(categories), description=random.choice(REPAIRS), urgency="normal",
                             dispatch_to="", unit=str(unit))
        match = re.search(r"/repairs/tickets/(\d+)/", ticket or "")
        if not match:
            return
        pk = match.group(1)
        self.wait()
        page = self.get(f"/repairs/tickets/{pk}/dispatch/", "dispatch form")
        engineers = [v for f in Forms(page.text).forms for v in f["selects"].get("dispatch_to", {}).get("options", [])
                     if v.startswith("u")]
        if engineers:
            self.submit(page, r"|.*/dispatch/", "dispatch", url=f"/repairs/tickets/{pk}/dispatch/",
                        dispatch_to=random.choice(engineers))
        self.wait()
        self.get("/repairs/", "board")


class Cashier(StaffUser):
    role = "cashier"
    weight = 2

    @task
    def take_payment(self):
        owing = self.data["owing_units"]
        for _attempt in range(5):  # a unit paid up by an earlier run has nothing left: the next one
            unit, room = owing[next(_next_owing[self.community]) % len(owing)]
            self.lookup("room", room)
            self.wait()
            page = self.get(f"/billing/counter/?unit={unit}", "counter")
            if boxes := re.findall(r'name="bills" value="(\d+)" data-outstanding="([\d.]+)"', page.text):
                break
        else:
            return
        pay = boxes[:2]  # listed oldest first
        amount = sum((Decimal(v) for _pk, v in pay), Decimal("0"))
        self.wait()
        receipt = self.submit(page, rf"/billing/units/{unit}/pay/", "pay two bills",
                              bills=[pk for pk, _v in pay], amount=str(amount), method="cash", payer_name="业主")
        match = re.search(r"/billing/receipts/(\d+)/", receipt or "")
        if not match:
            return
        self.get(f"/billing/receipts/{match.group(1)}/", "receipt page")
        self.get(f"/billing/receipts/{match.group(1)}/receipt.pdf", "receipt PDF")


class Engineer(StaffUser):
    role = "engineer"
    weight = 2
    user_agent = PHONE_UA

    @task
    def job(self):
        page = self.get("/repairs/work/", "my work")
        tickets = sorted(set(re.findall(r'href="/repairs/work/(\d+)/"', page.text)) - _claimed["ticket"])
        if not tickets:
            return
        pk = random.choice(tickets)
        _claimed["ticket"].add(pk)
        try:
            self.work_on(pk)
        finally:
            _claimed["ticket"].discard(pk)

    def work_on(self, pk):
        self.wait()
        page = self.get(f"/repairs/work/{pk}/", "work ticket")
        for move in ("accept", "arrive"):
            if f"/repairs/work/{pk}/{move}/" not in page.text:
                continue
            if not self.submit(page, rf"/repairs/work/{pk}/{move}/", move):
                return
            self.wait()
            page = self.get(f"/repairs/work/{pk}/", "work ticket")
        if f"/repairs/work/{pk}/complete/" not in page.text:
            return
        page = self.get(f"/repairs/work/{pk}/complete/", "complete form")
        self.wait()
        self.submit(page, r"|.*/complete/", "complete", url=f"/repairs/work/{pk}/complete/",
                    work_done="更换水龙头阀芯，试水正常", materials="阀芯 1 个", labour_minutes="30",
                    owner_confirmation="业主")


class Supervisor(StaffUser):
    role = "supervisor"
    weight = 1

    @task
    def morning(self):
        self.get("/duty/", "duty day page")
        self.wait()
        page = self.get("/billing/corrections/", "corrections queue")
        pending = sorted(set(re.findall(r'action="/billing/corrections/(\d+)/decide/"', page.text)) - _claimed["void"])
        if not pending:
            return
        pk = random.choice(pending)
        _claimed["void"].add(pk)
        try:
            self.get(f"/billing/corrections/{pk}/", "correction page")
            self.wait()
            self.submit(page, rf"/billing/corrections/{pk}/decide/", "approve a void", decision="approve")
        finally:
            _claimed["void"].discard(pk)


class Manager(StaffUser):
    role = "manager"
    weight = 1

    def on_start(self):
        super().on_start()
        with self.client.get("/frontdesk/summary/", name="daily summary (probe)", catch_response=True) as response:
            self.has_summary = response.status_code == 200
            if response.status_code == 404:  # not merged yet: the flow leaves it out
                response.success()
            elif not self.has_summary:
                response.failure(f"HTTP {response.status_code}")

    @task
    def statistics(self):
        self.get("/repairs/stats/", "repairs statistics")
        self.wait()
        self.get("/billing/collection/", "collection rate")
        self.wait()
        self.get("/billing/arrears/", "arrears")
        self.wait()
        self.get("/duty/supervisor/", "duty review")
        if self.has_summary:
            self.wait()
            self.get("/frontdesk/summary/", "daily summary")


REPAIRS = ["厨房水龙头漏水", "卫生间下水道堵塞", "客厅灯不亮", "插座没电", "入户门锁芯坏了", "窗户关不严", "阳台地漏返味"]
