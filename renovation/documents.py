"""Every PDF the renovation app renders: a selector's data → ``templates/renovation/pdf/<doc>.html`` → bytes."""

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core import privacy
from core.pdf import render_pdf

# ---- hotwork (R4) ----
from .models import HotWorkPermit
from .selectors.hotwork import permit_for_pdf


def hotwork_permit_pdf(*, user, pk: int, request=None) -> tuple[bytes, str]:
    """动火许可证 (A4): number, room, location, window, welder, fire watcher, extinguishers, the reviews and
    the approval, a box for the manager's stamp. Only an issued (or expired / closed-out) permit prints."""
    permit = permit_for_pdf(user=user, pk=pk)
    if not permit.number:
        raise Http404
    now = timezone.now()
    pdf = render_pdf("renovation/pdf/hotwork_permit.html", {
        "permit": permit, "printed_at": now, "printed_by": user,
        "status_label": permit.shown_status_label(now), "expired": permit.shown_status(now) != HotWorkPermit.Status.ISSUED,
        "fire_watcher_phone": privacy.display(user, privacy.PHONE, permit.fire_watcher_phone),
        "qr_url": request.build_absolute_uri(reverse("renovation:hotwork_detail", args=[permit.pk])) if request
        else reverse("renovation:hotwork_detail", args=[permit.pk]),
    }, request=request)
    return pdf, f"hotwork-permit-{permit.number}.pdf"
# ---- end hotwork (R4) ----
