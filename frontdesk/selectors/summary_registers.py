"""The counter's registers (登记本) and move-ins/outs in the manager's daily summary 前台日报, and the clerk's
"today" cards. Each figure is the registers' own selector (``visitors_registered_qs``, ``parcels_overdue_qs``,
``slips_issued``, ``keys_held_qs``…: the docstring there is its definition), counted together in one query
(``figures.counts``); with the parcels' reminder settings, two queries whatever the number of communities."""

import datetime
from urllib.parse import urlencode

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Role

from ..models import Occupancy, ParcelSettings, ReleaseSlip
from ..registry import Figure, TodayCard, TodayItem
from . import keys, parcels, slips, visitors
from .figures import counts, first_with_total


def _url(name: str, community_ids, **params) -> str:
    if len(community_ids) == 1:
        params = {"community": community_ids[0], **params}
    query = urlencode({k: v for k, v in params.items() if v is not None})  # "" kept: date_from= clears a default
    return f"{reverse(name)}?{query}" if query else reverse(name)


def move_ins_qs(community_ids, day: datetime.date):
    """入住: occupancies (owners, residents, tenants) that started on ``day`` (their move-in date)."""
    return Occupancy.objects.filter(community_id__in=list(community_ids), start_date=day)


def move_outs_qs(community_ids, day: datetime.date):
    """迁出: occupancies that ended on ``day`` (their move-out date)."""
    return Occupancy.objects.filter(community_id__in=list(community_ids), end_date=day)


def slips_to_check_qs(community_ids, day: datetime.date):
    """放行条待核: slips issued on ``day`` that the gate has not released yet and that are still open."""
    return slips.slips_issued(community_ids, day).filter(status__in=ReleaseSlip.OPEN_STATUSES)


def figures(community_ids: list[int], day: datetime.date) -> list[Figure]:
    """The registers' figures of ``day`` (two queries)."""
    ids = list(community_ids)
    settings = parcels.settings_for(ids)
    n = counts(ids, {
        "keys_overdue": keys.keys_overdue_qs(ids, day),
        "parcels_long": parcels.parcels_overdue_on(ids, settings, day),
        "visitors_not_out": visitors.visitors_not_checked_out_qs(ids, day),
        "visitors_registered": visitors.visitors_registered_qs(ids, day),
        "visitors_let_in": visitors.visitors_let_in_qs(ids, day),
        "parcels_arrived": parcels.parcels_arrived_qs(ids, day),
        "parcels_picked_up": parcels.parcels_picked_up_qs(ids, day),
        "slips_issued": slips.slips_issued(ids, day),
        "slips_used": slips.slips_used(ids, day),
        "keys_held": keys.keys_held_qs(ids, day),
        "move_ins": move_ins_qs(ids, day),
        "move_outs": move_outs_qs(ids, day),
    })
    # the levels at the end of the day open today's lists; a day that is over opens them as they stood then
    over = day < timezone.localdate()
    return [
        Figure(key="registers.keys_overdue", label=_("Keys overdue"), value=n["keys_overdue"], exception=True,
               better="down", additive=False,
               url=_url("frontdesk:key_overdue", ids, on=day.isoformat() if over else None)),
        Figure(key="registers.parcels_waiting_long", label=_("Parcels waiting too long"), value=n["parcels_long"],
               exception=True, better="down", additive=False,
               url=_url("frontdesk:parcel_overdue", ids, on=day.isoformat() if over else None)),
        Figure(key="registers.visitors_not_out", label=_("Visitors not checked out"), value=n["visitors_not_out"],
               exception=True, better="down", additive=False,
               url=(_url("frontdesk:visitor_log", ids, date_from="", date_to="", not_out_on=day.isoformat()) if over
                    else _url("frontdesk:visitor_board", ids))),
        Figure(key="registers.visitors_registered", label=_("Visitors registered"), value=n["visitors_registered"],
               url=_url("frontdesk:visitor_log", ids, date_from="", date_to="", registered_on=day.isoformat())),
        Figure(key="registers.visitors_let_in", label=_("Visitors let in"), value=n["visitors_let_in"],
               url=_url("frontdesk:visitor_log", ids, date_from="", date_to="", let_in_on=day.isoformat())),
        Figure(key="registers.parcels_arrived", label=_("Parcels arrived"), value=n["parcels_arrived"],
               url=_url("frontdesk:parcel_list", ids, status="all", arrived_on=day.isoformat())),
        Figure(key="registers.parcels_picked_up", label=_("Parcels picked up"), value=n["parcels_picked_up"],
               url=_url("frontdesk:parcel_list", ids, status="picked_up", picked_up_on=day.isoformat())),
        Figure(key="registers.slips_issued", label=_("Release slips issued"), value=n["slips_issued"],
               url=_url("frontdesk:slip_list", ids, show="today", day=day.isoformat())),
        Figure(key="registers.slips_used", label=_("Release slips used"), value=n["slips_used"],
               url=_url("frontdesk:slip_list", ids, show="used", used_on=day.isoformat())),
        Figure(key="registers.keys_held", label=_("Keys held"), value=n["keys_held"], additive=False,
               url=_url("frontdesk:key_list", ids, held_on=day.isoformat())),
        Figure(key="frontdesk.move_ins", label=_("Move-ins"), value=n["move_ins"],
               url=_url("frontdesk:person_list", ids, moved_in_on=day.isoformat())),
        Figure(key="frontdesk.move_outs", label=_("Move-outs"), value=n["move_outs"],
               url=_url("frontdesk:person_list", ids, moved_out_on=day.isoformat())),
    ]


def today_cards(user, community_ids: list[int], day: datetime.date, now=None) -> list[TodayCard]:
    """The clerk's parcels waiting (how long each has waited, red once past its community's reminder days),
    visitors on site (since when) and slips to check, each card with its first items (three queries)."""
    if user.role != Role.CLERK:
        return []
    now = now or timezone.now()
    ids = list(community_ids)
    remind = Coalesce(Subquery(ParcelSettings.objects.filter(community_id=OuterRef("community_id"))
                               .values("remind_after_days")[:1]), ParcelSettings.DEFAULT_REMIND_AFTER)
    oldest_parcels, parcels_total = first_with_total(
        parcels.parcels_waiting_qs(ids).select_related("unit").annotate(remind_after=remind).order_by("arrived_at", "id"))
    inside, visitors_total = first_with_total(visitors.on_site_now(community_ids=ids))
    to_check, slips_total = first_with_total(slips_to_check_qs(ids, day))
    clerk = frozenset({Role.CLERK})
    return [
        TodayCard(key="registers.parcels_waiting", title=_("Parcels waiting"), count=parcels_total, roles=clerk,
                  url=_url("frontdesk:parcel_list", ids), order=40, items=tuple(
                      TodayItem(text=_("%(room)s %(carrier)s · arrived %(at)s") % {
                          "room": p.unit.code, "carrier": p.get_carrier_display(),
                          "at": f"{timezone.localtime(p.arrived_at):%m-%d %H:%M}"},
                          url=reverse("frontdesk:parcel_detail", args=[p.pk]),
                          since=p.arrived_at, since_label=_("waiting %(duration)s"),
                          # as parcels_overdue_qs: waiting at least the community's reminder days
                          urgent=p.arrived_at <= now - datetime.timedelta(days=p.remind_after))
                      for p in oldest_parcels)),
        TodayCard(key="registers.visitors_on_site", title=_("Visitors on site"), count=visitors_total, roles=clerk,
                  url=_url("frontdesk:visitor_board", ids), order=41, items=tuple(
                      TodayItem(text=_("%(room)s %(name)s · in since %(at)s") % {
                          "room": v.unit.code, "name": visitors._masked_name(v.name),
                          "at": (f"{timezone.localtime(v.time_in):%H:%M}" if timezone.localtime(v.time_in).date() == day
                                 else f"{timezone.localtime(v.time_in):%m-%d %H:%M}")},  # an earlier day: its date
                          url=reverse("frontdesk:visitor_detail", args=[v.pk]),
                          since=v.time_in, since_label=_("on site for %(duration)s"))
                      for v in inside)),
        TodayCard(key="registers.slips_to_check", title=_("Release slips to check"), count=slips_total, roles=clerk,
                  url=_url("frontdesk:slip_list", ids, show="today"), order=42, items=tuple(
                      TodayItem(text=f"{s.number} {s.unit.code} · {s.get_status_display()}",
                                url=reverse("frontdesk:slip_detail", args=[s.pk]))
                      for s in to_check)),
    ]
