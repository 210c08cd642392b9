"""Occupancies and tenant authorisations, scoped to the user's communities."""

import datetime

from django.utils import timezone

from frontdesk.models import Occupancy, TenantAuthorization
from frontdesk.scoping import scope


def occupancies_for(user):
    return scope(Occupancy.objects.select_related("unit__building", "unit__entrance", "person"), user)


def authorizations_for(user):
    return scope(TenantAuthorization.objects.select_related("tenancy__unit__building", "tenancy__unit__entrance"), user)


def tenant_may_act(*, tenancy: Occupancy, scope: str, on: datetime.date | None = None) -> bool:
    """May this tenant act for the unit in this matter today (owner's authorisation in force)?"""
    on = on or timezone.localdate()
    return tenancy.authorizations.filter(
        revoked_at__isnull=True, valid_from__lte=on, valid_to__gte=on, scopes__contains=[scope]
    ).exists()

