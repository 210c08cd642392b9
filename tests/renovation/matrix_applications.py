"""Access matrix rows of renovation applications (lists, filing, the page and its moves, the permit) and the
public permit check."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.models import Role
from renovation.models import Renovation
from renovation.services import applications, permits
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, UnitFactory

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
VIEW = DESK | {Role.ENGINEER, Role.CASHIER}
REVIEW = frozenset({Role.ENGINEER, Role.ADMIN})
APPROVE = frozenset({Role.MANAGER, Role.ADMIN})
COLLECT = frozenset({Role.CASHIER, Role.ADMIN})
PUBLIC = None

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32  # an image: the personal-data sweep reads every PDF served as text


def objects(community, users):
    clerk = users[Role.CLERK]
    building = BuildingFactory(community=community, name="RN")  # a name no sequence produces
    unit = UnitFactory(entrance=EntranceFactory(building=building, name="1"), number="0808")
    owner = OccupancyFactory(unit=unit).person
    today = timezone.localdate()
    renovation = applications.renovation_file(
        unit=unit, applicant_kind="owner", owner=owner, company="金螳螂家装", lead_name="王建军",
        lead_phone="13902345678", planned_start=today, planned_end=today + datetime.timedelta(days=30),
        scope=["walls"], agreement_accepted=True, actor=clerk,
        attachments=[("drawing", SimpleUploadedFile("plan.png", PNG, content_type="image/png"))])
    # a second unit with a permit issued (the status moved with the one writer)
    unit2 = UnitFactory(entrance=EntranceFactory(building=building, name="2"), number="0909")
    owner2 = OccupancyFactory(unit=unit2).person
    issued = applications.renovation_file(
        unit=unit2, applicant_kind="owner", owner=owner2, company="金螳螂家装", lead_name="李师傅",
        lead_phone="13798765432", planned_start=today, planned_end=today + datetime.timedelta(days=30),
        scope=["floors"], agreement_accepted=True, actor=clerk)
    for to in (Renovation.Status.ENGINEERING, Renovation.Status.MANAGER, Renovation.Status.PAYMENT):
        issued = applications.renovation_set_status(renovation=issued, to=to, actor=users[Role.ADMIN])
    from renovation.services.fees import deposit_take

    deposit_take(renovation=issued, amount="2000", payer_name="李师傅", method="cash", cashier=users[Role.CASHIER])
    issued = permits.permit_issue(renovation=issued, actor=clerk)
    return {"renovation": renovation, "renovation_attachment": renovation.attachments.first(),
            "renovation_issued": issued}


def _r(o):
    return {"pk": o["renovation"].pk}


ENTRIES = {
    "renovation:list": (None, VIEW, "get", False),
    "renovation:active": (None, VIEW, "get", False),
    "renovation:create": (None, DESK, "get", False),
    "renovation:detail": (_r, VIEW, "get", True),
    "renovation:history": (_r, VIEW, "get", True),
    "renovation:attachment": (lambda o: {"pk": o["renovation_attachment"].pk}, VIEW, "get", True),
    "renovation:attach": (_r, DESK, "post", True),
    "renovation:review_start": (_r, REVIEW, "post", True),
    "renovation:review": (_r, REVIEW, "post", True),
    "renovation:approve": (_r, APPROVE, "post", True),
    "renovation:withdraw": (_r, DESK, "post", True),
    "renovation:deposit": (_r, COLLECT, "post", True),
    "renovation:permit_issue": (_r, DESK, "post", True),
    "renovation:permit_pdf": (lambda o: {"pk": o["renovation_issued"].pk}, VIEW, "get", True),
    "renovation:verify": (lambda o: {"token": o["renovation_issued"].permit_token}, PUBLIC, "get", False),
}
