"""Every PDF the renovation app renders: selector data → ``templates/renovation/pdf/…`` → PDF bytes."""

from django.urls import reverse
from django.utils import timezone

from core.pdf import render_pdf


def permit_pdf(renovation, *, user, request=None) -> bytes:
    """装修许可证 (A4): unit, period, scope, the engineering conditions and a QR code opening the public check
    page (the unguessable token, never the id). ``renovation`` from ``selectors.applications.permit_for_pdf``."""
    return render_pdf("renovation/pdf/permit.html", {
        "renovation": renovation, "scope_labels": renovation.scope_labels(), "printed_by": user,
        "printed_at": timezone.now(), "verify_url": reverse("renovation:verify", args=[renovation.permit_token]),
    }, request=request)
