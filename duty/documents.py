"""Every PDF the duty app renders (WeasyPrint only): a selector's data → ``templates/duty/pdf/<doc>.html`` →
bytes and a file name. Nothing here queries or writes."""

from django.utils import timezone

from core.pdf import render_pdf

from .models import SpotCheck


def appraisal_pdf(*, data: dict, user, request=None) -> tuple[bytes, str]:
    """The monthly appraisal summary per clerk (A4), from ``duty.selectors.appraisal.appraisal_month``."""
    pdf = render_pdf("duty/pdf/appraisal.html", {**data, "user": user, "items": SpotCheck.ITEMS}, request=request)
    return pdf, f"appraisal-{data['community'].code}-{data['month']:%Y-%m}.pdf"


def handover_pdf(*, handover, user, request=None) -> tuple[bytes, str]:
    """The handover record, from ``duty.selectors.handover.handover_detail``."""
    pdf = render_pdf("duty/pdf/handover.html", {"handover": handover, "user": user}, request=request)
    return pdf, f"handover-{handover.community.code}-{handover.pk}.pdf"


def roster_pdf(*, grid: dict, user, request=None) -> tuple[bytes, str]:
    """The month's roster, from ``duty.selectors.roster.roster_grid``."""
    pdf = render_pdf("duty/pdf/roster.html", {**grid, "printed_at": timezone.now(), "user": user}, request=request)
    return pdf, f"roster-{grid['community'].code}-{grid['month']:%Y-%m}.pdf"
