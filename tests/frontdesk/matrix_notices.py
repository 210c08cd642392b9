"""Access matrix rows of the notices to residents; shared helpers for the notice tests."""

import datetime
import itertools

from django.utils import timezone

from core.models import Role
from frontdesk.models import Building, Entrance, NoticePosting, NoticeTemplate
from frontdesk.services import notices as services
from tests.factories import OccupancyFactory, PersonFactory

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
APPROVERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
_BUILDINGS = itertools.count(1)


def notice_home(community, *, phones=("13800138001", "13800138002")):
    """Two owners with phones at one entrance of ``community``: (entrance, [owners])."""
    # The building is made directly, not by BuildingFactory: its name sequence is shared by the whole session
    # and other matrix modules name buildings by number (renovation's "88"), so it must not move.
    building = Building.objects.create(community=community, name=f"G{next(_BUILDINGS)}")
    entrance = Entrance.objects.create(building=building, name="1")
    first = OccupancyFactory(unit__entrance=entrance,
                             person=PersonFactory(community=community, name="李国强", phone=phones[0]))
    owners = [first.person]
    for n, phone in enumerate(phones[1:], start=2):
        owners.append(OccupancyFactory(unit__entrance=entrance, unit__number=f"9{n}99",
                                       person=PersonFactory(community=community, name="王秀英", phone=phone)).person)
    return entrance, owners


def water_template(community, actor=None) -> NoticeTemplate:
    services.templates_seed(community=community, actor=actor)
    return NoticeTemplate.objects.get(community=community, name="停水通知")


def draft(community, entrances, *, actor, sms=False, days=3, **kwargs):
    today = timezone.localdate()
    return services.notice_draft(
        community=community, template=water_template(community, actor),
        values={"date": "12月8日", "start": "8:00", "end": "18:00", "area": "3栋"}, post_from=today,
        post_to=today + datetime.timedelta(days=days), entrance_ids=[e.pk for e in entrances], send_sms=sms,
        actor=actor, **kwargs)


def published(community, entrances, users, **kwargs):
    notice = draft(community, entrances, actor=users[Role.CLERK], **kwargs)
    services.notice_submit(notice=notice, actor=users[Role.CLERK])
    return services.notice_approve(notice=notice, actor=users[Role.SUPERVISOR])


def objects(community, users):
    entrance, _owners = notice_home(community)
    clerk = users[Role.CLERK]
    pending = draft(community, [entrance], actor=clerk)
    services.notice_submit(notice=pending, actor=clerk)
    live = published(community, [entrance], users)
    return {"notice_draft": draft(community, [entrance], actor=clerk), "notice_pending": pending,
            "notice_published": live, "notice_posting": NoticePosting.objects.get(notice=live),
            "notice_template": NoticeTemplate.objects.filter(community=community).first()}


def _pk(key):
    return lambda o: {"pk": o[key].pk}


ENTRIES = {
    "frontdesk:notice_list": (None, DESK, "get", False),
    "frontdesk:notice_create": (None, DESK, "get", False),
    "frontdesk:notice_detail": (_pk("notice_published"), DESK, "get", True),
    "frontdesk:notice_edit": (_pk("notice_draft"), DESK, "get", True),
    "frontdesk:notice_submit": (_pk("notice_draft"), DESK, "post", True),
    "frontdesk:notice_reopen": (_pk("notice_draft"), DESK, "post", True),
    "frontdesk:notice_approve": (_pk("notice_pending"), APPROVERS, "post", True),
    "frontdesk:notice_reject": (_pk("notice_pending"), APPROVERS, "get", True),
    "frontdesk:notice_withdraw": (_pk("notice_draft"), DESK, "get", True),
    "frontdesk:notice_pdf": (_pk("notice_published"), DESK, "get", True),
    "frontdesk:notice_posting_posted": (_pk("notice_posting"), DESK, "post", True),
    "frontdesk:notice_posting_taken_down": (_pk("notice_posting"), DESK, "post", True),
    "frontdesk:notice_templates": (None, APPROVERS, "get", False),
    "frontdesk:notice_template_create": (None, APPROVERS, "get", False),
    "frontdesk:notice_template_seed": (None, APPROVERS, "post", False),
    "frontdesk:notice_template_edit": (_pk("notice_template"), APPROVERS, "get", True),
}
