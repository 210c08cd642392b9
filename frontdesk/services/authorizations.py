"""Owners' authorisations for their tenants: granted for a period and a list of matters, revoked, never deleted."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import save_unique
from core.text import clean_text
from frontdesk.models import Occupancy, Person, TenantAuthorization


@transaction.atomic
def authorization_grant(*, tenancy: Occupancy, owner: Person, valid_from: datetime.date, valid_to: datetime.date,
                        scopes: list[str], document_ref: str = "", actor) -> TenantAuthorization:
    if tenancy.kind != Occupancy.Kind.TENANT or tenancy.end_date is not None:
        raise ValidationError(_("Only a current tenancy can be authorised."))
    if not Occupancy.objects.filter(unit_id=tenancy.unit_id, person=owner, kind=Occupancy.Kind.OWNER,
                                    end_date__isnull=True).exists():
        raise ValidationError({"owner": _("Only a current owner of this unit can authorise a tenant.")})
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
    if not scopes:
        raise ValidationError({"scopes": _("Choose at least one thing the tenant may do.")})
    authorization = TenantAuthorization(community_id=tenancy.community_id, tenancy=tenancy, owner=owner,
                                        valid_from=valid_from, valid_to=valid_to, scopes=list(scopes),
                                        document_ref=clean_text(document_ref), created_by=actor)
    return save_unique(authorization, field="scopes", message=_("This authorisation could not be saved."))


@transaction.atomic
def authorization_revoke(*, authorization: TenantAuthorization, reason: str, actor) -> TenantAuthorization:
    authorization = TenantAuthorization.objects.select_for_update().get(pk=authorization.pk)
    if authorization.revoked_at is None:
        authorization.revoked_at = timezone.now()
        authorization.revoked_by = actor
        authorization.revoke_reason = clean_text(str(reason))[:200]
        authorization.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    return authorization
