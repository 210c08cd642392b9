"""Issue 14 §3: PostgreSQL going away under a running app server. gunicorn (a real process, persistent
connections as in production) reaches the database through a TCP relay the test can cut: while it is cut,
a page answers 503 with a Chinese "temporarily unavailable" page and no traceback; when the relay is back,
the same gunicorn serves the page again by itself (no restart: Django's connection health checks)."""

import contextlib
import os
import select
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from core.models import Role
from tests.processes import free_port

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


class Relay:
    """Forwards 127.0.0.1:<port> to the test database (TCP or the embedded server's unix socket).
    ``cut()`` closes the listener and every open connection, as a database restart does."""

    def __init__(self, target):
        self.target = target  # ("unix", path) or ("tcp", (host, port))
        self.port = free_port()
        self._stop = threading.Event()
        self._sockets: list[socket.socket] = []
        self._thread = None

    def _connect(self):
        kind, address = self.target
        upstream = socket.socket(socket.AF_UNIX if kind == "unix" else socket.AF_INET, socket.SOCK_STREAM)
        upstream.connect(address)
        return upstream

    def start(self):
        self._stop.clear()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._sockets = [listener]
        self._thread = threading.Thread(target=self._serve, args=(listener,), daemon=True)
        self._thread.start()

    def _serve(self, listener):
        pairs: dict[socket.socket, socket.socket] = {}
        while not self._stop.is_set():
            readable, _, _ = select.select([listener, *pairs], [], [], 0.1)
            for sock in readable:
                if sock is listener:
                    client, _ = listener.accept()
                    upstream = self._connect()
                    pairs[client], pairs[upstream] = upstream, client
                    self._sockets += [client, upstream]
                    continue
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if data:
                    pairs[sock].sendall(data)
                else:
                    other = pairs.pop(sock)
                    pairs.pop(other, None)
                    sock.close()
                    other.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def cut(self):
        self._stop.set()
        self._thread.join(5)


def _target():
    db = connection.settings_dict
    # the embedded server is reached by its socket directory, which django-environ puts in OPTIONS["host"]
    host = db.get("HOST") or db.get("OPTIONS", {}).get("host") or "/var/run/postgresql"
    port = int(db.get("PORT") or 5432)
    if host.startswith("/"):
        return "unix", f"{host}/.s.PGSQL.{port}"
    return "tcp", (host, port)


def _stop(server) -> str:
    server.terminate()
    return server.communicate(timeout=10)[0].decode(errors="replace")[-3000:]


def _get(url, cookie):
    request = urllib.request.Request(url, headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
                                                   "Accept-Language": "zh-CN"})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.read().decode(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_a_database_outage_answers_503_in_chinese_and_recovers_without_a_restart(client, users):
    client.force_login(users[Role.CLERK])
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    relay = Relay(_target())
    relay.start()
    db = connection.settings_dict
    port = free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "TEST_DB_CONN_MAX_AGE": "600",
           "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{relay.port}/{db['NAME']}"}
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi", "-b", f"127.0.0.1:{port}",
                               "-w", "1", "--threads", "2", "--timeout", "30"],
                              cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(200):
            try:
                status, html, _ = _get(url, cookie)
                break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        # the clerk's desk, read through the relay
        assert status == 200 and "lookup-box" in html, html[:300] + _stop(server)

        relay.cut()  # PostgreSQL goes away: the open connection drops, new ones are refused
        status, html, headers = _get(url, cookie)
        assert status == 503, html[:500]
        assert "服务暂时不可用" in html and "Traceback" not in html and "OperationalError" not in html
        assert headers.get("Retry-After") == "15"

        relay.start()  # the database is back: the same gunicorn worker reconnects by itself
        status, html, _ = _get(url, cookie)
        assert status == 200 and "lookup-box" in html
        assert server.poll() is None  # never restarted
    finally:
        server.terminate()
        server.wait(10)
        relay.cut()
