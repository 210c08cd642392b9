"""Row handlers, one per kind of file: rooms, people (owners, residents, tenants), vehicles.

A handler loads what the rows refer to once (rooms by code, people by ID document, active plates,
buildings and entrances), then checks row after row against that in memory, in the file's order,
through the services' own builders and checks (``services.*_new``, ``clean_without_queries``).
A row that passes is added to the in-memory archive (later rows see it, as they would see it in
the database) and to the handler's list of rows to insert; a row that fails adds nothing.
``write()`` then inserts everything set-based (``bulk_create``: the history triggers still fire).
"""

from collections import Counter
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from frontdesk.models import Building, Entrance, IdType, Occupancy, Person, Unit, Vehicle
from frontdesk.selectors.search import room_code
from frontdesk.services.checks import clean_without_queries
from frontdesk.services.occupancies import occupancy_new
from frontdesk.services.people import person_new, person_reuse
from frontdesk.services.units import building_new, entrance_new, unit_new
from frontdesk.services.vehicles import vehicle_new
from frontdesk.validators import clean_id_document, clean_phone, clean_plate

from .columns import Column, Kind
from .rows import ID_TYPES, ROLES, USAGES, Row, choice, strip_suffix


class Handler:
    kind: str
    service_fields: dict[str, str] = {}

    def __init__(self, *, community, actor, columns: list[Column], rows: list[tuple[int, dict]], lock: bool):
        self.community, self.actor = community, actor
        self.columns = {c.key: c for c in columns}
        self.seen: dict = {}  # in-file duplicate detection: key -> first row number

    def row(self, number: int, raw: dict) -> Counter:
        """Check one row; raise RowInvalid or ValidationError, or remember its writes and return its counts."""
        raise NotImplementedError

    def write(self) -> None:
        """Insert every row that passed (inside the caller's transaction)."""
        raise NotImplementedError

    def first_seen(self, key, number) -> int | None:
        first = self.seen.setdefault(key, number)
        return None if first == number else first


class _RoomsMixin:
    def load_rooms(self):
        self.unit_ids = dict(Unit.objects.filter(community=self.community).values_list("code", "id"))
        self.units: dict[str, Unit] = {}  # the rooms the rows name, as (unsaved-looking) objects with their ids
        self.building_names = set(Building.objects.filter(community=self.community).values_list("name", flat=True))

    def unit(self, code: str) -> Unit | None:
        if code not in self.units:
            pk = self.unit_ids.get(code)
            self.units[code] = None if pk is None else Unit(id=pk, community_id=self.community.pk, code=code)
        return self.units[code]

    def lock_rooms(self, rows, key="room"):
        """Lock the file's rooms, as ``occupancy_start`` locks its room, before their occupants are read."""
        ids = set()
        for _number, raw in rows:
            if ((text := Row(raw, self.columns).text(key, upper=True))
                    and (pk := self.unit_ids.get(room_code(text)[0])) is not None):
                ids.add(pk)
        list(Unit.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))

    def resolve_room(self, row: Row, key="room") -> Unit | None:
        text = row.text(key, upper=True)
        if not text:
            return None
        code, match = room_code(text)
        unit = self.unit(code)
        if unit is None:
            if match and match["b"] not in self.building_names:
                row.error(key, "unknown_building", _("There is no building %(building)s in this community.")
                          % {"building": match["b"]})
            else:
                row.error(key, "unknown_room", _("There is no room %(room)s in this community.") % {"room": text})
        return unit


class UnitsHandler(Handler):
    kind = Kind.UNITS
    service_fields = {"number": "number", "area": "area", "floor": "floor", "usage": "usage", "entrance": "entrance",
                      "building": "building"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.codes = set(Unit.objects.filter(community=self.community).values_list("code", flat=True))
        self.buildings = {b.name: b for b in Building.objects.filter(community=self.community)}
        entrances = Entrance.objects.filter(building__community=self.community).select_related("building")
        self.entrances = {(e.building.name, e.name): e for e in entrances}
        self.new_buildings: list[Building] = []
        self.new_entrances: list[Entrance] = []
        self.new_units: list[Unit] = []

    def row(self, number, raw):
        row = Row(raw, self.columns)
        building_name = strip_suffix(row.text("building", upper=True), r"(栋|幢|号楼|楼|座|#)$")
        entrance_name = strip_suffix(row.text("entrance", upper=True), r"(单元|门)$")
        room_number = strip_suffix(row.text("number", upper=True), r"(室|号)$")
        floor = row.integer("floor")
        area = row.decimal("area")
        if area is not None and area < 0:
            row.error("area", "invalid_number", _("The floor area cannot be negative."))
        usage = choice(row, "usage", USAGES, Unit.Usage.choices, default=Unit.Usage.RESIDENTIAL)
        row.check()
        code = Unit.make_code(building_name, entrance_name or None, room_number)
        if first := self.first_seen(code, number):
            row.error("number", "duplicate_in_file",
                      _("Room %(room)s is also in row %(row)s of this file.") % {"room": code, "row": first})
        elif code in self.codes:
            row.error("number", "duplicate_archive", _("Room %(room)s is already in the archive.") % {"room": code})
        row.check()

        building = self.buildings.get(building_name)
        new_building = None
        if building is None:
            building = new_building = building_new(community=self.community, name=building_name)
            clean_without_queries(new_building)
        entrance = None
        new_entrance = None
        if entrance_name:
            entrance = self.entrances.get((building.name, entrance_name))
            if entrance is None:
                entrance = new_entrance = entrance_new(building=building, name=entrance_name)
                clean_without_queries(new_entrance)
        unit = unit_new(building=building, entrance=entrance, number=room_number, area=area, usage=usage,
                                 floor=floor)
        clean_without_queries(unit)

        counts = Counter(units=1)
        if new_building is not None:
            self.buildings[building_name] = new_building
            self.new_buildings.append(new_building)
            counts["buildings"] += 1
        if new_entrance is not None:
            self.entrances[(building.name, entrance_name)] = new_entrance
            self.new_entrances.append(new_entrance)
            counts["entrances"] += 1
        self.codes.add(code)
        self.new_units.append(unit)
        return counts

    def write(self):
        Building.objects.bulk_create(self.new_buildings)
        Entrance.objects.bulk_create(self.new_entrances)  # building ids: the rows just inserted
        Unit.objects.bulk_create(self.new_units)


def _person_token(person: Person):
    """A person's identity in the handler: the id, or the object itself for a person not saved yet."""
    return person.pk if person.pk is not None else ("new", id(person))


class PeopleHandler(_RoomsMixin, Handler):
    kind = Kind.PEOPLE
    service_fields = {"name": "name", "id_number": "id_number", "id_type": "id_type", "phone": "phone", "share": "share",
                      "start_date": "start_date"}

    def __init__(self, *, rows, lock, **kwargs):
        super().__init__(rows=rows, lock=lock, **kwargs)
        self.load_rooms()
        if lock:
            self.lock_rooms(rows)
        self.id_owners: dict[tuple[str, str], tuple[str, int]] = {}  # (id_type, id_number) -> (name, first row)
        self.today = timezone.localdate()
        # The archive's people as person_find_or_create looks for them: by ID document, else by name and
        # phone (the lowest id first, as its .first() does). Materialised as Person objects when a row uses them.
        self.by_document: dict[tuple[str, str], int | Person] = {}
        self.by_name_phone: dict[tuple[str, str], int | Person] = {}
        self.names: dict[int, str] = {}
        people = Person.objects.filter(community=self.community).order_by("id")
        for pk, name, phone, id_type, id_number in people.values_list("id", "name", "phone", "id_type", "id_number"):
            self.names[pk] = name
            if id_number:
                self.by_document.setdefault((id_type, id_number), pk)
            if phone:
                self.by_name_phone.setdefault((name, phone), pk)
        self.materialised: dict[int, Person] = {}
        # Current occupancies: who holds which role in which room, and the owners' shares per room.
        self.active: set[tuple] = set()
        self.held: dict[int, Decimal | int] = {}
        occupancies = Occupancy.objects.filter(unit__community=self.community, end_date__isnull=True)
        for unit_id, person_id, kind, share in occupancies.values_list("unit_id", "person_id", "kind", "share"):
            self.active.add((unit_id, person_id, kind))
            if kind == Occupancy.Kind.OWNER and share is not None:
                self.held[unit_id] = self.held.get(unit_id, 0) + share
        self.new_people: list[Person] = []
        self.new_occupancies: list[Occupancy] = []

    def person(self, ref: int | Person | None) -> Person | None:
        if ref is None or isinstance(ref, Person):
            return ref
        if ref not in self.materialised:
            self.materialised[ref] = Person(id=ref, community_id=self.community.pk, name=self.names[ref])
        return self.materialised[ref]

    def find(self, probe: Person) -> Person | None:
        if probe.id_number:
            return self.person(self.by_document.get((probe.id_type, probe.id_number)))
        if probe.phone:
            return self.person(self.by_name_phone.get((probe.name, probe.phone)))
        return None

    def row(self, number, raw):
        row = Row(raw, self.columns)
        unit = self.resolve_room(row)
        kind = choice(row, "role", ROLES, Occupancy.Kind.choices)
        name = row.text("name", nfkc=False)
        id_type = choice(row, "id_type", ID_TYPES, IdType.choices, default=IdType.RESIDENT_ID)
        id_number = row.id_number_text("id_number")
        if id_number and id_type:
            try:
                id_number = clean_id_document(id_type, id_number)
            except ValidationError as exc:
                for error in exc.error_list:
                    row.error("id_number", error.code or "invalid", error.message)
        phone = row.text("phone")
        try:
            phone = clean_phone(phone)
        except ValidationError as exc:
            row.error("phone", exc.error_list[0].code or "phone", exc.error_list[0].message)
        share = row.decimal("share")
        if share is not None:
            if kind and kind != Occupancy.Kind.OWNER:
                row.error("share", "share_not_owner",
                          _("Only owners have an ownership share: leave it empty for residents and tenants."))
            elif not Decimal("0") < share <= Decimal("100"):
                row.error("share", "invalid_number", _("The ownership share must be more than 0 and at most 100."))
        start_date = row.date("start_date") or self.today
        row.check()

        person_key = (id_type, id_number) if id_number else (name, phone)
        if first := self.first_seen((unit.code, kind, person_key), number):
            row.error("name", "duplicate_in_file",
                      _("The same person, room and role are in row %(row)s of this file.") % {"row": first})
        if id_number:
            other_name, other_row = self.id_owners.setdefault((id_type, id_number), (name, number))
            if other_name != name:
                row.error("id_number", "duplicate_in_file",
                          _("This ID number is given for %(name)s in row %(row)s of this file.")
                          % {"name": other_name, "row": other_row})
            elif other_row == number:
                existing = self.person(self.by_document.get((id_type, id_number)))
                if existing is not None and existing.name != name:
                    row.error("id_number", "duplicate_person", _("This ID number belongs to %(name)s in the archive.")
                              % {"name": existing.name})
        row.check()

        # person_find_or_create, against the archive in memory
        probe = person_new(community=self.community, name=name, id_type=id_type, id_number=id_number,
                                    phone=phone)
        person = person_reuse(probe=probe, existing=self.find(probe))
        created = person is None
        if created:
            person = probe
            clean_without_queries(person)
        elif (unit.pk, _person_token(person), kind) in self.active:
            row.error("name", "duplicate_person",
                      _("%(name)s is already recorded as %(role)s of %(room)s in the archive.")
                      % {"name": person.name, "role": Occupancy.Kind(kind).label, "room": unit.code})
            row.check()
        # occupancy_start, against the archive in memory (the rooms are locked when importing)
        occupancy = occupancy_new(unit=unit, person=person, kind=kind, start_date=start_date, share=share,
                                           held=self.held.get(unit.pk, 0), actor=self.actor)
        clean_without_queries(occupancy)

        if created:
            self.new_people.append(person)
            if person.id_number:
                self.by_document.setdefault((person.id_type, person.id_number), person)
            if person.phone:
                self.by_name_phone.setdefault((person.name, person.phone), person)
        self.active.add((unit.pk, _person_token(person), kind))
        if occupancy.share is not None:  # as the database returns the sum: numeric(5, 2)
            self.held[unit.pk] = self.held.get(unit.pk, 0) + occupancy.share.quantize(Decimal("0.01"))
        self.new_occupancies.append(occupancy)
        return Counter(people_new=int(created), people_existing=int(not created), occupancies=1)

    def write(self):
        Person.objects.bulk_create(self.new_people)
        Occupancy.objects.bulk_create(self.new_occupancies)  # person ids: the rows just inserted


class VehiclesHandler(_RoomsMixin, Handler):
    kind = Kind.VEHICLES
    service_fields = {"plate": "plate", "unit": "room", "owner": "owner", "description": "description"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.load_rooms()
        active = Vehicle.objects.filter(community=self.community, is_active=True)
        self.plates = set(active.values_list("plate", flat=True))
        # A room's current owners, residents and tenants by name: (unit id, name) -> (person id, community id),
        # the lowest person id first.
        self.occupants: dict[tuple[int, str], tuple[int, int]] = {}
        occupancies = (Occupancy.objects.filter(unit__community=self.community, end_date__isnull=True)
                       .order_by("person_id").values_list("unit_id", "person__name", "person_id", "person__community_id"))
        for unit_id, name, *person in occupancies:
            self.occupants.setdefault((unit_id, name), tuple(person))
        self.new_vehicles: list[Vehicle] = []

    def row(self, number, raw):
        row = Row(raw, self.columns)
        plate = row.text("plate", upper=True)
        if plate:
            try:
                plate, _new_energy = clean_plate(plate)
            except ValidationError as exc:
                row.error("plate", exc.error_list[0].code or "plate", exc.error_list[0].message)
        unit = self.resolve_room(row)
        owner_name = row.text("owner", nfkc=False)
        description = row.text("description", nfkc=False)
        row.check()

        if first := self.first_seen(plate, number):
            row.error("plate", "duplicate_in_file",
                      _("The plate %(plate)s is also in row %(row)s of this file.") % {"plate": plate, "row": first})
        elif plate in self.plates:
            row.error("plate", "duplicate_plate",
                      _("The plate %(plate)s is already registered in this community.") % {"plate": plate})
        owner = None
        if owner_name:
            if person := self.occupants.get((unit.pk, owner_name)):
                owner = Person(id=person[0], community_id=person[1], name=owner_name)
            else:
                row.error("owner", "unknown_owner", _("%(name)s is not a current owner, resident or tenant of %(room)s.")
                          % {"name": owner_name, "room": unit.code})
        row.check()
        vehicle = vehicle_new(community=self.community, plate=plate, unit=unit, owner=owner,
                                       description=description)
        clean_without_queries(vehicle)
        self.plates.add(vehicle.plate)
        self.new_vehicles.append(vehicle)
        return Counter(vehicles=1)

    def write(self):
        Vehicle.objects.bulk_create(self.new_vehicles)


HANDLERS = {Kind.UNITS: UnitsHandler, Kind.PEOPLE: PeopleHandler, Kind.VEHICLES: VehiclesHandler}
