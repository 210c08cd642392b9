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


# ---- slips (issue 11) ----
def release_slip(*, slip, user, request=None) -> tuple[bytes, str]:
    """The release slip (物品放行条), A5: the number, the unit, the applicant and the carrier (ID number
    masked), the items, the reason, the day it is valid, the signatures (the applicant's drawn signature or
    a line to sign on, the supervisor, the manager) and a QR code the gate scans (a secret token, not the id).
    ``slip`` comes from ``selectors.slips.slip_detail``."""
    import base64

    from django.core.files.storage import default_storage
    from django.urls import reverse

    signature_uri = ""
    if slip.signature:
        try:
            with default_storage.open(slip.signature.name, "rb") as f:
                signature_uri = "data:image/png;base64," + base64.b64encode(f.read()).decode()
        except FileNotFoundError:
            signature_uri = ""
    pdf = render_pdf("frontdesk/pdf/release_slip.html", {
        "slip": slip, "items": list(slip.items.all()), "user": user, "signature_uri": signature_uri,
        "carrier_id": privacy.mask_id_number(slip.carrier_id_number),
        "applicant_phone": privacy.display(user, privacy.PHONE, slip.applicant_phone),
        "qr_url": reverse("frontdesk:gate_slip", args=[slip.token]),
    }, request=request)
    return pdf, f"release-slip-{slip.number}.pdf"


# ---- weekly and monthly reports (issue 13 §4) ----
def period_report(*, report, user, request=None) -> bytes:
    """The weekly or monthly report, A4: ``report`` comes from ``selectors.reports.period_report`` (frozen days
    only; the days not archived are listed)."""
    return render_pdf("frontdesk/pdf/period_report.html", {"report": report, "user": user}, request=request)
