"""manage.py backup → manage.py restore_check on the test data: the restored copy is verified, and a
damaged backup, a missing row or a failing app check is reported (and fails the command)."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.backup import DUMP, MANIFEST, backup_create, backups, restore_check
from core.integrity import IntegrityCheck, register_integrity_check, unregister_integrity_check
from core.models import Notification

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "restore_check"])


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "photos").mkdir(parents=True)
    (tmp_path / "media" / "photos" / "before.jpg").write_bytes(b"\xff\xd8 a photo")
    return tmp_path / "media"


def test_backup_then_restore_check_passes(tmp_path, media, unit_a, clerk):
    Notification.objects.create(user=clerk, title="备份前的一条通知")
    out = StringIO()
    call_command("backup", dir=str(tmp_path / "b"), stdout=out)
    folder = Path(out.getvalue().split("backup written: ")[1].strip())
    manifest = json.loads((folder / MANIFEST).read_text())
    assert manifest["tables"]["core_notification"] == 1
    assert manifest["tables"]["frontdesk_unit"] >= 1
    assert manifest["media_files"] == 1
    assert any("no_update_delete" in t for t in manifest["triggers"])  # the append-only guards are recorded

    out = StringIO()
    call_command("restore_check", dir=str(tmp_path / "b"), stdout=out)
    text = out.getvalue()
    assert "restore check passed" in text
    assert "1 个上传文件可读" in text and "触发器" in text


def test_rotation_keeps_the_newest(tmp_path, media):
    import datetime

    for day in (1, 2, 3):
        backup_create(directory=tmp_path, keep=2,
                      now=datetime.datetime(2026, 12, day, 12, 0, tzinfo=datetime.UTC))
    assert [p.name[:8] for p in backups(tmp_path)] == ["20261202", "20261203"]
    assert not list(tmp_path.glob(".*.partial"))


def test_a_damaged_dump_fails(tmp_path, media):
    folder = backup_create(directory=tmp_path, keep=3)
    with open(folder / DUMP, "r+b") as fh:
        fh.seek(100)
        fh.write(b"XXXX")
    report = restore_check(directory=tmp_path)
    assert not report.ok and "校验和" in report.problems[0]
    with pytest.raises(CommandError):
        call_command("restore_check", dir=str(tmp_path), stdout=StringIO())


def test_a_row_count_that_differs_is_reported(tmp_path, media, clerk):
    Notification.objects.create(user=clerk, title="一条")
    folder = backup_create(directory=tmp_path, keep=3)
    manifest = json.loads((folder / MANIFEST).read_text())
    manifest["tables"]["core_notification"] = 2  # as if a row had been lost on the way
    (folder / MANIFEST).write_text(json.dumps(manifest))
    report = restore_check(directory=tmp_path)
    assert any("core_notification" in p and "备份时 2" in p and "恢复后 1" in p for p in report.problems)


def test_app_checks_run_against_the_restored_copy(tmp_path, media, clerk):
    Notification.objects.create(user=clerk, title="恢复后可见")
    seen = {}

    def check(using):
        seen["titles"] = list(Notification.objects.using(using).values_list("title", flat=True))
        return [] if seen["titles"] == ["恢复后可见"] else ["通知不对"]

    register_integrity_check(IntegrityCheck(key="zz-test", label="测试检查", run=check))
    try:
        backup_create(directory=tmp_path, keep=3)
        Notification.objects.all().delete()  # the live database changes; the restored copy must not
        assert restore_check(directory=tmp_path).ok
        assert seen["titles"] == ["恢复后可见"]
        register_integrity_check(IntegrityCheck(key="zz-test", label="测试检查", run=lambda using: ["序号 3 缺失"]))
        report = restore_check(directory=tmp_path)
        assert report.problems == ["测试检查：序号 3 缺失"]
    finally:
        unregister_integrity_check("zz-test")
