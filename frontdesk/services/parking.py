"""Parking spaces: created and edited with their room and vehicle."""

from django.utils.translation import gettext as _

from core.db import save_unique
from core.text import clean_text
from frontdesk.models import ParkingSpace, Unit, Vehicle

from .checks import refuse_duplicate


def parking_space_save(*, community, code: str, kind: str, actor, unit: Unit | None = None,
                       vehicle: Vehicle | None = None, notes: str = "", space: ParkingSpace | None = None) -> ParkingSpace:
    space = space or ParkingSpace(community=community)
    space.code, space.kind, space.unit, space.vehicle, space.notes = (clean_text(code).upper(), kind, unit, vehicle,
                                                                      clean_text(notes))
    message = _("Parking space %(code)s already exists.") % {"code": space.code}
    refuse_duplicate(ParkingSpace.objects.filter(community=community, code=space.code), space, "code", message)
    update_fields = ["code", "kind", "unit", "vehicle", "notes"] if space.pk else None
    return save_unique(space, field="code", message=message, update_fields=update_fields)
