"""Billing's section of the daily summary (issue 13 §1, §5, §7): a known day — receipts by method, a void, a
pending waiver, a bill of the month — gives known figures with their labels; each COUNT figure's drill-down
lists as many rows; community B's money never reaches A; three queries for one or three communities; the
cashier's and the supervisor's "today" cards."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from billing.models import FeeItem
from billing.selectors import summary
from billing.selectors.collection import collection_report
from billing.services import close, corrections, payments
from core.models import Role
from frontdesk.models import SummarySettings
from frontdesk.registry import summary_sections
from tests.factories import CommunityFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
NOW = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(10)))
MONTH = TODAY.replace(day=1)
PASSWORD = "pw-123456"  # tests.factories.UserFactory


def pay(unit, bills, amount, cashier, method="cash"):
    return payments.pay_at_counter(community=unit.community, unit=unit, bill_ids=[b.pk for b in bills],
                                   amount=amount, method=method, payer_name="张建国", cashier=cashier,
                                   reference="" if method == "cash" else "WX-0001", now=NOW)


@pytest.fixture
def known_day(unit_a, unit_b, bills_a, fee_items, make_bill, cashier, supervisor, make_user, community_b):
    """Community A, today: cash 250 (Aug, then voided) and 250 (Sep), WeChat 400 (this month's bill, paid in
    full); a waiver of 50 on October asked for and pending. Community B: a cashier took 999 in cash."""
    aug, sep, oct_, parking = bills_a
    current = make_bill(unit_a, fee_items["property"], MONTH, "400.00")
    r1 = pay(unit_a, [aug], "250", cashier)
    pay(unit_a, [sep], "250", cashier)
    pay(unit_a, [current], "400", cashier, method="wechat")
    void = corrections.correction_request(kind="void", community=unit_a.community, actor=cashier, reason="金额收错",
                                          receipt=r1)
    corrections.correction_decide(correction=void, approver=supervisor, approve=True, now=NOW)
    corrections.correction_request(kind="waiver", community=unit_a.community, actor=cashier, reason="业主困难",
                                   bill=oct_, amount="50")
    fee_b = FeeItem.objects.create(community=community_b, code="property", name="物业服务费",
                                   kind=FeeItem.Kind.PROPERTY, basis=FeeItem.Basis.AREA)
    bill_b = make_bill(unit_b, fee_b, MONTH, "999.00")
    cashier_b = make_user(role=Role.CASHIER, communities=[community_b], username="cashier_b")
    pay(unit_b, [bill_b], "999", cashier_b)
    return {"current": current}


EVENING = timezone.make_aware(datetime.datetime.combine(TODAY, datetime.time(20)))  # the default summary time


def by_key(community_ids, day=TODAY, now=EVENING):
    return {f.key: f for f in summary.figures(community_ids, day, now)}


def test_the_section_is_registered():
    section = next(s for s in summary_sections() if s.key == "billing")
    assert section.figures is summary.figures and section.today is summary.today_cards


def test_a_known_day_gives_known_figures_with_chinese_labels(known_day, community_a):
    f = by_key([community_a.pk])
    collected = f["billing.collected"]
    assert collected.kind == "money" and collected.value == Decimal("650.00")  # cash 500 − 250 voided, WeChat 400
    assert dict(collected.breakdown) == {"Cash": Decimal("250.00"), "WeChat Pay": Decimal("400.00")}
    assert collected.label == "Fees collected"  # 实收费用 in the catalogue (messages are English here)
    assert f["billing.close_missing"].value == 1 and f["billing.close_missing"].exception
    assert f["billing.corrections_waiting"].value == 1 and f["billing.corrections_waiting"].exception
    # bills issued today 1,450 − receipt lines 900 + the 250 reopened by the void: the 800 still unpaid
    assert f["billing.arrears_change"].value == Decimal("800.00")
    report = collection_report(community_ids=[community_a.pk], month=MONTH).total.month
    rate = f["billing.collection_rate"]
    assert rate.value == Decimal("100.0") == report.current_rate and rate.target == Decimal("85") and not rate.alert
    past = f["billing.collection_rate_past_due"]
    assert past.value == report.past_rate and past.value < 85 and past.alert
    by_building = f["billing.collection_rate.by_building"]
    assert by_building.additive is False and by_building.breakdown == (("3", Decimal("100.0")),)
    assert f["billing.close_missing"].label == "Cashier days not closed or not balanced"
    assert f["billing.collection_rate"].label == "Collection rate (current)"
    assert all(figure.url.startswith("/billing/") for figure in f.values())


def test_drill_downs_list_the_rows_counted(known_day, client, users, community_a):
    client.force_login(users[Role.MANAGER])
    SummarySettings.objects.create(community=community_a, freeze_at=datetime.time(0))  # due whatever the clock says
    f = by_key([community_a.pk], now=timezone.now())
    waiting = client.get(f["billing.corrections_waiting"].url)
    assert waiting.status_code == 200 and len(waiting.context["rows"]) == f["billing.corrections_waiting"].value
    receipts = client.get(f["billing.collected"].url)
    page = receipts.context["page"]
    assert page.paginator.count == 3 and {r.community_id for r in page.object_list} == {community_a.pk}
    assert sum(r.amount for r in page.object_list if not hasattr(r, "void")) == f["billing.collected"].value
    closes = client.get(f["billing.close_missing"].url)
    assert len(closes.context["unclosed"]) == f["billing.close_missing"].value == 1
    assert closes.content.decode().count('class="unclosed-row"') == 1
    for key in ("billing.collection_rate", "billing.arrears_change"):
        assert client.get(f[key].url).status_code == 200


def test_community_b_is_never_counted_for_a(known_day, community_a, community_b):
    a, b, both = by_key([community_a.pk]), by_key([community_b.pk]), by_key([community_a.pk, community_b.pk])
    assert b["billing.collected"].value == Decimal("999.00") and b["billing.corrections_waiting"].value == 0
    assert both["billing.collected"].value == a["billing.collected"].value + Decimal("999.00")
    assert both["billing.close_missing"].value == 2
    assert both["billing.collection_rate.by_building"].breakdown[0][0].startswith(community_a.name)


def test_a_cashier_still_at_the_counter_is_no_exception_until_the_close_is_due(known_day, community_a, cashier,
                                                                                client, users):
    """Not closed counts once the day is over or the community's summary time has passed; a close that does
    not balance counts at once. The drill-down shows the cashiers still at the counter apart, with the time."""
    missing = lambda now: by_key([community_a.pk], now=now)["billing.close_missing"].value  # noqa: E731
    assert missing(NOW) == 0  # 10:00: the cashier is still taking money
    assert missing(EVENING) == 1  # 20:00, the default time
    assert missing(NOW + datetime.timedelta(days=1)) == 1  # the next morning: the day is over
    settings = SummarySettings.objects.create(community=community_a, freeze_at=datetime.time(9, 30))
    assert missing(NOW) == 1  # the community's own time

    settings.freeze_at = datetime.time.max  # never due today, whatever the clock says
    settings.save()
    client.force_login(users[Role.MANAGER])
    page = client.get(reverse("billing:close_list"), {"community": community_a.pk, "day": TODAY.isoformat()}).content.decode()
    assert page.count('class="open-row"') == 1 and 'class="unclosed-row"' not in page
    assert "the close is due by 23:59" in page and "Every cashier closed the day" not in page

    close.day_close(community=community_a, cashier=cashier, day=TODAY, counted_cash="1", difference_reason="少收",
                    handed_to="财务 孙丽", password=PASSWORD, now=NOW)
    assert missing(NOW) == 1  # counted 1 against 250 in the system: an exception at once
    page = client.get(reverse("billing:close_list"), {"community": community_a.pk, "day": TODAY.isoformat()}).content.decode()
    assert page.count('class="unclosed-row"') == 1 and 'class="open-row"' not in page


def test_three_queries_for_one_or_three_communities(known_day, community_a, community_b,
                                                    django_assert_max_num_queries):
    third = CommunityFactory()
    with django_assert_max_num_queries(3):
        summary.figures([community_a.pk], TODAY)
    with django_assert_max_num_queries(3):
        summary.figures([community_a.pk, community_b.pk, third.pk], TODAY)


def test_today_cards_per_role(known_day, users, community_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        cards = {c.key: c for c in summary.today_cards(users[Role.CASHIER], [community_a.pk], TODAY)}
    assert cards["billing.takings"].count == 3 and len(cards["billing.takings"].items) == 2
    assert cards["billing.close"].count == 1 and cards["billing.close"].items[0].url.endswith("/close/")
    assert cards["billing.corrections_mine"].count == 1
    with django_assert_max_num_queries(1):
        cards = summary.today_cards(users[Role.SUPERVISOR], [community_a.pk], TODAY)
    assert [(c.key, c.count) for c in cards] == [("billing.corrections_to_approve", 1)]
    assert cards[0].items[0].url.startswith("/") and Role.SUPERVISOR in cards[0].roles
    assert summary.today_cards(users[Role.CLERK], [community_a.pk], TODAY) == []


def test_a_correction_waiting_tells_when_it_was_asked_not_a_breach(known_day, users, community_a, english_messages):
    """"已超时 4 分钟" four minutes after it was asked: the request time was passed as a deadline."""
    (card,) = summary.today_cards(users[Role.SUPERVISOR], [community_a.pk], TODAY)
    (item,) = card.items
    assert item.due is None and not item.urgent and item.since is not None
    from core import durations

    assert durations.since_text(item.since_label, item.since, item.since + datetime.timedelta(minutes=4)) \
        == "asked 4 min ago"
