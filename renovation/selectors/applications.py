"""Reads of applications: the lists (with their joins decided once), a page, the unit panel and the lookup
badge, the filing form's choices, the export rows and the public permit check."""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from frontdesk.models import Building, Occupancy, Person, TenantAuthorization, Unit
from frontdesk.scoping import scope

from ..models import Renovation, RenovationAttachment

S = Renovation.Status
LIST_JOINS = ("community", "unit", "unit__building", "unit__entrance")


def renovations_for(user):
    return scope(Renovation.objects.all(), user)


def renovation_list(user, *, status=None, building=None, community=None, date_from=None, date_to=None, q="",
                    issued_on=None):
    """The applications list, newest first (rows with unit, building, entrance and community in one query);
    ``issued_on``: the permits issued that day (local time)."""
    qs = renovations_for(user).select_related(*LIST_JOINS)
    if issued_on:
        qs = qs.filter(permit_issued_at__date=issued_on)
    if status:
        qs = qs.filter(status=status)
    if building:
        qs = qs.filter(unit__building_id=building)
    if community:
        qs = qs.filter(community_id=community)
    if date_from:
        qs = qs.filter(created_at__date__gte=date_from)
    if date_to:
        qs = qs.filter(created_at__date__lte=date_to)
    if q:
        qs = qs.filter(Q(unit__code__startswith=q) | Q(number__iexact=q) | Q(permit_number__iexact=q)
                       | Q(lead_name__startswith=q) | Q(company__contains=q))
    return qs.order_by("-created_at", "-id")


def active_sites(user, *, building=None, community=None, ending_by=None):
    """装修中: permits issued and works on site, those ending first at the top."""
    qs = renovations_for(user).filter(status__in=Renovation.ACTIVE_STATUSES).select_related(*LIST_JOINS)
    if building:
        qs = qs.filter(unit__building_id=building)
    if community:
        qs = qs.filter(community_id=community)
    if ending_by:
        qs = qs.filter(permit_valid_to__lte=ending_by)
    return qs.order_by("permit_valid_to", "id")


def buildings_for(user):
    """The buildings of the user's communities for the list filters (one query)."""
    return list(scope(Building.objects.select_related("community"), user).order_by("community__name", "name"))


def renovation_detail(*, user, pk) -> Renovation:
    return get_object_or_404(renovations_for(user).select_related(
        *LIST_JOINS, "owner", "applicant", "tenant_authorization", "created_by", "agreement_accepted_by",
        "permit_issued_by"), pk=pk)


def renovation_page(renovation: Renovation) -> dict:
    """A page's lists (three queries, whatever their lengths)."""
    return {
        "changes": list(renovation.status_changes.select_related("actor").order_by("at", "id")),
        "attachments": list(renovation.attachments.select_related("uploaded_by").order_by("uploaded_at", "id")),
        "reviews": list(renovation.reviews.select_related("reviewer").order_by("at", "id")),
    }


def attachment_for(*, user, pk) -> RenovationAttachment:
    return get_object_or_404(scope(RenovationAttachment.objects.all(), user, field="renovation__community"), pk=pk)


def filing_unit(*, user, pk) -> Unit:
    return get_object_or_404(scope(Unit.objects.select_related("building", "entrance", "community"), user), pk=pk)


def filing_choices(unit: Unit, today: datetime.date | None = None) -> dict:
    """The owners of the room and the tenants' authorisations not revoked (the service checks their validity and
    scope, and says what is wrong at the field)."""
    owners = Person.objects.filter(occupancies__unit=unit, occupancies__kind=Occupancy.Kind.OWNER,
                                   occupancies__end_date__isnull=True).distinct().order_by("name")
    authorizations = (TenantAuthorization.objects.filter(tenancy__unit=unit, tenancy__end_date__isnull=True,
                                                         revoked_at__isnull=True)
                      .select_related("tenancy__person").order_by("-valid_from"))
    return {"owners": owners, "authorizations": authorizations}


def open_for_unit(unit) -> Renovation | None:
    """The unit's open application, or its latest one (the unit page's panel: one query)."""
    rows = list(Renovation.objects.filter(unit=unit).order_by(
        # open first, then the newest
        "-created_at", "-id")[:5])
    open_rows = [r for r in rows if r.status not in Renovation.FINISHED_STATUSES]
    return (open_rows or rows or [None])[0]


def active_unit_ids(unit_ids) -> set[int]:
    """The units among ``unit_ids`` with an active permit (装修中), in one indexed query."""
    ids = [i for i in unit_ids if i]
    if not ids:
        return set()
    return set(Renovation.objects.filter(unit_id__in=ids, status__in=Renovation.ACTIVE_STATUSES)
               .values_list("unit_id", flat=True))


EXPORT_HEADERS = [_("Application no."), _("Room"), _("Status"), _("Renovation company"), _("Renovation lead"),
                  _("Planned start"), _("Planned end"), _("Scope of works"), _("Permit no."), _("Permit valid from"),
                  _("Permit valid to"), _("Filed at")]


def export_rows(queryset):
    """The rows of the .xlsx export (the lead's phone is left out: personal data)."""
    for r in queryset.iterator(chunk_size=2000):
        yield [r.number, r.unit.code, r.get_status_display(), r.company, r.lead_name, r.planned_start,
               r.planned_end, "、".join(str(s) for s in r.scope_labels()), r.permit_number,
               r.permit_valid_from or "", r.permit_valid_to or "",
               timezone.localtime(r.created_at).strftime("%Y-%m-%d %H:%M")]


# --- the public permit check (the QR code on the permit) ----------------------------------------------------

@dataclass(frozen=True)
class PermitCheck:
    """ONLY what the public page shows: no names, phones, IDs or company."""

    permit_number: str
    unit_code: str
    valid_from: datetime.date
    valid_to: datetime.date
    state: str  # valid / not_yet / expired / ended
    state_label: str


PERMIT_STATES = {"valid": _("Valid"), "not_yet": _("Not valid yet"), "expired": _("Expired"),
                 "ended": _("Works finished: permit no longer in force")}


def permit_check(token: str, today: datetime.date | None = None) -> PermitCheck:
    token = str(token or "")[:64]
    row = (Renovation.objects.filter(permit_token=token).exclude(permit_number="")
           .values("permit_number", "unit__code", "permit_valid_from", "permit_valid_to", "status").first())
    if row is None:
        raise Http404
    today = today or timezone.localdate()
    if row["status"] not in Renovation.ACTIVE_STATUSES:
        state = "ended"
    elif today < row["permit_valid_from"]:
        state = "not_yet"
    elif today > row["permit_valid_to"]:
        state = "expired"
    else:
        state = "valid"
    return PermitCheck(permit_number=row["permit_number"], unit_code=row["unit__code"],
                       valid_from=row["permit_valid_from"], valid_to=row["permit_valid_to"], state=state,
                       state_label=PERMIT_STATES[state])


def permit_for_pdf(*, user, pk) -> Renovation:
    renovation = renovation_detail(user=user, pk=pk)
    if not renovation.permit_number:
        raise Http404
    return renovation
