"""Reads of utility hand-offs and their providers, scoped to the user's communities (a foreign one is a 404)."""

import datetime

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from frontdesk.models import Occupancy, Person, TenantAuthorization
from frontdesk.scoping import scope

from ..models import Handoff, Provider, ProviderService, ProviderServiceFee


def handoffs_for(user):
    return scope(Handoff.objects.all(), user)


def _with_joins(qs):
    return qs.select_related("ticket__community", "ticket__unit__building", "ticket__unit__entrance", "provider",
                             "service", "owner", "applicant", "tenant_authorization", "forward_message",
                             "forwarded_by", "provider_reply_by")


def handoff_of(*, user, pk: int) -> Handoff:
    """A hand-off by its ticket's id, of the user's communities."""
    return get_object_or_404(_with_joins(handoffs_for(user)), ticket_id=pk)


def handoff_for_ticket(ticket) -> Handoff | None:
    """The ticket page's hand-off card (one query), for a ticket already scoped."""
    return _with_joins(Handoff.objects.filter(ticket=ticket)).first()


def handoff_fee_bill(handoff: Handoff | None):
    """The bill of a hand-off's 代收 fee as billing has it (``billing.interface.ChargeBill``: paid, waived, still
    owed, a waiver awaiting approval), or None when the fee was not billed (one query)."""
    if handoff is None or handoff.billed_at is None:
        return None
    from billing import interface as billing

    from ..charges import HANDOFF_REF_PREFIX

    ref = f"{HANDOFF_REF_PREFIX}{handoff.pk}"
    return billing.charge_bills(community=handoff.community, refs=[ref]).get(ref)


def _fees():
    return Prefetch("fees", queryset=ProviderServiceFee.objects.order_by("-valid_from"), to_attr="all_fees")


def _services(active_only: bool):
    qs = ProviderService.objects.prefetch_related(_fees()).order_by("sort_order", "id")
    if active_only:
        qs = qs.filter(is_active=True)
    return Prefetch("services", queryset=qs, to_attr="all_services")


def current_fee(service: ProviderService, on: datetime.date):
    """From a service loaded with ``all_fees`` (newest first): the fee on ``on`` (None: none set yet)."""
    return next((f for f in service.all_fees if f.valid_from <= on), None)


def providers_page(*, community, active_only: bool = False) -> list[Provider]:
    """A community's providers with their request types and fees (three queries); each service carries
    ``fee_today``."""
    qs = Provider.objects.filter(community=community).prefetch_related(_services(active_only))
    if active_only:
        qs = qs.filter(is_active=True)
    today = timezone.localdate()
    providers = list(qs.order_by("service", "name"))
    for provider in providers:
        for service in provider.all_services:
            service.fee_today = current_fee(service, today)
    return providers


def provider_of(*, user, pk: int) -> Provider:
    return get_object_or_404(scope(Provider.objects.select_related("community"), user), pk=pk)


def service_of(*, user, pk: int) -> ProviderService:
    return get_object_or_404(scope(ProviderService.objects.select_related("provider__community"), user,
                                   field="provider__community"), pk=pk)


def filing_choices(*, unit) -> dict:
    """What the filing form offers for ``unit`` (querysets): the community's request types in use, the room's
    current owners and its tenants' authorisations not revoked (the service checks validity and scope)."""
    services = (ProviderService.objects.filter(provider__community=unit.community_id, provider__is_active=True,
                                               is_active=True)
                .select_related("provider").order_by("provider__service", "provider__name", "sort_order", "id"))
    owners = Person.objects.filter(occupancies__unit=unit, occupancies__kind=Occupancy.Kind.OWNER,
                                   occupancies__end_date__isnull=True).distinct().order_by("name", "id")
    authorizations = (TenantAuthorization.objects.filter(tenancy__unit=unit, tenancy__end_date__isnull=True,
                                                         revoked_at__isnull=True)
                      .select_related("tenancy__person", "owner").order_by("-valid_from", "id"))
    return {"services": services, "owners": owners, "authorizations": authorizations}


def handoff_fee_upper(handoff) -> str:
    """The fee in 人民币大写 for the application ("" when there is none)."""
    from core.money import rmb_upper

    return rmb_upper(handoff.fee) if handoff.fee else ""
