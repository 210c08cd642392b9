"""purge_imports: old uploads (they hold ID numbers) are deleted with their sidecar and kept check;
recent ones, other files and anything with --dry-run stay."""

import datetime
import io
import json
import os
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from frontdesk.imports import batches

ROWS = "房号,身份,姓名,证件号码\r\n3-2-1502,住户,李娜,11010519850312002X\r\n".encode("utf-8-sig")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def make_batch(community, user, *, days_ago: float, name="业主.csv", checked=True) -> batches.Batch:
    batch = batches.batch_create(community=community, kind="people", name=name, data=ROWS, actor=user)
    batch.created_at = (timezone.now() - datetime.timedelta(days=days_ago)).isoformat()
    batch.save()
    if checked:
        batch.preview_path.write_text("{}", encoding="utf-8")
    return batch


def files_of(batch) -> set[str]:
    return {p.name for p in batches.Batch.directory().glob(f"{batch.id}.*")}


def purge(*args) -> str:
    out = io.StringIO()
    call_command("purge_imports", *args, stdout=out)
    return out.getvalue()


def test_old_batches_are_removed_and_recent_ones_kept(community_a, clerk):
    old = make_batch(community_a, clerk, days_ago=8, name="老名单.csv")
    imported = make_batch(community_a, clerk, days_ago=30, checked=False)
    imported.status = batches.Batch.IMPORTED
    imported.save()
    recent = make_batch(community_a, clerk, days_ago=6)
    assert len(files_of(old)) == 3
    other = batches.Batch.directory() / "README.txt"
    other.write_text("not a batch")

    output = purge()
    assert files_of(old) == set() and files_of(imported) == set()
    assert files_of(recent) == {f"{recent.id}.csv", f"{recent.id}.json", f"{recent.id}.preview.json"}
    assert other.exists()
    assert f"Removed {old.id}: 老名单.csv (people, uploaded" in output and "3 file(s)" in output
    assert f"Removed {imported.id}: 业主.csv (people, imported" in output
    assert recent.id not in output
    assert "Removed 2 batch(es), 5 file(s), uploaded more than 7 day(s) ago." in output
    with pytest.raises(batches.BatchNotFound):
        batches.batch_get(batch_id=old.id, user=clerk)


def test_days_and_dry_run(community_a, clerk):
    batch = make_batch(community_a, clerk, days_ago=8)
    assert "Nothing to remove: no import batch is older than 30 day(s)." in purge("--days", "30")
    output = purge("--dry-run")
    assert f"Would remove {batch.id}" in output and len(files_of(batch)) == 3
    assert f"Removed {batch.id}" in purge("--days", "7")
    assert files_of(batch) == set()
    with pytest.raises(CommandError):
        purge("--days", "-1")


def test_files_without_a_readable_sidecar_go_by_their_age(community_a, clerk):
    directory = batches.Batch.directory()
    directory.mkdir(parents=True, exist_ok=True)
    orphan, broken, fresh = (str(uuid.uuid4()) for _ in range(3))
    (directory / f"{orphan}.xlsx").write_bytes(b"PK")  # the sidecar was never written
    (directory / f"{broken}.csv").write_bytes(ROWS)
    (directory / f"{broken}.json").write_text(json.dumps({"id": broken}))  # unreadable as a batch
    (directory / f"{fresh}.csv").write_bytes(ROWS)
    ten_days_ago = (timezone.now() - datetime.timedelta(days=10)).timestamp()
    for path in [directory / f"{orphan}.xlsx", directory / f"{broken}.csv", directory / f"{broken}.json"]:
        os.utime(path, (ten_days_ago, ten_days_ago))

    output = purge()
    assert sorted(p.name for p in directory.iterdir()) == [f"{fresh}.csv"]
    assert f"Removed {orphan}: (no readable sidecar" in output and f"Removed {broken}: (no readable sidecar" in output


def test_nothing_uploaded_yet():
    assert "Nothing to remove" in purge()
