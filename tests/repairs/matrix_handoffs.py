"""Access matrix rows of the utility hand-off pages, and the small builders the hand-off tests share."""

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Role

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
PROVIDERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NETWORK_TYPES = [("开通", "300.00"), ("资费变更", "0.00"), ("暂停", "0.00"), ("终止", "0.00"), ("复机", "20.00")]


def id_copy(name="身份证.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def png_id_copy():
    """A real picture (the pages that read every served file open it)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="PNG")
    return SimpleUploadedFile("身份证.png", buffer.getvalue(), content_type="image/png")


def network_provider(community, *, actor, valid_from=datetime.date(2020, 1, 1)):
    """网通 with the seed's network request types and fees (复机 20 元)."""
    from repairs.services import handoffs

    provider = handoffs.provider_save(community=community, name="网通", service="network",
                                      email="kaihu@wangtong.example.com", requirements="身份证复印件；入户申请表",
                                      actor=actor)
    for name, fee in NETWORK_TYPES:
        handoffs.provider_service_add(provider=provider, name=name, amount=Decimal(fee), valid_from=valid_from,
                                      actor=actor)
    return provider


def owner_of(unit):
    from frontdesk.models import Occupancy

    return Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True).first().person


def file_handoff(unit, *, actor, type_name="开通", upload=None, **kwargs):
    from repairs.models import ProviderService
    from repairs.services import handoffs

    service = ProviderService.objects.filter(provider__community=unit.community, name=type_name).first()
    if service is None:
        service = network_provider(unit.community, actor=actor).services.get(name=type_name)
    kwargs.setdefault("applicant_kind", "owner")
    if kwargs["applicant_kind"] == "owner":
        kwargs.setdefault("owner", owner_of(unit))
    return handoffs.handoff_file(unit=unit, provider=service.provider, service=service,
                                 id_copy=upload or id_copy(), actor=actor, **kwargs)


def objects(community, users):
    from tests.factories import OccupancyFactory

    unit = OccupancyFactory(unit__entrance__building__community=community).unit
    ticket = file_handoff(unit, actor=users[Role.CLERK], upload=png_id_copy())
    return {"handoff_ticket": ticket, "handoff_provider": ticket.handoff.provider,
            "handoff_service": ticket.handoff.service}


ENTRIES = {
    "repairs:handoff_create": (None, DESK, "get", False),
    "repairs:handoff_forward": (lambda o: {"pk": o["handoff_ticket"].pk}, DESK, "post", True),
    "repairs:handoff_reply": (lambda o: {"pk": o["handoff_ticket"].pk}, DESK, "get", True),
    "repairs:handoff_pdf": (lambda o: {"pk": o["handoff_ticket"].pk}, DESK, "get", True),
    "repairs:handoff_id_copy": (lambda o: {"pk": o["handoff_ticket"].pk}, DESK, "get", True),
    "repairs:provider_list": (None, PROVIDERS, "get", False),
    "repairs:provider_create": (None, PROVIDERS, "get", False),
    "repairs:provider_edit": (lambda o: {"pk": o["handoff_provider"].pk}, PROVIDERS, "get", True),
    "repairs:provider_service_add": (lambda o: {"pk": o["handoff_provider"].pk}, PROVIDERS, "get", True),
    "repairs:provider_fee_add": (lambda o: {"pk": o["handoff_service"].pk}, PROVIDERS, "get", True),
    "repairs:provider_service_edit": (lambda o: {"pk": o["handoff_service"].pk}, PROVIDERS, "get", True),
}
