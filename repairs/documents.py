"""Every PDF the repairs app renders: a selector's data → ``templates/repairs/pdf/<doc>.html`` → bytes."""

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from core import privacy
from core.money import rmb_upper
from core.pdf import render_pdf

from .models import TicketPhoto
from .selectors.work import work_order_ticket


def _ticket_url(ticket) -> str:
    """The ticket's page (the board's), or the engineer's card while the board's page is not there."""
    try:
        return ticket.get_absolute_url()
    except NoReverseMatch:
        return reverse("repairs:work_ticket", args=[ticket.pk])


def work_order_pdf(*, user, pk: int, request=None) -> tuple[bytes, str]:
    """The printable work order (维修单) of a ticket of the user's communities: (PDF bytes, file name)."""
    ticket = work_order_ticket(user=user, pk=pk)
    photos = [p for p in ticket.photos.all() if p.stage in (TicketPhoto.Stage.BEFORE, TicketPhoto.Stage.AFTER)]
    pdf = render_pdf("repairs/pdf/work_order.html", {
        "ticket": ticket, "printed_at": timezone.now(), "printed_by": user,
        "contact_phone": privacy.display(user, privacy.PHONE, ticket.contact_phone),
        "charge_upper": rmb_upper(ticket.charge_amount) if ticket.charge_amount is not None else "",
        "photo_count": len(photos), "qr_url": _ticket_url(ticket),
    }, request=request)
    return pdf, f"work-order-{ticket.number}.pdf"


def service_order_pdf(*, user, pk: int, request=None) -> tuple[bytes, str]:
    """The service order (服务委托单) of a paid home service: what was booked at which price, the confirmed
    time, the worker, the completion and the charge, with the owner's confirmation."""
    from django.http import Http404

    from .models import Ticket
    from .selectors.home_services import price_on

    ticket = work_order_ticket(user=user, pk=pk)
    if ticket.kind != Ticket.Kind.SERVICE or ticket.service_item is None:
        raise Http404
    day = timezone.localdate(ticket.completed_at or ticket.created_at)
    price = price_on(item=ticket.service_item, day=day)
    pdf = render_pdf("repairs/pdf/service_order.html", {
        "ticket": ticket, "printed_at": timezone.now(), "printed_by": user, "price": price,
        "contact_phone": privacy.display(user, privacy.PHONE, ticket.contact_phone),
        "charge_upper": rmb_upper(ticket.charge_amount) if ticket.charge_amount is not None else "",
        "qr_url": _ticket_url(ticket),
    }, request=request)
    return pdf, f"service-order-{ticket.number}.pdf"
