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
    return render_pdf(f"frontdesk/pdf/unit_card_{size}.html",
                      {"unit": unit, "people": people, "user": user,
                       "phones_in_full": privacy.sees_in_full(user, privacy.PHONE)}, request=request)


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


# ---- the daily summary 前台日报 (issue 13) ----
def daily_summary(*, community, day, user, request=None) -> tuple[bytes, str]:
    """The frozen summary of ``community`` on ``day``, A4: the service centre, the day, the exceptions, every
    section's figures as frozen and their comparisons (``selectors.summary.summary_for(archived=True)``)."""
    from django.utils import timezone

    from .selectors.summary import frozen_at, summary_for

    summary = summary_for([community.pk], day, user=user, archived=True)
    pdf = render_pdf("frontdesk/pdf/daily_summary.html", {
        "community": community, "summary": summary, "day": day, "frozen_at": frozen_at([community.pk], day),
        "printed_at": timezone.now(),
    }, request=request)
    return pdf, f"daily-summary-{community.code}-{day.isoformat()}.pdf"


# ---- survey (issue 13 §6) ----
def survey_results(*, survey, user, request=None) -> bytes:
    """The survey's analysis for the department head, A4: coverage, averages by area, question and building
    against the previous survey, the lowest-scoring items for action and the remarks (phones and ID numbers
    masked). ``survey`` comes from ``selectors.survey.survey_detail``."""
    from django.utils import timezone

    from .selectors.survey import PDF_COMMENT_LIMIT, results

    data = results(survey, comment_limit=PDF_COMMENT_LIMIT)
    return render_pdf("frontdesk/pdf/survey_results.html", {"data": data, "survey": survey, "user": user,
                                                            "printed_at": timezone.localtime()}, request=request)


# ---- notices (issue 12 §4) ----
def notice_pdf(*, notice, entrances, user, request=None) -> tuple[bytes, str]:
    """The notice to post, A4: one page per entrance (the service centre's header, the number, the date,
    the entrance it is for). ``notice`` from ``selectors.notices.notice_detail``; ``entrances`` from
    ``selectors.notices.notice_entrances``. A notice with no entrance chosen yet prints one page without one."""
    pdf = render_pdf("frontdesk/pdf/notice.html", {
        "notice": notice, "pages": list(entrances) or [None], "user": user,
        "paragraphs": [p for p in notice.body.split("\n") if p.strip()],
        # smaller type for a long text or title: still one page each
        "dense": len(notice.body) > 400 or notice.body.count("\n") >= 8, "long_title": len(notice.title) > 20,
    }, request=request)
    return pdf, f"notice-{notice.number}.pdf"


# ---- weekly and monthly reports (issue 13 §4) ----
def period_report(*, report, user, request=None) -> bytes:
    """The weekly or monthly report, A4: ``report`` comes from ``selectors.reports.period_report`` (frozen days
    only; the days not archived are listed)."""
    return render_pdf("frontdesk/pdf/period_report.html", {"report": report, "user": user}, request=request)
