"""The monthly appraisal summary per clerk as an A4 PDF (WeasyPrint only: the selector's data →
``templates/duty/pdf/appraisal.html`` → bytes). The figures come from
``duty.selectors_review.appraisal_month``; nothing here queries or writes."""

from core.pdf import render_pdf

from ..models import SpotCheck


def appraisal_pdf(*, data: dict, user, request=None) -> bytes:
    return render_pdf("duty/pdf/appraisal.html", {**data, "user": user, "items": SpotCheck.ITEMS}, request=request)


def filename(data: dict) -> str:
    return f"appraisal-{data['community'].code}-{data['month']:%Y-%m}.pdf"
