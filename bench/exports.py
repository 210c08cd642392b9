"""The people export at scale (issue 14 §5): the whole archive as one background export job.

    .venv/bin/python bench/exports.py --database-url postgres://postgres@127.0.0.1:5432/fd_bench_NAME [--limit N]

On a copy of the bench data (never fd_bench_load itself: it adds one admin user and export jobs). Times
1. "joined": the rows as the list's old prefetch read them (occupancies joined to rooms, buildings and entrances
   in one query per chunk) into the write-only workbook, and 2. "job": ``core.services.exports.job_run`` (the
   Celery task's body: split prefetch, progress every 500 rows, the file stored in the job row). Prints seconds,
rows, file size and the process's peak memory after each.
"""

import argparse
import resource
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.db import setup_django_for_timing  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--mode", choices=["joined", "job"], required=True, help="one per process (peak memory)")
    args = parser.parse_args()
    setup_django_for_timing(args.database_url, test_client=False)

    from django.http import QueryDict

    from core.exports import write_xlsx
    from core.models import ExportJob, Role, User
    from core.services.exports import job_create, job_run
    from frontdesk.selectors.people import person_list
    from frontdesk.views.exports import people_export

    user, _ = User.objects.get_or_create(username="bench_export_admin", defaults={"role": Role.ADMIN})
    export = people_export(user, QueryDict(""))
    total = export.queryset.count()
    print(f"people: {total}; peak memory at start {peak_mb():.0f} MB", flush=True)
    if args.mode == "joined":
        joined = person_list(user=user)  # the list's queryset: one joined prefetch query per chunk
        started = time.perf_counter()
        buffer = BytesIO()
        rows = write_xlsx(buffer, export.headers, _rows(joined, user))
        print(f"joined: {time.perf_counter() - started:.1f} s, {rows} rows, {len(buffer.getvalue()) / 1e6:.1f} MB, "
              f"peak memory {peak_mb():.0f} MB", flush=True)
        return
    job = job_create(user=user, kind="frontdesk.people", query="", export=export, rows_total=total)
    started = time.perf_counter()
    status = job_run(job.pk)
    job = ExportJob.objects.defer("content").get(pk=job.pk)
    print(f"job: {time.perf_counter() - started:.1f} s, {status}, {job.rows_done} rows, {job.size / 1e6:.1f} MB, "
          f"peak memory {peak_mb():.0f} MB", flush=True)


def _rows(people, user):
    from core import privacy

    for p in people.iterator(chunk_size=2000):
        yield (p.community.name, p.name, privacy.display(user, privacy.PHONE, p.phone), p.get_id_type_display(),
               privacy.mask_id_number(p.id_number),
               "、".join(f"{o.unit.label}({o.get_kind_display()})" for o in p.current_occupancies))


if __name__ == "__main__":
    main()
