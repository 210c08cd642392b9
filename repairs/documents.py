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


def handoff_application_pdf(*, handoff, user, request=None) -> tuple[bytes, str]:
    """A utility hand-off's application (入户申请表 / 变更表) as A4: what is e-mailed to the provider and the
    copy given to the owner. ``handoff`` from ``selectors.handoffs`` (ticket, unit, provider, service, people
    loaded). The phone shows as ``user`` may see it; the ID number is never printed (the ID copy goes along)."""
    from .selectors.handoffs import handoff_fee_upper

    ticket = handoff.ticket
    pdf = render_pdf("repairs/pdf/handoff_application.html", {
        "handoff": handoff, "ticket": ticket, "printed_at": timezone.now(), "printed_by": user,
        "contact_phone": privacy.display(user, privacy.PHONE, ticket.contact_phone),
        "fee_upper": handoff_fee_upper(handoff),
    }, request=request)
    return pdf, f"handoff-{ticket.number}.pdf"


def handoff_pdf(*, user, pk: int, request=None) -> tuple[bytes, str]:
    """The application of a hand-off of the user's communities, for printing at the desk."""
    from .selectors.handoffs import handoff_of

    return handoff_application_pdf(handoff=handoff_of(user=user, pk=pk), user=user, request=request)


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
