"""The load bench's data set (issue 14 §1): units, bills, tickets and duty entries in ONE database, the
staff the role flows log in as, and the work they act on.

    python bench/load/generate.py              # 100k units, 24 months of bills (2.4M unit-months), 1M tickets,
                                               # ~100k duty entries; ~10 minutes on a quiet 2-core machine
    python bench/load/generate.py --small      # 5k units, 6 months, 50k tickets, ~33k duty entries (a few minutes)

Database ``fd_bench_load`` on the server named by ``DATABASE_URL`` (or ``--database-url``); it is DROPPED and
recreated. Nothing is copied from the other generators, they are called in turn on this one database:

1. ``bench/billing_generate.py`` — ``bench/generate.py``'s units, people, vehicles and parking, then the
   fee items and ``--months`` months of bills, receipts (gapless) and voids;
2. ``bench/repairs_generate.py --reuse`` — categories, teams and ``--tickets`` tickets with their clocks;
3. ``bench/duty_log.py``'s generator — the hash-chained duty log (``--duty-years`` × ``--duty-per-day``
   entries) in the first community.

Then, through the services (so with history rows and the real checks), per community: the load's staff
(``load_<role>_<community code>_<n>``, password ``bench-2026``; clerks, cashiers, engineers in the
community's 工程部, supervisors, managers), ``--work`` repairs dispatched to each load engineer (the
engineers' flow accepts, arrives and completes them) and ``--voids`` void requests from a load cashier
(the supervisors' flow approves them). Finally the logins by role and, per
community, what the clerks and cashiers type (room codes, name fragments, phone tails, plate fragments)
and units with at least two open bills, in ``bench/out/load-data.json``: ``bench/load/run.py`` hands it to
the locustfile.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import billing_generate  # noqa: E402
import duty_log  # noqa: E402
import repairs_generate  # noqa: E402
from db import bench_url  # noqa: E402

DEFAULT_DB = "fd_bench_load"
DATA_FILE = ROOT / "bench" / "out" / "load-data.json"  # bench/out/ is not committed
PASSWORD = "bench-2026"
# logins per community and role: the locust users of a role share them (each its own session)
STAFF = {"clerk": 4, "cashier": 3, "engineer": 4, "supervisor": 2, "manager": 1}
STAFF_NAMES = {"clerk": "前台", "cashier": "收银", "engineer": "工程", "supervisor": "主管", "manager": "经理"}
SAMPLES = 200  # of each kind of lookup query, and of units with open bills, per community


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--small", action="store_true", help="5k units, 6 months, 50k tickets, one year of duty log")
    p.add_argument("--units", type=int)
    p.add_argument("--months", type=int)
    p.add_argument("--tickets", type=int)
    p.add_argument("--duty-years", type=int)
    p.add_argument("--duty-per-day", type=int, default=90)
    p.add_argument("--communities", type=int, default=5)
    p.add_argument("--work", type=int, default=25, help="repairs dispatched to each load engineer (default 25)")
    p.add_argument("--voids", type=int, default=60, help="void requests waiting per community (default 60)")
    p.add_argument("--reuse", action="store_true",
                   help="keep the data set; only add the staff, their work and write the data file again")
    p.add_argument("--resume", action="store_true",
                   help="keep the units, bills and tickets (a run stopped after them); make the duty log and the rest")
    p.add_argument("--database-url", default=None, help=f"default: {DEFAULT_DB} on $DATABASE_URL's server")
    args = p.parse_args(argv)
    small = {"units": 5_000, "months": 6, "tickets": 50_000, "duty_years": 1}
    full = {"units": 100_000, "months": 24, "tickets": 1_000_000, "duty_years": 3}
    for key, value in (small if args.small else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def load_staff(communities):
    """{role: [username, ...]} plus {community_id: {role: [User, ...]}}."""
    from django.contrib.auth import get_user_model

    from repairs.models import Team

    User = get_user_model()
    logins, by_community = {role: [] for role in STAFF}, {}
    for c in communities:
        by_community[c.pk] = {}
        for role, n in STAFF.items():
            users = []
            for i in range(1, n + 1):
                username = f"load_{role}_{c.code.lower()}_{i}"
                user = User.objects.filter(username=username).first()
                if user is None:
                    user = User(username=username, role=role, full_name=f"{c.name}{STAFF_NAMES[role]}{i}")
                    user.set_password(PASSWORD)
                    user.save()
                user.communities.set([c])
                users.append(user)
                logins[role].append({"username": username, "community": c.pk})
            by_community[c.pk][role] = users
        team = Team.objects.get(community=c, name="工程部")
        team.members.add(*by_community[c.pk]["engineer"])
    return logins, by_community


def engineer_work(c, staff, per_engineer, rng):
    """Repairs logged by a load clerk and dispatched to each load engineer (ticket_intake, as the intake form)."""
    from frontdesk.models import Unit
    from repairs.models import Category, Ticket
    from repairs.services.intake import ticket_intake

    units = list(Unit.objects.filter(community=c).order_by("?").values_list("pk", flat=True)[: per_engineer * 8])
    categories = list(Category.objects.filter(community=c, is_active=True))
    clerk = staff["clerk"][0]
    n = 0
    for engineer in staff["engineer"]:
        for _ in range(per_engineer):
            unit = Unit.objects.get(pk=rng.choice(units))
            ticket_intake(community=c, kind=Ticket.Kind.REPAIR, category=rng.choice(categories), assignee=engineer,
                          actor=clerk, channel=Ticket.Channel.PHONE, unit=unit, contact_name="业主",
                          contact_phone="13800138000", description=rng.choice(repairs_generate.REPAIR_TEXT))
            n += 1
    return n


def void_requests(c, staff, n, rng):
    """``n`` void requests on this community's latest receipts, by a load cashier, waiting for approval."""
    from billing.models import Correction, Receipt
    from billing.services.corrections import correction_request

    receipts = (Receipt.objects.filter(community=c, void__isnull=True).exclude(corrections__status="pending")
                .order_by("-pk")[: n * 3])
    made = 0
    for receipt in rng.sample(list(receipts), min(n, len(receipts))):
        correction_request(kind=Correction.Kind.VOID, community=c, actor=staff["cashier"][0], receipt=receipt,
                           reason="收据金额录入错误，作废重开")
        made += 1
    return made


def samples(c, rng):
    """What the clerks and cashiers of community ``c`` type, drawn from its data."""
    from django.db.models import Count, Q

    from billing.models import Bill
    from frontdesk.models import Person, Unit, Vehicle

    def some(qs, k=SAMPLES):
        ids = sorted(qs.order_by().values_list("pk", flat=True))
        return rng.sample(ids, min(k, len(ids)))

    rooms = list(Unit.objects.filter(pk__in=some(Unit.objects.filter(community=c, entrance__isnull=False)))
                 .values_list("code", flat=True))
    people = list(Person.objects.filter(pk__in=some(Person.objects.filter(community=c), SAMPLES * 2))
                  .values_list("name", "phone"))
    plates = list(Vehicle.objects.filter(pk__in=some(Vehicle.objects.filter(community=c, is_active=True)))
                  .values_list("plate", flat=True))
    owing = (Bill.objects.filter(community=c, outstanding__gt=0).values("unit_id")
             .annotate(n=Count("pk", filter=Q(outstanding__gt=0))).filter(n__gte=2).values_list("unit_id", flat=True))
    candidates = sorted(owing.order_by())
    owing = rng.sample(candidates, min(SAMPLES * 5, len(candidates)))
    codes = dict(Unit.objects.filter(pk__in=owing).values_list("pk", "code"))
    return {
        "rooms": rooms,
        "names": [name[: rng.choice((1, 2, 2, 3))] for name, _phone in people],
        "phone_tails": [phone[-4:] for _name, phone in people if phone][:SAMPLES],
        "plates": [p[: rng.randint(4, 6)] for p in plates],
        "owing_units": [[pk, codes[pk]] for pk in owing],  # (unit, room code): each paid by one cashier at a time
    }


def main(argv=None):
    args = parse_args(argv)
    url = bench_url(args.database_url, DEFAULT_DB)
    t0 = time.perf_counter()
    if args.reuse or args.resume:
        os.environ["DATABASE_URL"] = url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        import django

        django.setup()
    else:
        billing_generate.main(["--units", str(args.units), "--months", str(args.months),
                               "--communities", str(args.communities), "--database-url", url])
        repairs_generate.main(["--reuse", "--units", str(args.units), "--tickets", str(args.tickets),
                               "--communities", str(args.communities), "--database-url", url])
    from django.db import connection, transaction

    from frontdesk.models import Community

    communities = list(Community.objects.order_by("pk"))
    if not args.reuse:
        t1 = time.perf_counter()  # the duty log goes into the first of our communities
        duty_log.generate(SimpleNamespace(years=args.duty_years, per_day=args.duty_per_day, busy=400, batch=5000,
                                          community=communities[0].code))
        print(f"duty log in {time.perf_counter() - t1:.1f} s")

    rng = random.Random(2026)
    t1 = time.perf_counter()
    with transaction.atomic():
        logins, staff = load_staff(communities)
    data = {"generated": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), "password": PASSWORD,
            "logins": logins, "communities": {}}
    for c in communities:
        with transaction.atomic():
            work = engineer_work(c, staff[c.pk], args.work, rng)
        with transaction.atomic():
            voids = void_requests(c, staff[c.pk], args.voids, rng)
        data["communities"][str(c.pk)] = samples(c, rng)
        print(f"  {c.name}: {work} repairs dispatched to the load engineers, {voids} voids waiting")
    with connection.cursor() as cur:
        for table in ("repairs_ticket", "billing_correction", "duty_dutylogentry"):
            cur.execute(f"VACUUM (ANALYZE) {table}")
    DATA_FILE.parent.mkdir(parents=True, exist_ok=True)
    DATA_FILE.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"staff and work in {time.perf_counter() - t1:.1f} s; {DATA_FILE.relative_to(ROOT)} written; "
          f"TOTAL {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
