"""Occupancies: move-in (owner, resident, tenant) and move-out. The relation ends, the record stays."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from core.db import save_unique
from core.text import clean_text
from frontdesk.models import Occupancy, Person, Unit

from .authorizations import authorization_revoke
from .people import person_find_or_create


@transaction.atomic
def occupancy_start(*, unit: Unit, person: Person, kind: str, start_date: datetime.date, actor,
                    share: Decimal | None = None, relationship: str = "") -> Occupancy:
    unit = Unit.objects.select_for_update().get(pk=unit.pk)  # serialises share checks per unit
    held = 0
    if kind == Occupancy.Kind.OWNER:
        held = Occupancy.objects.filter(unit=unit, kind=kind, end_date__isnull=True).aggregate(s=Sum("share"))["s"] or 0
    occupancy = occupancy_new(unit=unit, person=person, kind=kind, start_date=start_date, share=share,
                              relationship=relationship, held=held, actor=actor)
    message = _("%(name)s is already recorded in this role for this unit.") % {"name": person.name}
    if Occupancy.objects.filter(unit=unit, person=person, kind=kind, end_date__isnull=True).exists():
        raise ValidationError(message)
    return save_unique(occupancy, field="kind", message=message)


def occupancy_new(*, unit: Unit, person: Person, kind: str, start_date: datetime.date, held, actor,
                  share: Decimal | None = None, relationship: str = "") -> Occupancy:
    """An unsaved occupancy. ``held``: the shares the unit's current owners hold (locked by the caller).
    Owners hold 100 % unless told otherwise, and never more than 100 % together; others hold none."""
    if person.community_id != unit.community_id:
        raise ValidationError(_("This person belongs to another community's archive."))
    if kind == Occupancy.Kind.OWNER:
        share = share if share is not None else Decimal("100")
        if held + share > 100:
            raise ValidationError({"share": _("The owners' shares would exceed 100%% (already %(held)s%%).") % {"held": held}})
    else:
        share = None
    return Occupancy(community_id=unit.community_id, unit=unit, person=person, kind=kind, share=share,
                     relationship=relationship, start_date=start_date, created_by=actor)


@transaction.atomic
def occupancy_end(*, occupancy: Occupancy, end_date: datetime.date, reason: str, actor) -> Occupancy:
    """Move-out: the relation ends, the record stays. A tenant's authorisations end with the tenancy."""
    occupancy = Occupancy.objects.select_for_update().get(pk=occupancy.pk)
    if occupancy.end_date is not None:
        raise ValidationError(_("This person has already moved out (on %(date)s).") % {"date": occupancy.end_date})
    if end_date < occupancy.start_date:
        raise ValidationError({"end_date": _("The move-out date cannot be before the move-in date.")})
    occupancy.end_date = end_date
    occupancy.end_reason = clean_text(reason)
    occupancy.ended_by = actor
    occupancy.ended_at = timezone.now()
    occupancy.full_clean()
    occupancy.save(update_fields=["end_date", "end_reason", "ended_by", "ended_at"])
    for authorization in occupancy.authorizations.filter(revoked_at__isnull=True):
        authorization_revoke(authorization=authorization, reason=_("Tenancy ended"), actor=actor)
    return occupancy


def occupant_add(*, unit: Unit, kind: str, name: str, id_type: str, id_number: str, phone: str,
                 start_date: datetime.date, actor, share: Decimal | None = None, relationship: str = "") -> Occupancy:
    with transaction.atomic():
        person, _created = person_find_or_create(community=unit.community, name=name, id_type=id_type,
                                                 id_number=id_number, phone=phone, actor=actor)
        return occupancy_start(unit=unit, person=person, kind=kind, start_date=start_date, share=share,
                               relationship=relationship, actor=actor)
