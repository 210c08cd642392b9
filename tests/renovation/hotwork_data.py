"""Test data for the hot-work permits and the lift bookings: a renovation with works on site (made directly:
the application flow is another area's), lifts, a permit walked through the services."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from core.models import Role
from core.numbering import next_number
from frontdesk.models import Occupancy
from renovation.models import HotWorkPermit, Lift, Renovation
from renovation.services import hotwork as hw
from renovation.services import lifts as lift_services
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def copies():
    return (SimpleUploadedFile("cert.png", png_bytes(), content_type="image/png"),
            SimpleUploadedFile("id.png", png_bytes(), content_type="image/png"))


def make_unit(community, *, building="9", number=None):
    building = BuildingFactory(community=community, name=building)
    unit = UnitFactory(entrance=EntranceFactory(building=building, name="1"), number=number or "801")
    OccupancyFactory(unit=unit, person=PersonFactory(community=community, name="王业主", phone="13900001111"))
    return unit


def make_site(community, clerk, *, unit=None) -> Renovation:
    """A renovation of ``unit`` with its permit issued and works on site (装修中)."""
    unit = unit or make_unit(community)
    owner = Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER).select_related("person").first().person
    now = timezone.now()
    today = timezone.localdate()
    with transaction.atomic():
        seq = next_number(kind="renovation_permit", scope_id=community.pk, year=today.year)
    return Renovation.objects.create(
        community=community, unit=unit, number=f"ZX-T-{unit.pk}", applicant_kind="owner", owner=owner,
        applicant=owner, company="美家装饰", lead_name="李师傅", lead_phone="13900002222",
        planned_start=today - datetime.timedelta(days=10), planned_end=today + datetime.timedelta(days=60),
        scope=["walls"], agreement_accepted_at=now, agreement_accepted_by=clerk, status="in_progress",
        permit_year=today.year, permit_seq=seq, permit_number=f"ZX{today.year}{seq:05d}",
        permit_valid_from=today - datetime.timedelta(days=10), permit_valid_to=today + datetime.timedelta(days=60),
        permit_issued_at=now, created_by=clerk, created_at=now, status_changed_at=now)


def apply(site, clerk, *, day=None, start=datetime.time(0, 0), end=datetime.time(23, 59), now=None, **kwargs):
    certificate, id_copy = copies()
    values = {"applicant_kind": "lead", "location": "阳台", "work": "焊接阳台护栏",
              "work_date": day or timezone.localdate(), "start_time": start, "end_time": end, "welder_name": "刘铁军",
              "welder_certificate_no": "T440300198001", "fire_watcher_name": "赵刚",
              "fire_watcher_phone": "13700002000", "extinguishers_checked": True, "extinguisher_count": 2,
              "certificate": certificate, "id_copy": id_copy}
    values.update(kwargs)
    return hw.hotwork_apply(renovation=site, actor=clerk, now=now, **values)


def issued(site, users, **kwargs) -> HotWorkPermit:
    """A permit through both reviews and the manager's approval (the supervisor reviews safety)."""
    permit = apply(site, users[Role.CLERK], **kwargs)
    now = kwargs.get("now")
    hw.hotwork_review(permit=permit, stage="engineering", passed=True, comments="", actor=users[Role.ENGINEER], now=now)
    hw.hotwork_review(permit=permit, stage="safety", passed=True, comments="", actor=users[Role.SUPERVISOR], now=now)
    return hw.hotwork_decide(permit=permit, approve=True, actor=users[Role.MANAGER], now=now)


def make_lift(unit, manager, *, name="1号货梯", kind=Lift.Kind.FREIGHT) -> Lift:
    return lift_services.lift_add(building=unit.building, name=name, kind=kind, actor=manager)


def book(unit, lift, clerk, *, start=datetime.time(9), end=datetime.time(10), day=None, **kwargs):
    owner = Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER).first().person
    values = {"applicant_kind": "owner", "owner": owner, "items": "瓷砖", "undertaking_received": True}
    values.update(kwargs)
    return lift_services.booking_create(unit=unit, lift=lift, day=day or timezone.localdate() + datetime.timedelta(days=1),
                                        start=start, end=end, actor=clerk, **values)
