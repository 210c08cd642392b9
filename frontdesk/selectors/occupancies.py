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



def is_current_owner(*, unit, person) -> bool:
    """Is ``person`` an owner of ``unit`` today (an owner occupancy not ended)?"""
    return person is not None and Occupancy.objects.filter(
        unit=unit, person=person, kind=Occupancy.Kind.OWNER, end_date__isnull=True).exists()


def tenant_authorization_check(*, unit, authorization, scope: str, scope_refused: str, today: datetime.date,
                               field: str = "tenant_authorization") -> TenantAuthorization:
    """The identity rule for a tenant acting for ``unit`` (seed 003 篇5: the owner's written authorisation on
    file): the authorisation is for a current tenant of this room, not revoked, valid ``today``, covers
    ``scope`` (``scope_refused`` is the message when it does not), and its owner still owns the room.
    Returns the authorisation (tenancy and owner loaded); refusals are ValidationErrors at ``field``."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext as _

    def refuse(message):
        return ValidationError({field: message})

    if authorization is None:
        raise refuse(_("Choose the owner's written authorisation of the tenant."))
    auth = TenantAuthorization.objects.select_related("tenancy", "owner").filter(pk=authorization.pk).first()
    tenancy = auth.tenancy if auth else None
    if auth is None or tenancy.unit_id != unit.pk or tenancy.kind != Occupancy.Kind.TENANT:
        raise refuse(_("This authorisation is not for a tenant of this room."))
    if tenancy.end_date is not None:
        raise refuse(_("This tenant has moved out."))
    if auth.revoked_at is not None:
        raise refuse(_("This authorisation was revoked."))
    if not (auth.valid_from <= today <= auth.valid_to):
        raise refuse(_("This authorisation is not valid today (%(from)s to %(to)s).")
                     % {"from": auth.valid_from, "to": auth.valid_to})
    if scope not in auth.scopes:
        raise refuse(scope_refused)
    if not is_current_owner(unit=unit, person=auth.owner):
        raise refuse(_("The authorising owner is no longer an owner of this room."))
    return auth
