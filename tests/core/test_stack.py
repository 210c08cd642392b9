"""scripts/stack.py's skip logic: a restart of ./scripts/run with nothing changed skips migrate, the demo
check, Django's system checks and compilemessages; any change that matters makes them run again."""

import importlib.util
import os
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def _load(name):
    spec = importlib.util.spec_from_file_location(f"scripts_{name}", ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


stack = _load("stack")


def _put(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_migrations_digest_follows_the_migration_files(tmp_path):
    migration = _put(tmp_path / "billing" / "migrations" / "0001_initial.py", "operations = []\n")
    first = stack._migrations_digest(tmp_path)
    assert stack._migrations_digest(tmp_path) == first
    _put(tmp_path / "billing" / "models.py", "x = 1\n")  # not a migration
    _put(tmp_path / "var" / "migrations" / "0001_x.py", "")  # under var/: not the project's
    assert stack._migrations_digest(tmp_path) == first
    migration.write_text("operations = [1]\n")
    second = stack._migrations_digest(tmp_path)
    assert second != first
    _put(tmp_path / "duty" / "migrations" / "0002_more.py", "")
    assert stack._migrations_digest(tmp_path) not in (first, second)


def test_demo_digest_follows_the_demo_loaders(tmp_path):
    demo = _put(tmp_path / "billing" / "demo.py", "A = 1\n")
    first = stack._demo_digest(tmp_path)
    demo.write_text("A = 2\n")
    assert stack._demo_digest(tmp_path) != first


def test_source_digest_follows_code_and_templates_but_not_the_venv_or_var(tmp_path):
    _put(tmp_path / "core" / "views.py", "x = 1\n")
    template = _put(tmp_path / "templates" / "base.html", "<p></p>\n")
    first = stack._source_digest(tmp_path)
    _put(tmp_path / ".venv" / "lib" / "site.py", "")
    _put(tmp_path / ".venv313" / "lib" / "site.py", "")
    _put(tmp_path / "var" / "x.py", "")
    _put(tmp_path / "core" / "__pycache__" / "views.py", "")
    assert stack._source_digest(tmp_path) == first
    template.write_text("<p>1</p>\n")
    assert stack._source_digest(tmp_path) != first


def test_stamp_matches_only_its_key(tmp_path):
    path = tmp_path / "run" / "seed.json"
    assert stack._read_stamp(path, "k") is None  # never written
    key = stack._stamp_key("digest", "db")
    stack._write_stamp(path, key, accounts="  clerk  前台客服 · 陈静")
    assert stack._read_stamp(path, key) == {"key": key, "accounts": "  clerk  前台客服 · 陈静"}
    assert stack._read_stamp(path, stack._stamp_key("digest", "another db")) is None
    assert stack._read_stamp(path, stack._stamp_key("changed digest", "db")) is None
    path.write_text("{not json")
    assert stack._read_stamp(path, key) is None


def test_stale_catalogues_are_the_po_files_newer_than_their_mo(tmp_path):
    po = _put(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po", 'msgid ""\n')
    assert stack.stale_catalogues(tmp_path) == [po]  # no .mo yet
    mo = _put(po.with_suffix(".mo"), "")
    os.utime(po, (1_000_000, 1_000_000))
    os.utime(mo, (2_000_000, 2_000_000))
    assert stack.stale_catalogues(tmp_path) == []
    os.utime(po, (3_000_000, 3_000_000))  # edited after the last compile
    assert stack.stale_catalogues(tmp_path) == [po]


@pytest.mark.django_db
def test_database_identity_changes_when_migrations_are_applied():
    with connection.cursor() as cur:
        first = stack._db_identity_from(cur)
        assert stack._db_identity_from(cur) == first
        cur.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('x', '0001_elsewhere', now())")
        assert stack._db_identity_from(cur) != first


def test_a_full_run_is_spread_over_every_core_unless_the_caller_chose(monkeypatch):
    monkeypatch.setattr(stack, "_test_workers", lambda: 2)
    assert stack._parallel_args([]) == (["-n", "2", "--dist", "loadgroup"], "xdist-2")
    assert stack._parallel_args(["tests/core", "-x"]) == (["-n", "2", "--dist", "loadgroup", "tests/core", "-x"],
                                                          "xdist-2")
    assert stack._parallel_args(["--dist", "load"]) == (["-n", "2", "--dist", "load"], "xdist-2")
    for chosen, databases in ((["-n", "3"], "xdist-3"), (["-n3"], "xdist-3"), (["--numprocesses=auto"], "xdist-auto"),
                              (["-n", "0"], "serial"), (["-p", "no:xdist"], "serial"), (["-pno:xdist"], "serial")):
        assert stack._parallel_args(chosen) == (chosen, databases)
    monkeypatch.setattr(stack, "_test_workers", lambda: 1)
    assert stack._parallel_args(["-x"]) == (["-x"], "serial")  # one core: no workers to start


def test_each_set_of_test_databases_has_its_own_migrations_stamp(tmp_path, monkeypatch):
    monkeypatch.setattr(stack, "VAR", tmp_path)
    monkeypatch.delenv("CI", raising=False)
    assert stack._test_database_args([], "serial")[0] == "--create-db"  # never built
    assert stack._test_database_args([], "serial")[0] == "--reuse-db"
    assert stack._test_database_args([], "xdist-2")[0] == "--create-db"  # the workers' databases: not yet
    assert stack._test_database_args([], "xdist-2")[0] == "--reuse-db"
    assert stack._test_database_args([], "serial")[0] == "--reuse-db"
    monkeypatch.setenv("CI", "true")
    assert stack._test_database_args([], "xdist-2")[0] == "--create-db"
    assert stack._test_database_args(["--reuse-db"], "xdist-2") == ["--reuse-db"]
