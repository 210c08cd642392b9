"""Issue 14 §2, two of everything that can be two: two gunicorn instances on two ports, two Celery workers
and one beat, all real processes against the test PostgreSQL and Redis (their own queue), driven at once.

- receipts paid through both instances concurrently: gapless and unique, and one form submitted to both
  instances at the same moment makes one receipt;
- a photo uploaded through one instance is served by the other (a shared MEDIA_ROOT; docs/deployment.md);
- clocks coming due while both workers race for them (the ETA tasks and three sweeps): each breach
  e-mailed to the supervisor exactly once;
- a second beat started by mistake exits at once (core.beat's advisory lock) while the first runs on."""

import concurrent.futures
import io
import re
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db.models import Q
from django.test import Client

from billing.models import Receipt
from core.models import OutboundMessage, Role
from repairs.models import Category, Clock, TicketPhoto
from tests.processes import child_env, free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

PAYMENTS = 24

CLOCKS_SCRIPT = """
import django; django.setup()
import datetime, time
from django.db import transaction
from django.utils import timezone
from core.models import User
from frontdesk.models import Community
from repairs.services.clocks import clock_start
from repairs.tasks import clock_sweep
from tests.repairs.matrix_clocks import make_ticket

community, clerk = Community.objects.get(pk={community}), User.objects.get(pk={clerk})
now = timezone.now()
due = now + datetime.timedelta(seconds=6)
numbers = []
for _ in range(6):
    with transaction.atomic():
        ticket = make_ticket(community, actor=clerk, at=now - datetime.timedelta(minutes=3))
        clock_start(ticket=ticket, kind="dispatch", due_at=due, now=now - datetime.timedelta(minutes=3))
    numbers.append(ticket.number)
time.sleep(max(0.0, (due - timezone.now()).total_seconds()) + 0.2)
for _ in range(3):  # the beat's sweeper, fired while the ETA tasks fire: both workers race for the clocks
    clock_sweep.delay()
print(" ".join(numbers))
"""


class Stack:
    """The processes of this test, stopped (and their logs kept for a failure) at the end."""

    def __init__(self, tmp_path):
        self.env = child_env(TEST_DB_CONN_MAX_AGE="60", CELERY_QUEUE=f"test-scale-out-{uuid.uuid4().hex[:8]}",
                             MEDIA_ROOT=str(tmp_path / "media"))
        self.logs = tmp_path
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, name, args):
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self.procs[name]

    def log(self, name) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def web(self, name):
        port = free_port()
        self.start(name, [sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}",
                          "-w", "1", "--threads", "4", "--timeout", "60"])
        return f"http://127.0.0.1:{port}"

    def celery(self, name, *args):
        return self.start(name, [sys.executable, "-m", "celery", "-A", "config", *args])

    def wait_for(self, check, what, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if check():
                return
            time.sleep(0.3)
        raise AssertionError(f"{what} not within {seconds} s\n" + "\n".join(
            f"--- {name}\n{self.log(name)[-2000:]}" for name in self.procs))

    def stop(self):
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()


def _request(url, session, *, data=None, files=None, csrf="", timeout=30):
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}; {settings.CSRF_COOKIE_NAME}={csrf}",
               "Accept-Language": "zh-CN", "Referer": url}
    body = None
    if data is not None:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in {**data, "csrfmiddlewaretoken": csrf}.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, (filename, content, mime) in (files or {}).items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                         f"Content-Type: {mime}\r\n\r\n".encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers["Content-Type"] = f"multipart/form-data; boundary={boundary}"

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, data=body, headers=headers), timeout=timeout) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


def _up(url) -> bool:
    try:
        return _request(url + "/login/", "", timeout=5)[0] == 200
    except OSError:
        return False


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 80)).save(buf, "JPEG")
    return buf.getvalue()


def _session(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_two_web_instances_two_workers_one_beat(users, unit_a, tmp_path):
    cashier, clerk, supervisor = users[Role.CASHIER], users[Role.CLERK], users[Role.SUPERVISOR]
    supervisor.email = "supervisor@example.com"
    supervisor.save(update_fields=["email"])
    Category.objects.create(community=unit_a.community, name="水电")
    cashier_session, clerk_session = _session(cashier), _session(clerk)
    csrf = secrets.token_hex(16)  # a 32-character CSRF secret, sent as the cookie and the form field

    stack = Stack(tmp_path)
    try:
        web = [stack.web("web1"), stack.web("web2")]
        worker_args = ["worker", "--pool", "solo", "--without-gossip", "--without-mingle", "--without-heartbeat",
                       "-l", "info"]
        stack.celery("worker1", *worker_args, "-n", "w1@%h")
        stack.celery("worker2", *worker_args, "-n", "w2@%h")
        stack.celery("beat", "beat", "-l", "info", "-s", str(tmp_path / "beat-schedule"), "--pidfile=")
        stack.wait_for(lambda: all(_up(u) for u in web), "both web instances answering")
        stack.wait_for(lambda: " ready." in stack.log("worker1") and " ready." in stack.log("worker2"),
                       "both workers ready")

        # receipts through both instances at once: gapless, unique; one form sent to both at once: one receipt
        def pay(i, token=None):
            status, body, headers = _request(
                f"{web[i % 2]}/billing/units/{unit_a.pk}/pay/", cashier_session, csrf=csrf,
                data={"amount": "10.00", "method": "cash", "payer_name": "张建国", "prepay_rest": "on",
                      "form_token": token or uuid.uuid4().hex})
            assert status == 302 and "/billing/receipts/" in headers.get("Location", ""), (status, body[:400])
            return headers["Location"]

        same = uuid.uuid4().hex
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            locations = list(pool.map(pay, range(PAYMENTS)))
            twice = list(pool.map(lambda i: pay(i, same), range(2)))
        assert len(set(locations)) == PAYMENTS and twice[0] == twice[1]
        receipts = Receipt.objects.filter(community=unit_a.community)
        seqs = sorted(receipts.values_list("seq", flat=True))
        assert seqs == list(range(1, PAYMENTS + 2))  # no gap, no duplicate
        assert receipts.values("number").distinct().count() == PAYMENTS + 1

        # a photo uploaded through one instance is served by the other
        photo = _jpeg()
        status, body, headers = _request(
            f"{web[0]}/repairs/new/", clerk_session, csrf=csrf,
            data={"kind": "repair", "channel": "phone", "unit": unit_a.pk, "contact_name": "张建国",
                  "contact_phone": "13812345678", "category": Category.objects.get().pk,
                  "description": "卫生间漏水", "urgency": "normal", "form_token": uuid.uuid4().hex},
            files={"photos": ("leak.jpg", photo, "image/jpeg")})
        assert status == 302, body[:600]
        saved = TicketPhoto.objects.get()
        status, served, _ = _request(f"{web[1]}/repairs/tickets/photos/{saved.pk}/", clerk_session)
        assert status == 200 and served == photo

        # clocks due while two workers race (ETA tasks + three sweeps): each breach e-mailed exactly once
        script = CLOCKS_SCRIPT.format(community=unit_a.community_id, clerk=clerk.pk)
        result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=stack.env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-3000:]
        numbers = result.stdout.split()
        assert len(numbers) == 6

        def breach_mails(number):
            return OutboundMessage.objects.filter(Q(subject__contains=number) | Q(body__contains=number),
                                                  recipient=supervisor.email, status="sent").count()

        stack.wait_for(lambda: all(breach_mails(n) >= 1 for n in numbers), "every breach e-mailed")
        time.sleep(3)  # every racing prompt has had its turn
        assert {n: breach_mails(n) for n in numbers} == dict.fromkeys(numbers, 1)
        assert Clock.objects.filter(ticket__number__in=numbers, breached_at__isnull=False).count() == 6
        handled = stack.log("worker1") + stack.log("worker2")
        assert "repairs.tasks.clock_fire" in handled
        assert re.search(r"clock_sweep.*succeeded", handled)

        # a second beat started by mistake exits at once; the first one runs on
        second = stack.celery("beat2", "beat", "-l", "info", "-s", str(tmp_path / "beat2-schedule"), "--pidfile=")
        assert second.wait(90) == 3, stack.log("beat2")[-2000:]
        assert "Another Celery beat is already running" in stack.log("beat2")
        assert stack.procs["beat"].poll() is None, stack.log("beat")[-2000:]
    finally:
        stack.stop()
