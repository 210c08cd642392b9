"""Every PDF the renovation app renders: selector data → ``templates/renovation/pdf/…`` → PDF bytes: the
permit 装修许可证, worker pass cards, the additional works' archived copy, the hot-work permit 动火许可证."""

import base64
import mimetypes

from django.core.files.storage import default_storage
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from core import privacy
from core.pdf import render_pdf

from .models import HotWorkPermit
from .selectors.hotwork import permit_for_pdf


def permit_pdf(renovation, *, user, request=None) -> bytes:
    """装修许可证 (A4): unit, period, scope, the engineering conditions and a QR code opening the public check
    page (the unguessable token, never the id). ``renovation`` from ``selectors.applications.permit_for_pdf``."""
    return render_pdf("renovation/pdf/permit.html", {
        "renovation": renovation, "scope_labels": renovation.scope_labels(), "printed_by": user,
        "printed_at": timezone.now(), "verify_url": reverse("renovation:verify", args=[renovation.permit_token]),
    }, request=request)
CARDS_PER_SHEET = 10  # 2 × 5 cards of 85.6 × 54 mm on an A4 sheet


def _data_uri(name: str) -> str:
    """A stored picture as a data URI for WeasyPrint (the file is never at a public URL)."""
    if not name:
        return ""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except (FileNotFoundError, OSError):
        return ""
    content_type = mimetypes.guess_type(name)[0] or "image/jpeg"
    return f"data:{content_type};base64,{base64.b64encode(data).decode('ascii')}"


def pass_cards_pdf(*, passes, user, request=None) -> bytes:
    """The pass cards (credit-card size, 10 per A4 sheet for batch printing): photo, number, room, trade,
    validity, and the QR the guard scans (the card's token, not its id)."""
    cards = [{"pass": p, "photo": _data_uri(p.photo.name), "check_url": reverse("renovation:gate_check", args=[p.token])}
             for p in passes]
    sheets = [cards[i:i + CARDS_PER_SHEET] for i in range(0, len(cards), CARDS_PER_SHEET)]
    return render_pdf("renovation/pdf/pass_cards.html", {"sheets": sheets, "printed_at": timezone.now(),
                                                          "printed_by": user}, request=request)


def works_pdf(*, request) -> bytes:
    """增加项目申请表 as approved: the archived copy (复印一份留底存档)."""
    changes = list(request.status_changes.select_related("actor").order_by("at", "id"))
    return render_pdf("renovation/pdf/works.html", {"req": request, "renovation": request.renovation,
                                                     "changes": changes, "printed_at": timezone.now()})


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
