"""Generate a benchmark data set of any size into a dedicated PostgreSQL database.

    python bench/generate.py --units 100000 --people 150000 --vehicles 60000 [--database-url URL]

By default the database is ``frontdesk_bench`` on the server named by ``DATABASE_URL``
(default ``postgres://postgres@127.0.0.1:5432/frontdesk_bench``). It is DROPPED and recreated,
migrated with the project's migrations, then filled with COPY (psycopg2 ``copy_expert``).
A database whose name does not contain "bench" is refused unless ``--force`` is given.

History: by default the pghistory row triggers are switched off for the load
(``SET session_replication_role = replica``, bench-only shortcut: it also skips the FK checks,
which is safe because every id is assigned here) and the "insert" event rows are then written
set-based (``INSERT INTO <model>event SELECT ... FROM <model>``), so the event tables end up
as full as if each row had been inserted through the ORM. ``--with-triggers`` keeps the
triggers on instead (slower; same result).

Deterministic: the same arguments and ``--seed`` give the same data (frontdesk.bench_data.DemoFaker).
"""

import argparse
import datetime
import io
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/frontdesk_bench"
BENCH_USERNAME = "bench"
BENCH_PASSWORD = "bench-2026"
# A fixed "today" keeps the data set identical from one run to the next.
TODAY = datetime.date(2026, 11, 22)

COMMUNITIES = [
    ("HY", "华苑新城", "深圳市南山区华苑路 1 号", "0755-26880001", "粤", "B"),
    ("LJ", "丽景湾", "广州市天河区丽景路 18 号", "020-38880002", "粤", "A"),
    ("SH", "上海花园", "上海市浦东新区花园路 66 号", "021-58880003", "沪", "A"),
    ("JY", "金域华府", "北京市海淀区金域路 9 号", "010-62880004", "京", "N"),
    ("CD", "锦城雅居", "成都市武侯区锦城大道 88 号", "028-85880005", "川", "A"),
    ("BY", "碧云天", "杭州市西湖区碧云路 3 号", "0571-88880006", "浙", "A"),
    ("XH", "西湖名苑", "武汉市武昌区西湖街 12 号", "027-88880007", "鄂", "A"),
    ("NJ", "金陵御府", "南京市鼓楼区御府路 5 号", "025-88880008", "苏", "A"),
]
# (entrances, floors, units per floor per entrance): high-rises of ~30 floors, a few mid-rises.
BUILDING_TYPES = [(2, 30, 2), (2, 30, 2), (3, 30, 2), (2, 32, 3), (1, 18, 4)]
OTHER_PLATES = [("粤", "B"), ("粤", "A"), ("湘", "A"), ("鄂", "A"), ("赣", "C"), ("桂", "A"), ("闽", "D"), ("川", "A"),
                ("苏", "E")]
CAR_DESCRIPTIONS = ["白色大众朗逸", "黑色丰田凯美瑞", "银色比亚迪汉", "红色特斯拉 Model 3", "灰色本田雅阁", "蓝色理想 L7",
                    "白色日产轩逸", "黑色奥迪 A6L", "白色蔚来 ES6", "银色别克 GL8"]
HEAVY_UNITS_PER_COMMUNITY = 10  # shared rentals with many current and past occupants: the unit page's worst case


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--units", type=int, default=100_000)
    p.add_argument("--people", type=int, default=150_000)
    p.add_argument("--vehicles", type=int, default=60_000)
    p.add_argument("--communities", type=int, default=5, help=f"1-{len(COMMUNITIES)} (default 5)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--database-url", default=None, help="target database (default: frontdesk_bench on $DATABASE_URL's server)")
    p.add_argument("--with-triggers", action="store_true", help="keep the pghistory triggers on during the load")
    p.add_argument("--force", action="store_true", help="allow resetting a database whose name lacks 'bench'")
    args = p.parse_args(argv)
    if not 1 <= args.communities <= len(COMMUNITIES):
        p.error(f"--communities must be between 1 and {len(COMMUNITIES)}")
    if args.units < args.communities:
        p.error("--units must be at least --communities")
    return args


def bench_url(explicit: str | None) -> str:
    if explicit:
        return explicit
    base = os.environ.get("DATABASE_URL")
    if not base:
        return DEFAULT_URL
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, "/frontdesk_bench", parts.query, ""))


def reset_database(url: str, force: bool):
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    dbname = parts.path.lstrip("/")
    if not dbname:
        sys.exit("The database URL names no database.")
    if "bench" not in dbname and not force:
        sys.exit(f"Refusing to reset {dbname!r}: its name does not contain 'bench' (use --force).")
    admin = psycopg2.connect(urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, "")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(dbname)))
        cur.execute(sql.SQL("CREATE DATABASE {} ENCODING 'UTF8' TEMPLATE template0").format(sql.Identifier(dbname)))
    admin.close()
    return dbname


# ---------------------------------------------------------------------------------------------
# COPY plumbing


def _enc(v) -> str:
    if v is None:
        return "\\N"
    if v is True:
        return "t"
    if v is False:
        return "f"
    if isinstance(v, str):
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return v
    if isinstance(v, (list, tuple)):
        return "{" + ",".join(_array_item(x) for x in v) + "}"
    if isinstance(v, (datetime.datetime, datetime.date)):
        return v.isoformat()
    return str(v)


def _array_item(x) -> str:
    # An element of a PostgreSQL array literal, itself inside a COPY text field.
    return '"' + str(x).replace("\\", "\\\\").replace('"', '\\"').replace("\\", "\\\\") + '"'


class Loader:
    def __init__(self, connection):
        self.connection = connection
        self.counts: dict[str, int] = {}
        self.now = datetime.datetime.now(datetime.UTC)

    def copy(self, model, columns: list[str], rows):
        """COPY ``rows`` (tuples in ``columns`` order, by field attname) into ``model``'s table.

        Columns the caller does not give get the model field's default (auto_now fields: now),
        so a field another engineer adds with a default does not break the generator.
        """
        table = model._meta.db_table
        with self.connection.cursor() as cur:
            db_cols = {c.name: c for c in self.connection.introspection.get_table_description(cur, table)}
            fields = {f.attname: f for f in model._meta.concrete_fields}
            cols = [fields[name].column for name in columns]
            missing = [c for c in cols if c not in db_cols]
            if missing:
                raise SystemExit(f"{table}: columns {missing} are not in the database (migrations behind the models?)")
            tail_cols, tail_vals = [], []
            for attname, f in fields.items():
                if attname in columns or f.column not in db_cols or f.primary_key:
                    continue
                if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                    value = self.now if isinstance(f, _DateTimeField) else self.now.date()
                else:
                    value = f.get_default()
                if value is None and (db_cols[f.column].null_ok or db_cols[f.column].default is not None):
                    continue
                tail_cols.append(f.column)
                tail_vals.append(value)
            tail = "".join("\t" + _enc(v) for v in tail_vals)
            buf = io.StringIO()
            n = 0
            for row in rows:
                buf.write("\t".join([_enc(v) for v in row]))
                buf.write(tail)
                buf.write("\n")
                n += 1
            buf.seek(0)
            quoted = ", ".join(f'"{c}"' for c in cols + tail_cols)
            cur.cursor.copy_expert(f'COPY "{table}" ({quoted}) FROM STDIN', buf)
        self.counts[table] = self.counts.get(table, 0) + n
        return n


_DateTimeField = None


# ---------------------------------------------------------------------------------------------
# The data


def split(total: int, parts: int) -> list[int]:
    base, rest = divmod(total, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


def birth_from_id(id_number: str):
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


class Generator:
    def __init__(self, args, loader):
        from frontdesk.bench_data import DemoFaker

        self.args = args
        self.loader = loader
        self.fake = DemoFaker(args.seed)
        self.rng = self.fake.rng
        self.ids = {}
        self.owner_row = {}  # (unit_id, person_id) -> index of the owner's occupancy row
        self.rows = {k: [] for k in ("community", "building", "entrance", "unit", "person", "occupancy", "authorization",
                                     "vehicle", "space")}

    def next_id(self, kind):
        self.ids[kind] = self.ids.get(kind, 0) + 1
        return self.ids[kind]

    # people -----------------------------------------------------------------------------------
    def person(self, community_id, *, kind, birth=(1950, 2004), phone_p=1.0):
        rng, fake = self.rng, self.fake
        pid = self.next_id("person")
        roll = rng.random()
        if roll < 0.975:
            id_type, id_number = "resident_id", fake.resident_id(*birth)
            birth_date = birth_from_id(id_number)
        elif roll < 0.99:
            id_type, id_number, birth_date = "hk_macau", f"H{pid:08d}", None
        else:
            id_type, id_number, birth_date = "passport", f"E{pid:08d}", None
        phone = fake.phone() if rng.random() < phone_p else ""
        phone_alt = fake.phone() if phone and rng.random() < 0.08 else ""
        email = f"user{pid}@example.com" if rng.random() < 0.05 else ""
        self.rows["person"].append((pid, community_id, fake.name(), phone, phone_alt, id_type, id_number, birth_date, email))
        return pid

    def occupancy(self, community_id, unit_id, person_id, kind, *, start, share=None, relationship="", end=None):
        oid = self.next_id("occupancy")
        if kind == "owner":
            self.owner_row[(unit_id, person_id)] = len(self.rows["occupancy"])
        self.rows["occupancy"].append((oid, community_id, unit_id, person_id, kind, share, relationship, start, end,
                                       "合同到期搬离" if end else ""))
        return oid

    def authorization(self, community_id, tenancy_id, owner_id, start, revoked=False):
        aid = self.next_id("authorization")
        end = start + datetime.timedelta(days=365)
        scopes = ["fees", "repairs", "services"] + (["renovation"] if self.rng.random() < 0.1 else [])
        self.rows["authorization"].append((aid, community_id, tenancy_id, owner_id, start, end, scopes, f"WT-{aid:06d}"))

    def build(self):
        a = self.args
        n = a.communities
        units_c, people_c, vehicles_c = split(a.units, n), split(a.people, n), split(a.vehicles, n)
        for i in range(n):
            code, name, address, phone, province, city = COMMUNITIES[i]
            cid = self.next_id("community")
            self.rows["community"].append((cid, name, code, address, phone))
            units = self.tree(cid, units_c[i])
            occupants = self.occupy(cid, units, people_c[i])
            self.park(cid, units, occupants, vehicles_c[i], province, city)

    def tree(self, cid, n_units):
        """Buildings of ~30 floors with entrances; returns [(unit_id, floor)]."""
        rng, fake = self.rng, self.fake
        units = []
        b = 0
        while len(units) < n_units:
            b += 1
            bid = self.next_id("building")
            self.rows["building"].append((bid, cid, str(b), b))
            entrances, floors, per_floor = rng.choice(BUILDING_TYPES)
            for e in range(1, entrances + 1):
                eid = self.next_id("entrance")
                self.rows["entrance"].append((eid, bid, str(e)))
                for floor in range(1, floors + 1):
                    for u in range(1, per_floor + 1):
                        if len(units) >= n_units:
                            break
                        uid = self.next_id("unit")
                        number = f"{floor}{u:02d}"
                        self.rows["unit"].append((uid, cid, bid, eid, number, floor, fake.area(), "residential",
                                                  f"{b}-{e}-{number}", True))
                        units.append(uid)
        return units

    def occupy(self, cid, units, people_budget):
        """Owners, co-owners, family residents, tenants (current and past). Uses exactly people_budget people.

        Returns {unit_id: [(person_id, kind)]} of current occupants."""
        rng = self.rng
        occupants: dict[int, list] = {}
        owners_of: dict[int, list] = {}
        sold = [u for u in units if rng.random() >= 0.04] or units[:1]
        heavy = rng.sample(sold, min(HEAVY_UNITS_PER_COMMUNITY, len(sold) // 50))
        heavy_people = sum(12 for _ in heavy)
        if people_budget - heavy_people < len(sold) * 0.5:
            heavy, heavy_people = [], 0
        # Primary owners: a new person per unit, except investors owning several units.
        distinct_owners = max(1, min(people_budget - heavy_people, round(len(sold) * 0.94)))
        owner_pool = []
        made = 0
        for idx, uid in enumerate(sold):
            start = TODAY - datetime.timedelta(days=rng.randint(60, 4000))
            if made < distinct_owners and (len(sold) - idx <= distinct_owners - made or rng.random() < 0.94 or not owner_pool):
                pid = self.person(cid, kind="owner", phone_p=0.98)
                made += 1
                owner_pool.append(pid)
            else:
                pid = rng.choice(owner_pool)
            self.occupancy(cid, uid, pid, "owner", start=start, share=Decimal("100.00"))
            owners_of[uid] = [(pid, start)]
            occupants[uid] = [(pid, "owner")]
        budget = people_budget - made
        # Shared rentals: 1 owner, 6 current tenants, 6 past tenants each.
        for uid in heavy:
            owner_id = owners_of[uid][0][0]
            for t in range(12):
                if budget <= 0:
                    break
                pid = self.person(cid, kind="tenant", birth=(1975, 2004))
                budget -= 1
                start = TODAY - datetime.timedelta(days=rng.randint(10, 1500))
                end = None if t < 6 else min(TODAY - datetime.timedelta(days=1),
                                             start + datetime.timedelta(days=rng.randint(90, 365)))
                oid = self.occupancy(cid, uid, pid, "tenant", start=start, end=end)
                self.authorization(cid, oid, owner_id, start)
                if end is None:
                    occupants[uid].append((pid, "tenant"))
        # Everyone else: co-owners, family members, tenants, past tenants.
        kinds = ["coowner", "resident", "tenant", "past_tenant"]
        weights = [0.30, 0.45, 0.17, 0.08]
        while budget > 0:
            uid = rng.choice(sold)
            kind = rng.choices(kinds, weights)[0]
            owner_id, owner_start = owners_of[uid][0]
            if kind == "coowner":
                if len(owners_of[uid]) > 1:
                    kind = "resident"
                else:
                    pid = self.person(cid, kind="owner", phone_p=0.9)
                    self.occupancy(cid, uid, pid, "owner", start=owner_start, share=Decimal("50.00"))
                    # The first owner's share becomes 50 %: rewrite their occupancy row.
                    self._halve_first_owner(uid, owner_id)
                    owners_of[uid].append((pid, owner_start))
                    occupants[uid].append((pid, "owner"))
            if kind == "resident":
                pid = self.person(cid, kind="resident", birth=(1940, 2020), phone_p=0.6)
                self.occupancy(cid, uid, pid, "resident", start=owner_start,
                               relationship=rng.choice(["spouse", "child", "child", "parent", "relative"]))
                occupants[uid].append((pid, "resident"))
            elif kind in ("tenant", "past_tenant"):
                pid = self.person(cid, kind="tenant", birth=(1970, 2004))
                start = TODAY - datetime.timedelta(days=rng.randint(10, 1500))
                end = None
                if kind == "past_tenant":
                    end = min(TODAY - datetime.timedelta(days=1), start + datetime.timedelta(days=rng.randint(90, 730)))
                oid = self.occupancy(cid, uid, pid, "tenant", start=start, end=end)
                if rng.random() < 0.8:
                    self.authorization(cid, oid, owner_id, start)
                if end is None:
                    occupants[uid].append((pid, "tenant"))
            budget -= 1
        return occupants

    def _halve_first_owner(self, uid, owner_id):
        rows, idx = self.rows["occupancy"], self.owner_row[(uid, owner_id)]
        rows[idx] = rows[idx][:5] + (Decimal("50.00"),) + rows[idx][6:]

    def park(self, cid, units, occupants, n_vehicles, province, city):
        rng, fake = self.rng, self.fake
        occupied = [u for u in units if u in occupants]
        space_no = 0
        for _ in range(n_vehicles):
            uid = rng.choice(occupied)
            people = occupants[uid]
            candidates = [p for p, kind in people if kind != "resident"] or [p for p, _ in people]
            owner_id = rng.choice(candidates)
            prov, cty = (province, city) if rng.random() < 0.85 else rng.choice(OTHER_PLATES)
            plate, new_energy = fake.plate(prov, cty)
            vid = self.next_id("vehicle")
            active = rng.random() >= 0.03
            self.rows["vehicle"].append((vid, cid, plate, new_energy, uid, owner_id, rng.choice(CAR_DESCRIPTIONS), active,
                                         "" if active else "车辆已出售"))
            if active and rng.random() < 0.7:
                space_no += 1
                sid = self.next_id("space")
                self.rows["space"].append((sid, cid, f"B{1 + space_no % 2}-{space_no:05d}",
                                           rng.choice(["owned", "rented", "rented"]), uid, vid))
        for _ in range(max(1, n_vehicles // 50)):  # visitor spaces
            space_no += 1
            sid = self.next_id("space")
            self.rows["space"].append((sid, cid, f"P-{space_no:05d}", "public", None, None))

    # load -------------------------------------------------------------------------------------
    def load(self):
        from frontdesk.models import (
            Building,
            Community,
            Entrance,
            Occupancy,
            ParkingSpace,
            Person,
            TenantAuthorization,
            Unit,
            Vehicle,
        )

        L = self.loader
        L.copy(Community, ["id", "name", "code", "address", "phone"], self.rows["community"])
        L.copy(Building, ["id", "community_id", "name", "sort_order"], self.rows["building"])
        L.copy(Entrance, ["id", "building_id", "name"], self.rows["entrance"])
        L.copy(Unit, ["id", "community_id", "building_id", "entrance_id", "number", "floor", "area", "usage", "code",
                      "is_active"], self.rows["unit"])
        L.copy(Person, ["id", "community_id", "name", "phone", "phone_alt", "id_type", "id_number", "birth_date", "email"],
               self.rows["person"])
        L.copy(Occupancy, ["id", "community_id", "unit_id", "person_id", "kind", "share", "relationship", "start_date",
                           "end_date", "end_reason"], self.rows["occupancy"])
        L.copy(TenantAuthorization, ["id", "community_id", "tenancy_id", "owner_id", "valid_from", "valid_to", "scopes",
                                     "document_ref"], self.rows["authorization"])
        L.copy(Vehicle, ["id", "community_id", "plate", "is_new_energy", "unit_id", "owner_id", "description", "is_active",
                         "deactivated_reason"], self.rows["vehicle"])
        L.copy(ParkingSpace, ["id", "community_id", "code", "kind", "unit_id", "vehicle_id"], self.rows["space"])
        return [Community, Building, Entrance, Unit, Person, Occupancy, TenantAuthorization, Vehicle, ParkingSpace]


def write_history(connection, models):
    """The 'insert' event row of every loaded row, set-based (what the triggers would have written)."""
    counts = {}
    for model in models:
        event_models = [m for m in _all_event_models() if m.pgh_tracked_model is model]
        for ev in event_models:
            tracked = [f for f in ev._meta.concrete_fields if not f.name.startswith("pgh_")]
            ev_cols = [f'"{f.column}"' for f in tracked]
            src_cols = [f'"{model._meta.get_field(f.name).column}"' for f in tracked]
            sql = (
                f'INSERT INTO "{ev._meta.db_table}" ({", ".join(ev_cols)}, "pgh_created_at", "pgh_label", "pgh_obj_id") '
                f'SELECT {", ".join(src_cols)}, NOW(), %s, "id" FROM "{model._meta.db_table}"'
            )
            label = "insert"
            with connection.cursor() as cur:
                cur.execute(sql, [label])
                counts[ev._meta.db_table] = cur.rowcount
    return counts


def _all_event_models():
    import pghistory.models
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, pghistory.models.Event) and getattr(m, "pgh_tracked_model", None)]


def main(argv=None):
    args = parse_args(argv)
    t0 = time.perf_counter()
    url = bench_url(args.database_url)
    dbname = reset_database(url, args.force)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    import django

    django.setup()
    global _DateTimeField
    from django.core.management import call_command
    from django.core.management.color import no_style
    from django.db import connection, models, transaction

    _DateTimeField = models.DateTimeField
    print(f"database {dbname} on {urlsplit(url).hostname}: reset")
    call_command("migrate", verbosity=0, interactive=False)
    t_migrate = time.perf_counter()
    print(f"migrations applied in {t_migrate - t0:.1f} s")

    loader = Loader(connection)
    gen = Generator(args, loader)
    gen.build()
    t_build = time.perf_counter()
    print(f"rows generated in {t_build - t_migrate:.1f} s")

    from django.contrib.auth import get_user_model

    from frontdesk.models import Community

    with transaction.atomic():
        with connection.cursor() as cur:
            if not args.with_triggers:
                cur.execute("SET LOCAL session_replication_role = replica")
            # Bench-only: the load is one transaction into a fresh database; nothing to lose on a crash.
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
        loaded = gen.load()
        t_copy = time.perf_counter()
        print(f"COPY done in {t_copy - t_build:.1f} s")
        if not args.with_triggers:
            hist = write_history(connection, loaded)
            print(f"history 'insert' events written in {time.perf_counter() - t_copy:.1f} s ({sum(hist.values())} rows)")
        with connection.cursor() as cur:
            for sql in connection.ops.sequence_reset_sql(no_style(), loaded):
                cur.execute(sql)
            if not args.with_triggers:
                cur.execute("SET LOCAL session_replication_role = DEFAULT")
        User = get_user_model()
        user = User(username=BENCH_USERNAME, role="clerk", full_name="基准测试")
        user.set_password(BENCH_PASSWORD)
        user.save()
        user.communities.set(Community.objects.all())
    t_load = time.perf_counter()

    gen.rows.clear()
    with connection.cursor() as cur:
        cur.execute("VACUUM (ANALYZE)")
    t_analyze = time.perf_counter()
    print(f"VACUUM ANALYZE in {t_analyze - t_load:.1f} s")

    with connection.cursor() as cur:
        cur.execute(
            "SELECT relname, n_live_tup FROM pg_stat_user_tables WHERE relname LIKE 'frontdesk\\_%%' OR relname = 'core_user' "
            "ORDER BY relname"
        )
        stats = cur.fetchall()
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print()
    print(f"{'table':<36}{'rows':>10}")
    for relname, n in stats:
        print(f"{relname:<36}{n:>10}")
    print(f"database size: {size}")
    print(f"staff user: {BENCH_USERNAME} / {BENCH_PASSWORD} (clerk, all {args.communities} communities)")
    print(f"TOTAL elapsed: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
