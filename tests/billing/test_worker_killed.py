"""Issue 14 §3: a Celery worker's process killed with SIGKILL in the middle of a bill run. The run is held
at its last building (another transaction holds a conflicting bill row there) after the first buildings
are billed and committed; the pool process running it is killed; the task is re-delivered (late
acknowledgement, rejected on worker loss), runs again in a new process and finishes — every unit billed
exactly once."""

import datetime
import os
import signal
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

import psutil
import pytest
from django.db import connections
from django.utils import timezone

from billing.models import Bill, BillRun
from billing.selectors.runs import run_buildings
from core.models import Role
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory
from tests.processes import child_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
NOV = datetime.date(2026, 11, 1)


def _wait(check, seconds, what, log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what} not within {seconds} s\n{log.read_text(errors='replace')[-3000:]}")


def test_a_bill_run_survives_its_worker_process_being_killed(community_a, users, fee_items, tmp_path):
    for name in ("1", "2", "3"):
        entrance = EntranceFactory(building=BuildingFactory(community=community_a, name=name), name="1")
        for floor in range(1, 5):
            OccupancyFactory(unit__entrance=entrance, unit__number=f"{floor}01", unit__area=Decimal("80.00"))
    buildings = run_buildings(community_a, None)
    last = buildings[-1]
    units = list(community_a.buildings.get(pk=last).entrances.get().units.order_by("pk"))

    # another transaction holds a bill for a unit of the last building, uncommitted: the run waits there
    blocker_wrapper = connections.create_connection("default")
    blocker = blocker_wrapper.get_new_connection(blocker_wrapper.get_connection_params())
    with blocker.cursor() as cursor:
        cursor.execute(
            "INSERT INTO billing_bill (community_id, building_id, unit_id, fee_item_id, period, source, source_ref,"
            " description, quantity, unit_price, amount, paid, waived, outstanding, due_date, created_at)"
            " VALUES (%s, %s, %s, %s, %s, 'run', '', '', 1, 1, 1, 0, 0, 1, %s, now())",
            [community_a.pk, last, units[0].pk, fee_items["property"].pk, NOV, NOV])

    queue = f"test-worker-killed-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    with open(log, "wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "-c", "1", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info"],
            cwd=ROOT, env=child_env(), stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(lambda: " ready." in log.read_text(errors="replace"), 90, "the worker ready", log)
        from billing.tasks import bill_run

        run = BillRun.objects.create(community=community_a, period=NOV, created_by=users[Role.MANAGER])
        bill_run.apply_async(args=[run.pk], queue=queue)

        def held_at_the_last_building():
            run.refresh_from_db()
            return run.status == BillRun.Status.RUNNING and run.steps_done == len(buildings)  # charges + 2 buildings

        _wait(held_at_the_last_building, 60, "the run held at its last building", log)
        billed_before = Bill.objects.filter(bill_run=run).count()
        assert billed_before == 8  # the first two buildings' units, committed

        (child,) = psutil.Process(worker.pid).children()
        os.kill(child.pid, signal.SIGKILL)  # the pool process dies mid-task
        _wait(lambda: "WorkerLostError" in log.read_text(errors="replace")
              or "Process 'ForkPoolWorker" in log.read_text(errors="replace"), 30, "the loss noticed", log)
        blocker.rollback()  # the other transaction gives up its row: the re-delivered task can finish

        def done():
            run.refresh_from_db()
            return run.status == BillRun.Status.DONE

        _wait(done, 90, "the re-delivered run finished", log)
    finally:
        blocker.close()
        worker.terminate()
        worker.wait(20)
    bills = Bill.objects.filter(community=community_a, period=NOV, fee_item=fee_items["property"])
    assert bills.count() == 12  # every unit once: nothing doubled, nothing missed
    assert bills.values("unit").distinct().count() == 12
    assert run.finished_at and run.finished_at <= timezone.now()
