"""Every PDF frontdesk renders: a selector's data → ``templates/frontdesk/pdf/`` → PDF bytes."""

from core import privacy
from core.pdf import render_pdf

UNIT_CARD_SIZES = ("a4", "a5")


def unit_card(*, unit, user, size: str = "a4", request=None) -> bytes:
    """The room's card: the room and its current occupants, phones and ID numbers masked for ``user``.
    ``unit`` comes from ``selectors.units.unit_detail`` (its occupancies are prefetched)."""
    size = size if size in UNIT_CARD_SIZES else "a4"
    current = [o for o in unit.all_occupancies if o.is_current]
    people = [{"occupancy": o, "phone": privacy.display(user, privacy.PHONE, o.person.phone),
               "id_number": privacy.mask_id_number(o.person.id_number)} for o in current]
    return render_pdf(f"frontdesk/pdf/unit_card_{size}.html", {"unit": unit, "people": people, "user": user},
                      request=request)
