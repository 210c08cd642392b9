"""Every PDF billing renders: a selector's data → ``templates/billing/pdf/<doc>.html`` → PDF bytes. No
database writes here (printing a receipt records the print in ``services.counter.receipt_print``, which
renders through ``receipt_pdf``); the views wrap the bytes in a response.

Batches of one-page notices (缴费通知单, 催缴通知单) come in parts: WeasyPrint takes about 0.1–0.2 s a page,
so a whole large building in one request could outlast the web server's timeout (60 s in
docs/deployment.md). Up to ``BATCH_PAGES`` units the batch is one PDF; beyond, a page lists the parts
(each a PDF of at most ``BATCH_PAGES`` units, by ``?part=N``)."""

import datetime

from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from core.money import rmb_upper
from core.pdf import render_pdf

BATCH_PAGES = 40
PAY_WITHIN_DAYS = 7  # a dunning notice asks for payment within a week


def receipt_pdf(receipt, *, user, reprint: bool, printed_at=None, request=None) -> bytes:
    """The receipt as an A5 PDF: figures and 人民币大写, 补打 on a reprint and 作废 across a voided receipt.
    ``receipt`` needs community, unit, cashier, void and lines loaded (``selectors.counter.receipt_for_pdf``)."""
    void = getattr(receipt, "void", None)
    return render_pdf("billing/pdf/receipt.html", {
        "receipt": receipt, "lines": list(receipt.lines.all()), "amount_upper": rmb_upper(receipt.amount),
        "is_reprint": reprint, "is_void": void is not None, "printed_by": user,
        "printed_at": printed_at or timezone.now(), "qr_url": reverse("billing:receipt", args=[receipt.pk]),
    }, request=request)


def voucher_pdf(voucher, *, user, request=None) -> bytes:
    """减免单 / 退款单 (``selectors.counter.voucher_detail``)."""
    return render_pdf("billing/pdf/voucher.html", {
        "voucher": voucher, "amount_upper": rmb_upper(voucher.amount), "printed_by": user,
        "printed_at": timezone.now(), "qr_url": reverse("billing:voucher", args=[voucher.pk]),
    }, request=request)


def notice_pdf(*, community, notices: list, period: datetime.date, user, request=None) -> bytes:
    """缴费通知单, one page per notice (``selectors.runs.notices`` with a ``period``)."""
    return render_pdf("billing/pdf/notice.html", {
        "community": community, "notices": notices, "period": period, "today": timezone.localdate(),
        "printed_by": user}, request=request)


def dunning_pdf(*, community, notices: list, today: datetime.date, user, request=None) -> bytes:
    """催缴通知单, one page per notice (``selectors.arrears.dunning_notice`` or ``selectors.runs.notices``
    with ``overdue_on``)."""
    return render_pdf("billing/pdf/dunning.html", {
        "notices": notices, "community": community, "today": today, "printed_by": user,
        "pay_by": today + datetime.timedelta(days=PAY_WITHIN_DAYS)}, request=request)


def close_pdf(data: dict, *, user, request=None) -> bytes:
    """A cashier's daily close as recorded (``selectors.close.close_record``)."""
    return render_pdf("billing/pdf/close.html", {**data, "printed_at": timezone.now(), "printed_by": user},
                      request=request)


def batch_response(request, notices: list, *, title: str, render_part):
    """One PDF of ``notices``, or the page of their parts. ``render_part(notices_of_the_part, suffix)``
    returns the PDF response of one part."""
    parts = [notices[i:i + BATCH_PAGES] for i in range(0, len(notices), BATCH_PAGES)] or [[]]
    if len(parts) == 1:
        return render_part(parts[0], "")
    chosen = request.GET.get("part", "")
    if chosen.isdigit() and 1 <= int(chosen) <= len(parts):
        return render_part(parts[int(chosen) - 1], f"-{int(chosen)}of{len(parts)}")
    links = []
    for number, part in enumerate(parts, start=1):
        query = request.GET.copy()
        query["part"] = str(number)
        links.append({"number": number, "url": f"{request.path}?{query.urlencode()}", "count": len(part),
                      "first": part[0].unit.code, "last": part[-1].unit.code})
    return render(request, "billing/batch_parts.html", {"title": title, "parts": links, "total": len(notices),
                                                        "size": BATCH_PAGES})
