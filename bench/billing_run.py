"""Time a month's bill run over every unit of the billing bench database, with its peak memory.

    python bench/billing_run.py [--period 2026-12] [--database-url URL] [--keep]

Database: ``fd_bench_billing`` (see bench/billing_generate.py: 100k units, bills up to 2026-11). For
each community a ``BillRun`` row is created here (as ``bill_run_start`` would, without queueing the
Celery task) and ``billing.services.runs.bill_run_execute`` is called synchronously — the work the
worker does, committed building by building as in production. Then the same month is run again (new
BillRun rows): it must create nothing. Afterwards the bills and runs this bench made are deleted
(``--keep`` leaves them), so the data set stays as generated.

Memory: each scale runs in its own child process, which reports its RSS high-water mark
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``) before and after the run: first one community
(~20k units), then all of them (100k units). A set-based run keeps the peak flat as units grow.
Target: 100k units in ≤ 60 s with constant memory. Exit status 1 when it is missed (``--no-fail``).
"""

import argparse
import datetime
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from billing_generate import CASHIER, DEFAULT_DB
from db import bench_url, setup_django_for_timing

TARGET_S = 60.0


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--period", default="2026-12", help="YYYY-MM, a month not billed yet (default 2026-12)")
    p.add_argument("--database-url", default=None)
    p.add_argument("--keep", action="store_true", help="keep the bills the run made")
    p.add_argument("--no-fail", action="store_true")
    p.add_argument("--child", choices=["one", "all"], help=argparse.SUPPRESS)
    return p.parse_args(argv)


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kilobytes


def run_all(communities, period, actor):
    """One run per community, executed now; returns (seconds, bills created, amount, per community)."""
    from billing.models import BillRun
    from billing.services.runs import bill_run_execute

    per = []
    t0 = time.perf_counter()
    for c in communities:
        t = time.perf_counter()
        run = BillRun.objects.create(community=c, period=period, created_by=actor)
        run = bill_run_execute(run.pk)
        assert run.status == BillRun.Status.DONE, (run.status, run.error)
        per.append({"community": c.code, "seconds": time.perf_counter() - t, "bills": run.bills_created,
                    "amount": str(run.amount_created), "run": run.pk})
    return time.perf_counter() - t0, per


def child(args):
    setup_django_for_timing(bench_url(args.database_url, DEFAULT_DB), test_client=False)
    from django.contrib.auth import get_user_model
    from django.db import connection

    from billing.models import Bill
    from frontdesk.models import Community, Unit

    period = datetime.date.fromisoformat(f"{args.period}-01")
    actor = get_user_model().objects.get(username=CASHIER)
    communities = list(Community.objects.order_by("id"))
    if args.child == "one":
        communities = communities[:1]
    if Bill.objects.filter(period=period, community__in=communities).exists():
        sys.exit(f"{period:%Y-%m} is already billed in this database: choose another --period or regenerate.")
    units = Unit.objects.filter(community__in=communities, is_active=True).count()
    # warm up: imports, the ORM, connection, a preview's worth of catalogue reads
    from billing.selectors import runs

    runs.rate_table(community=communities[0], period=period, buildings=[], items=[])
    rss_before = maxrss_mb()
    try:
        seconds, per = run_all(communities, period, actor)
        rss_after = maxrss_mb()
        rerun_seconds, rerun = run_all(communities, period, actor)
        rss_rerun = maxrss_mb()
    finally:
        if not args.keep:  # the month was not billed before (checked above): remove all of it, even after a failure
            ids = [c.pk for c in communities]
            with connection.cursor() as cur:
                cur.execute("DELETE FROM billing_bill WHERE period = %s AND community_id = ANY(%s)", [period, ids])
                cur.execute("DELETE FROM billing_billrun WHERE period = %s AND community_id = ANY(%s)", [period, ids])
    print(json.dumps({"units": units, "seconds": seconds, "per": per, "rss_before": rss_before, "rss_after": rss_after,
                      "rerun_seconds": rerun_seconds, "rerun_bills": sum(p["bills"] for p in rerun),
                      "rss_rerun": rss_rerun, "load": os.getloadavg(),
                      "bills": sum(p["bills"] for p in per)}))


def main(argv=None):
    args = parse_args(argv)
    if args.child:
        return child(args)
    results = {}
    for scale in ("one", "all"):
        cmd = [sys.executable, __file__, "--child", scale, "--period", args.period]
        if args.database_url:
            cmd += ["--database-url", args.database_url]
        if args.keep and scale == "all":
            cmd.append("--keep")
        print(f"load average before ({scale}): {os.getloadavg()[0]:.2f}", flush=True)
        out = subprocess.run(cmd, capture_output=True, text=True)
        if out.returncode:
            sys.exit(f"the {scale} run failed:\n{out.stdout}{out.stderr}")
        results[scale] = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"bill run for {args.period}, one run per community, bill_run_execute called synchronously")
    print(f"  {'scale':<26}{'units':>8}{'bills':>9}{'run s':>8}{'rerun s':>9}{'rerun bills':>12}"
          f"{'RSS before':>12}{'peak RSS':>10}{'load':>6}")
    for scale, r in results.items():
        label = "one community" if scale == "one" else "all communities"
        print(f"  {label:<26}{r['units']:>8,}{r['bills']:>9,}{r['seconds']:>8.1f}{r['rerun_seconds']:>9.1f}"
              f"{r['rerun_bills']:>12}{r['rss_before']:>10.0f}MB{max(r['rss_after'], r['rss_rerun']):>8.0f}MB"
              f"{r['load'][0]:>6.2f}")
    for r in results["all"]["per"]:
        print(f"    {r['community']}: {r['bills']:,} bills, ¥{r['amount']}, {r['seconds']:.1f} s")
    one, everything = results["one"], results["all"]
    growth = (everything["rss_after"] - everything["rss_before"]) - (one["rss_after"] - one["rss_before"])
    print(f"  peak RSS growth during the run: {one['rss_after'] - one['rss_before']:.1f} MB at {one['units']:,} units, "
          f"{everything['rss_after'] - everything['rss_before']:.1f} MB at {everything['units']:,} units")
    missed = everything["seconds"] > TARGET_S or everything["rerun_bills"] != 0 or growth > 50
    print(f"  target ≤ {TARGET_S:.0f} s for all units with constant memory: {'MISSED' if missed else 'met'}")
    if missed and not args.no_fail:
        sys.exit(1)


if __name__ == "__main__":
    main()
