"""Batches: an upload stored as ``MEDIA_ROOT/imports/<uuid>.<ext>`` with its JSON sidecar; found, purged."""

from __future__ import annotations

import datetime
import json
import os
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from core.text import clean_text
from frontdesk.models import Community
from frontdesk.scoping import community_ids

from .columns import Kind
from .files import Sheet, file_extension, read_sheet


class BatchNotFound(Exception):
    pass


@dataclass
class Batch:
    id: str
    community_id: int
    kind: str
    user_id: int
    original_name: str
    ext: str
    created_at: str
    status: str = "uploaded"  # uploaded -> imported
    imported_at: str = ""
    result_url: str = ""
    counts: dict = field(default_factory=dict)

    UPLOADED = "uploaded"
    IMPORTED = "imported"

    @staticmethod
    def directory() -> Path:
        return Path(settings.MEDIA_ROOT) / "imports"

    @property
    def data_path(self) -> Path:
        return self.directory() / f"{self.id}.{self.ext}"

    @property
    def meta_path(self) -> Path:
        return self.directory() / f"{self.id}.json"

    @property
    def preview_path(self) -> Path:
        return self.directory() / f"{self.id}.preview.json"

    @property
    def is_imported(self) -> bool:
        return self.status == self.IMPORTED

    @property
    def community(self) -> Community:
        return Community.objects.get(pk=self.community_id)

    def kind_label(self):
        return Kind.label(self.kind)

    def read(self) -> bytes:
        return self.data_path.read_bytes()

    def sheet(self) -> Sheet:
        return read_sheet(self.read(), self.ext, self.kind)

    def mark_imported(self, *, url: str, counts: dict) -> None:
        """The sidecar says the batch was imported (after the commit; the database stays the truth)."""
        self.status, self.imported_at, self.result_url = self.IMPORTED, timezone.now().isoformat(), url
        self.counts = dict(counts)
        self.save()

    def save(self) -> None:
        tmp = self.meta_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.meta_path)  # atomic: a reader never sees half a sidecar

    @classmethod
    def load(cls, batch_id) -> Batch:
        try:
            key = str(uuid.UUID(str(batch_id)))
            data = json.loads((cls.directory() / f"{key}.json").read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            raise BatchNotFound(batch_id) from exc
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def batch_create(*, community, kind: str, name: str, data: bytes, actor) -> Batch:
    """Store an upload that passed ``read_sheet`` (the caller checked it) and return its batch."""
    batch = Batch(
        id=str(uuid.uuid4()), community_id=community.pk, kind=kind, user_id=actor.pk,
        original_name=clean_text(Path(name).name)[:200], ext=file_extension(name), created_at=timezone.now().isoformat(),
    )
    Batch.directory().mkdir(parents=True, exist_ok=True)
    batch.data_path.write_bytes(data)
    batch.save()
    return batch


def batch_get(*, batch_id, user) -> Batch:
    """The user's own batch, in a community they still work in; anything else is BatchNotFound (a 404)."""
    batch = Batch.load(batch_id)
    if batch.user_id != user.pk or batch.community_id not in community_ids(user) or not batch.data_path.exists():
        raise BatchNotFound(batch_id)
    return batch


@dataclass
class PurgedBatch:
    id: str
    created_at: datetime.datetime
    files: list[Path]
    original_name: str = ""  # empty when the sidecar was missing or unreadable
    kind: str = ""
    status: str = ""


def batch_purge(*, older_than: datetime.timedelta, dry_run: bool = False) -> list[PurgedBatch]:
    """Delete the batches uploaded longer than ``older_than`` ago: the upload, its sidecar and its kept
    check (they hold ID numbers and phones). A batch without a readable sidecar goes by its files'
    modification time. Only ``<uuid>.*`` files are touched. Returns what was (or would be) deleted."""
    directory = Batch.directory()
    if not directory.is_dir():
        return []
    groups: dict[str, list[Path]] = {}
    for path in directory.iterdir():
        key = path.name.split(".", 1)[0]
        try:
            if str(uuid.UUID(key)) != key:
                continue
        except ValueError:
            continue
        if path.is_file():
            groups.setdefault(key, []).append(path)
    cutoff = timezone.now() - older_than
    purged = []
    for key, paths in sorted(groups.items()):
        try:
            batch = Batch.load(key)
            entry = PurgedBatch(id=key, created_at=datetime.datetime.fromisoformat(batch.created_at), files=paths,
                                original_name=batch.original_name, kind=batch.kind, status=batch.status)
            if timezone.is_naive(entry.created_at):
                entry.created_at = timezone.make_aware(entry.created_at)
        except (BatchNotFound, TypeError, ValueError):
            try:
                newest = max(path.stat().st_mtime for path in paths)
            except OSError:  # deleted meanwhile
                continue
            entry = PurgedBatch(id=key, created_at=datetime.datetime.fromtimestamp(newest, tz=datetime.UTC),
                                files=paths)
        if entry.created_at >= cutoff:
            continue
        if not dry_run:
            for path in paths:
                path.unlink(missing_ok=True)
        purged.append(entry)
    return purged
