"""Every PDF with maximal inputs: each free-text field filled to its model's max_length with Chinese text
(the slowest case for WeasyPrint's line breaking), names and codes at their longest, lists at a full page's
worth. Prints the time per PDF (the best of ``--repeat`` renders after a warm-up) and the load average.

    .venv/bin/python bench/pdf_max.py [--repeat 3]

No database: the templates get plain objects shaped like the models (``SimpleNamespace``), so only the
template and WeasyPrint are timed. Target: every PDF ≤ 1 s (docs/performance.md).
``tests/core/test_pdf_max.py`` renders the work order and the receipt from the same contexts."""

import argparse
import datetime
import os
import sys
import time
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace as NS

TEXT = "水管漏水，厨房地面积水严重，业主要求尽快上门维修并更换阀门；" * 200
NOW = datetime.datetime(2026, 11, 30, 17, 45, tzinfo=datetime.UTC)
TODAY = NOW.date()


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/frontdesk_bench")
    import django

    django.setup()


def text(model, field: str) -> str:
    """Chinese text as long as ``model.field`` may hold."""
    return TEXT[:model._meta.get_field(field).max_length]


def _user():
    return NS(display_name="欧阳建国（客服主管）", pk=1)


def _community():
    return NS(name="翠湖花园二期（东区）物业服务中心", code="CH2", phone="0571-8888 6666",
              address="杭州市西湖区文三路 999 号翠湖花园二期东门")


def work_order_context() -> dict:
    from repairs.models import Ticket

    ticket = NS(community=_community(), number="WX2026-000123", unit=NS(code="12-3-2802"),
                location=text(Ticket, "location"), category=NS(name="给排水（公共管道）"),
                contact_name=text(Ticket, "contact_name"), get_urgency_display="紧急", is_paid=True,
                description=text(Ticket, "description"), appointment_start=NOW, appointment_end=NOW,
                assignee=_user(), team=NS(name="工程部水电班"), created_at=NOW, dispatched_at=NOW, arrived_at=NOW,
                completed_at=NOW, work_done=text(Ticket, "work_done"), materials=text(Ticket, "materials"),
                labour_minutes=1440, charge_amount=Decimal("99999.99"),
                owner_confirmation=text(Ticket, "owner_confirmation"), owner_signature="M10 10 L590 190")
    return {"ticket": ticket, "printed_at": NOW, "printed_by": _user(), "contact_phone": "138****5678",
            "charge_upper": "玖万玖仟玖佰玖拾玖元玖角玖分", "photo_count": 12, "qr_url": "/repairs/tickets/123/"}


def receipt_context() -> dict:
    from billing.models import Receipt, ReceiptLine

    lines = [NS(description=text(ReceiptLine, "description"), amount=Decimal("99999.99")) for _ in range(24)]
    receipt = NS(community=_community(), number="SJ2026-000123", business_date=TODAY,
                 payer_name=text(Receipt, "payer_name"), unit=NS(code="12-3-2802"), amount=Decimal("2399999.76"),
                 get_method_display="银行转账", reference=text(Receipt, "reference"), cashier=_user(),
                 note=text(Receipt, "note"))
    return {"receipt": receipt, "lines": lines, "amount_upper": "贰佰叁拾玖万玖仟玖佰玖拾玖元柒角陆分",
            "is_reprint": True, "is_void": True, "printed_by": _user(), "printed_at": NOW,
            "qr_url": "/billing/receipts/123/"}


def voucher_context() -> dict:
    from billing.models import Voucher

    voucher = NS(community=_community(), get_kind_display="退款单", number="TK2026-000123", business_date=TODAY,
                 unit=NS(code="12-3-2802"), bill=NS(period=TODAY, fee_item=NS(name="物业服务费（高层住宅）")),
                 correction=NS(deposit=None), amount=Decimal("99999.99"), method="transfer",
                 get_method_display="银行转账", reference=text(Voucher, "reference"), reason=text(Voucher, "reason"),
                 requested_by=_user(), approved_by=_user())
    return {"voucher": voucher, "amount_upper": "玖万玖仟玖佰玖拾玖元玖角玖分", "printed_by": _user(),
            "printed_at": NOW, "qr_url": "/billing/vouchers/123/"}


def close_context() -> dict:
    from billing.models import Correction, DailyClose

    money = Decimal("999999.99")
    row = NS(label="微信支付", count=999, received=money, voided=money, refunded=money, net=money)
    receipt = NS(number="SJ2026-000123", business_date=TODAY, get_method_display="现金", amount=money)
    voids = [NS(receipt=receipt, reason=text(Correction, "reason")) for _ in range(20)]
    refunds = [NS(number="TK2026-000123", get_method_display="现金", amount=money, reason=text(Correction, "reason"))
               for _ in range(20)]
    close = NS(community=_community(), business_date=TODAY, cashier=_user(), closed_at=NOW, system_cash=money,
               counted_cash=money, difference=money, difference_reason=text(DailyClose, "difference_reason"),
               handed_to=text(DailyClose, "handed_to"))
    summary = NS(voids=voids, refunds=refunds, deposits_count=999, deposits_amount=money)
    return {"close": close, "totals": [row] * 6, "summary": summary, "counted_upper": "玖拾玖万玖仟玖佰玖拾玖元玖角玖分",
            "printed_at": NOW, "printed_by": _user()}


def _notice_bills(n=12):
    from billing.models import Bill

    return [NS(period=TODAY, fee_item=NS(name="物业服务费（高层住宅）"), description=text(Bill, "description"),
               due_date=TODAY, days_overdue=999, amount=Decimal("99999.99"), outstanding=Decimal("99999.99"),
               is_current=i == 0) for i in range(n)]


def notice_context() -> dict:
    notice = NS(unit=NS(code="12-3-2802"), owners="欧阳建国、司马晓燕、诸葛明", total=Decimal("1199999.88"),
                total_upper="壹佰壹拾玖万玖仟玖佰玖拾玖元捌角捌分", bills=_notice_bills())
    return {"community": _community(), "notices": [notice], "period": TODAY, "today": TODAY,
            "printed_by": _user()}


def dunning_context() -> dict:
    context = notice_context()
    del context["period"]
    return {**context, "pay_by": TODAY}


def handover_context() -> dict:
    from duty.models import DutyLogEntry, Handover, HandoverItemCount, HandoverPendingItem

    counts = [NS(item=NS(name="对讲机（前台 1 号）"), expected=99, counted=99, get_condition_display="损坏",
                 note=text(HandoverItemCount, "note")) for _ in range(10)]
    pending = [NS(entry=NS(seq=99999, content=text(DutyLogEntry, "content")), important=True, taken_over=True,
                  note=text(HandoverPendingItem, "note")) for _ in range(3)]
    handover = NS(community=_community(), started_at=NOW, outgoing=_user(), incoming=_user(),
                  outgoing_signed_at=NOW, incoming_signed_at=NOW, get_status_display="已完成",
                  incoming_late_minutes=999, last_entry_seq=99999, completed_at=NOW, override_by=_user(),
                  override_reason=TEXT[:200], notes=text(Handover, "notes"),
                  item_counts=NS(all=lambda: counts), pending_items=NS(all=lambda: pending))
    return {"handover": handover, "user": _user()}


def roster_context() -> dict:
    from duty.models import Roster

    days = [TODAY - datetime.timedelta(days=i) for i in range(31)][::-1]
    heads = [NS(date=d, weekend=d.weekday() >= 5, gap=d.day % 7 == 0, count=9) for d in days]
    rows = [NS(user=_user(), cells=[NS(code="早", weekend=h.weekend) for h in heads], worked=31) for _ in range(15)]
    templates = [NS(code=c, name=f"{c}班（前台）", start_time=datetime.time(8), end_time=datetime.time(17),
                    crosses_midnight=c == "夜") for c in "早中晚夜休"]
    roster = NS(get_status_display="已批准", submitted_at=NOW, manager_comment=text(Roster, "manager_comment"),
                created_by=_user())
    return {"community": _community(), "month": TODAY, "roster": roster, "late": True, "deadline": TODAY,
            "approval": NS(actor=_user(), at=NOW), "day_heads": heads, "rows": rows, "active_templates": templates,
            "problems": [NS(message=TEXT[:60]) for _ in range(5)], "printed_at": NOW, "user": _user()}


def appraisal_context() -> dict:
    from duty.models import SpotCheck

    items = list(SpotCheck.ITEMS)
    row = NS(clerk=_user(), spot_checks=99, nc_open=9, nc_corrected=99, items=[(code, label, 9) for code, label in items],
             late_handovers=9, late_minutes=999, overrides=9, completeness=100, logged_shifts=31, shifts=31)
    totals = NS(**{k: v for k, v in row.__dict__.items() if k != "clerk"})
    return {"community": _community(), "month": TODAY, "month_in_progress": True, "now": NOW, "rows": [row] * 15,
            "totals": totals, "items": items, "definitions": [TEXT[:120]] * 5, "user": _user()}


def unit_card_context() -> dict:
    from frontdesk.models import Person

    occupancy = NS(get_kind_display="业主", person=NS(name=Person._meta.get_field("name").max_length * "欧"),
                   start_date=TODAY)
    people = [NS(occupancy=occupancy, phone="138****5678", id_number="110105********002X") for _ in range(12)]
    vehicles = [NS(is_active=True, plate="浙A·D12345", description=TEXT[:100]) for _ in range(6)]
    unit = NS(pk=1, community=_community(), label="12栋3单元2802", code="12-3-2802", area=Decimal("999.99"),
              get_usage_display="商住两用", floor=28, all_vehicles=vehicles)
    return {"unit": unit, "people": people, "user": _user()}


def handoff_context() -> dict:
    from repairs.models import Handoff, Provider, ProviderService, Ticket

    ticket = NS(community=_community(), number="DB-20261130-0123", unit=NS(code="12-3-2802"), created_at=NOW,
                contact_name=text(Ticket, "contact_name"))
    person = NS(name=text(Ticket, "contact_name"))
    handoff = NS(ticket=ticket, provider=NS(name=text(Provider, "name")), service=NS(name=text(ProviderService, "name")),
                 applicant=person, owner=person, get_applicant_kind_display="持业主委托的租户",
                 tenant_authorization=NS(valid_from=TODAY, valid_to=TODAY, document_ref="委托书" * 30),
                 details=text(Handoff, "details"), fee=Decimal("99999.99"))
    return {"handoff": handoff, "ticket": ticket, "printed_at": NOW, "printed_by": _user(),
            "contact_phone": "13812345678", "fee_upper": "玖万玖仟玖佰玖拾玖元玖角玖分"}


def survey_results_context() -> dict:
    """The survey's analysis with every question, building and remark as long as allowed (issue 13 §6)."""
    from frontdesk.models import SurveyAnswer, SurveyQuestion
    from frontdesk.selectors.survey import PDF_COMMENT_LIMIT

    trend = {"previous": Decimal("4.99"), "change": Decimal("-3.99"), "trend": "down"}
    question = NS(text=text(SurveyQuestion, "text"), position=1, pk=1)
    questions = [{"question": question, "area_label": "客服", "average": Decimal("1.00"), "answers": 99999, **trend}
                 for _ in range(40)]
    areas = [{"area": "service", "label": "客服", "average": Decimal("1.00"), "answers": 99999, **trend}] * 6
    buildings = [{"name": "12栋" * 5, "average": Decimal("3.33"), "answers": 99999, "rooms": 9999}] * 60
    comments = [{"at": NOW, "room": "12栋3单元2802", "area": "客服", "question": question.text, "score": 1,
                 "text": text(SurveyAnswer, "comment")} for _ in range(PDF_COMMENT_LIMIT)]
    coverage = {"occupied": 99999, "surveyed": 99999, "target": Decimal("30"), "target_count": 30000,
                "share": Decimal("100.0"), "to_go": 0, "reached": True, "bar_max": 99999}
    data = {"previous": NS(title="2026年上半年"), "areas": areas, "questions": questions, "buildings": buildings,
            "lowest": questions[:5], "overall": {"average": Decimal("1.00"), "answers": 999999, **trend},
            "coverage": coverage, "comments": comments, "comment_limit": PDF_COMMENT_LIMIT}
    survey = NS(community=_community(), title="2026年下半年", is_closed=True, closed_at=NOW)
    return {"data": data, "survey": survey, "user": _user(), "printed_at": NOW}


def resident_notice_context() -> dict:
    """A notice to residents at its limits (issue 12 §4): a 100-character title, the longest text (every line
    wrapping once), a page for each of 30 entrances."""
    from frontdesk.services.notices import MAX_BODY, MAX_PARAGRAPHS

    lines = ["停" * 52] * (MAX_PARAGRAPHS - 1)
    body = "\n".join(lines + ["水" * (MAX_BODY - sum(map(len, lines)) - len(lines))])
    notice = NS(number="TZ2026-9999", title="通" * 100, body=body, status="published", community=_community(),
                post_from=TODAY, post_to=TODAY)
    entrances = [NS(building=NS(name=str(b)), name=str(e)) for b in range(1, 16) for e in (1, 2)]
    return {"notice": notice, "pages": entrances, "paragraphs": body.split("\n"), "dense": True,
            "long_title": True, "user": _user()}


CASES = {
    "repairs/pdf/handoff_application.html": handoff_context,
    "repairs/pdf/work_order.html": work_order_context,
    "billing/pdf/receipt.html": receipt_context,
    "billing/pdf/voucher.html": voucher_context,
    "billing/pdf/close.html": close_context,
    "billing/pdf/notice.html": notice_context,
    "billing/pdf/dunning.html": dunning_context,
    "duty/pdf/handover.html": handover_context,
    "duty/pdf/roster.html": roster_context,
    "duty/pdf/appraisal.html": appraisal_context,
    "frontdesk/pdf/unit_card_a4.html": unit_card_context,
    "frontdesk/pdf/unit_card_a5.html": unit_card_context,
    "frontdesk/pdf/survey_results.html": survey_results_context,
    "frontdesk/pdf/notice.html": resident_notice_context,
}


def time_pdf(template: str, context: dict, repeat: int = 3) -> tuple[float, int]:
    """(best seconds of ``repeat`` renders, size in bytes)."""
    from core.pdf import render_pdf

    best, size = float("inf"), 0
    for _ in range(repeat):
        started = time.perf_counter()
        size = len(render_pdf(template, context))
        best = min(best, time.perf_counter() - started)
    return best, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from core.pdf import render_pdf

    render_pdf("duty/pdf/handover.html", handover_context())  # warm-up: fonts loaded once per process
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'PDF':36} {'seconds':>8} {'bytes':>9}")
    for template, build in CASES.items():
        seconds, size = time_pdf(template, build(), args.repeat)
        print(f"{template:36} {seconds:8.2f} {size:9d}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
