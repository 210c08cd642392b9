"""Renovation's section of the manager's daily summary 前台日报. Each figure is defined once below (the
docstring is its definition) as a queryset of ``(community_ids, day)``; all are counted in ONE query
(``frontdesk.selectors.figures.counts``), whatever the number of communities. Each opens the app's own list
filtered to the same rows."""

import datetime
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext as _

from frontdesk.registry import Figure
from frontdesk.selectors.figures import counts

from ..models import Acceptance, Renovation, SiteInspection, Violation


def _url(name: str, community_ids, **params) -> str:
    if len(community_ids) == 1:
        params = {"community": community_ids[0], **params}
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{query}" if query else reverse(name)


def active_qs(community_ids, day: datetime.date):
    """装修中: sites with works on (permit issued, awaiting or failing acceptance: ``Renovation.ACTIVE_STATUSES``),
    as they stand now (a level: frozen at the day's end)."""
    return Renovation.objects.filter(community_id__in=list(community_ids), status__in=Renovation.ACTIVE_STATUSES)


def permits_expired_active_qs(community_ids, day: datetime.date):
    """许可证过期仍在施工: active sites whose permit ended before ``day``."""
    return active_qs(community_ids, day).filter(permit_valid_to__lt=day)


def sites_not_inspected_qs(community_ids, day: datetime.date):
    """当日未巡查: active sites with no round recorded on ``day`` (the round sheet's "not inspected")."""
    inspected = SiteInspection.objects.filter(renovation=OuterRef("pk"), on_date=day)
    return active_qs(community_ids, day).exclude(Exists(inspected))


def violations_qs(community_ids, day: datetime.date):
    """新增违规: violations recorded on ``day`` (local time), whatever became of them since."""
    return Violation.objects.filter(community_id__in=list(community_ids), recorded_at__date=day)


def permits_issued_qs(community_ids, day: datetime.date):
    """发放装修许可证: permits issued on ``day`` (local time)."""
    return Renovation.objects.filter(community_id__in=list(community_ids), permit_issued_at__date=day)


def acceptances_qs(community_ids, day: datetime.date):
    """竣工验收: the sites inspected for acceptance on ``day`` (passed or failed; a site inspected twice that day
    counts once)."""
    return Renovation.objects.filter(community_id__in=list(community_ids),
                                     pk__in=Acceptance.objects.filter(at__date=day).values("renovation_id"))


def figures(community_ids: list[int], day: datetime.date) -> list[Figure]:
    """Renovation's figures of ``day`` (one query)."""
    ids = list(community_ids)
    n = counts(ids, {
        "expired": permits_expired_active_qs(ids, day), "not_inspected": sites_not_inspected_qs(ids, day),
        "active": active_qs(ids, day), "violations": violations_qs(ids, day),
        "permits": permits_issued_qs(ids, day), "acceptances": acceptances_qs(ids, day),
    })
    return [
        Figure(key="renovation.permits_expired_active", label=_("Expired permits on active sites"),
               value=n["expired"], exception=True, better="down", additive=False,
               url=_url("renovation:active", ids, ending_by=(day - datetime.timedelta(days=1)).isoformat())),
        Figure(key="renovation.sites_not_inspected", label=_("Active sites not inspected"),
               value=n["not_inspected"], exception=True, better="down", additive=False,
               url=_url("renovation:round_sheet", ids, show="todo")),
        Figure(key="renovation.active", label=_("Sites under renovation"), value=n["active"], additive=False,
               better="", url=_url("renovation:active", ids)),
        Figure(key="renovation.violations", label=_("New renovation violations"), value=n["violations"],
               better="down", url=_url("renovation:violation_list", ids, day=day.isoformat())),
        Figure(key="renovation.permits_issued", label=_("Renovation permits issued"), value=n["permits"], better="",
               url=_url("renovation:list", ids, issued_on=day.isoformat())),
        Figure(key="renovation.acceptances", label=_("Sites inspected for acceptance"), value=n["acceptances"], better="",
               url=_url("renovation:acceptance_list", ids, inspected_on=day.isoformat())),
    ]
