"""The export jobs' writes: create one (a double-click makes one), run it (idempotent: a second prompt
for a running or finished job does nothing), queue again the ones whose prompt was lost, expire old files."""

import datetime
import logging
from io import BytesIO

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.exports import exporter, write_xlsx
from core.models import ExportJob

logger = logging.getLogger(__name__)

# a job still "queued" this long after it was created lost its prompt (Redis was down): queue it again
REQUEUE_AFTER = datetime.timedelta(minutes=2)
# a job "running" this long was on a worker that died without its task being re-delivered: run it again
STALE_RUNNING = datetime.timedelta(minutes=30)


def job_create(*, user, kind: str, query: str, export, rows_total: int) -> ExportJob:
    """Record the job and queue its task once the transaction commits."""
    from core.queueing import enqueue_on_commit
    from core.tasks import export_run

    now = timezone.now()
    job = ExportJob.objects.create(
        user=user, kind=kind, params=query, title=str(export.title), filename=export.filename,
        community_ids=list(export.community_ids), rows_total=rows_total,
        expires_at=now + datetime.timedelta(hours=settings.EXPORT_KEEP_HOURS))
    enqueue_on_commit(export_run, str(job.pk))
    return job


def _claim(job_id) -> ExportJob | None:
    with transaction.atomic():
        job = ExportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            return None
        stale = timezone.now() - STALE_RUNNING
        if not (job.status == ExportJob.Status.QUEUED
                or (job.status == ExportJob.Status.RUNNING and job.started_at and job.started_at < stale)):
            return None
        job.status = ExportJob.Status.RUNNING
        job.started_at = timezone.now()
        job.rows_done = 0
        job.save(update_fields=["status", "started_at", "rows_done"])
        return job


def job_run(job_id) -> str:
    """Build the job's file. Returns its status after this run ("skipped" when another run has it)."""
    from django.http import QueryDict

    job = _claim(job_id)
    if job is None:
        return "skipped"
    try:
        entry = exporter(job.kind)
        if entry is None:
            raise LookupError(f"no export registered as {job.kind!r}")
        export = entry.build(job.user, QueryDict(job.params))
        buffer = BytesIO()

        def progress(done):
            ExportJob.objects.filter(pk=job.pk).update(rows_done=done)

        written = write_xlsx(buffer, export.headers, export.rows(), progress=progress)
    except Exception as exc:  # noqa: BLE001 - any failure is recorded on the job and shown to the user
        logger.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.FAILED, error=repr(exc)[:2000],
                                                   finished_at=timezone.now())
        return ExportJob.Status.FAILED
    data = buffer.getvalue()
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.DONE, content=data, size=len(data), rows_done=written,
        rows_total=written, finished_at=timezone.now())
    return ExportJob.Status.DONE


def jobs_sweep(*, now) -> dict:
    """The beat's export sweep: queue again the jobs whose prompt was lost, and clear expired files
    (the job row stays, marked expired: who exported what, and when, is kept)."""
    from core.queueing import enqueue_on_commit
    from core.tasks import export_run

    requeued = 0
    lost = ExportJob.objects.filter(status=ExportJob.Status.QUEUED, created_at__lt=now - REQUEUE_AFTER)
    stuck = ExportJob.objects.filter(status=ExportJob.Status.RUNNING, started_at__lt=now - STALE_RUNNING)
    for pk in list(lost.values_list("pk", flat=True)) + list(stuck.values_list("pk", flat=True)):
        enqueue_on_commit(export_run, str(pk))
        requeued += 1
    expired = ExportJob.objects.filter(expires_at__lte=now).exclude(status=ExportJob.Status.EXPIRED).exclude(
        status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]).update(
        status=ExportJob.Status.EXPIRED, content=None)
    return {"requeued": requeued, "expired": expired}

