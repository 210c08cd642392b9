"""收银日结: figures by method, voids of earlier days, refunds, counted cash, signature, once per day, and
business_date moving the cashier's later payments, voids and refunds to the next day."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.utils import InternalError
from django.urls import reverse
from django.utils import timezone

from billing.models import DailyClose, Receipt
from billing.selectors.close import day_summary, days_left_open
from billing.services import close, corrections, payments
from billing.services.numbers import business_date
from core.models import Role

pytestmark = pytest.mark.django_db
PASSWORD = "pw-123456"  # tests.factories.UserFactory


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


TODAY = timezone.localdate()
NOW = at(TODAY)
TOMORROW = TODAY + datetime.timedelta(days=1)


def pay(unit, bills, amount, cashier, method="cash", now=NOW, **kw):
    return payments.pay_at_counter(community=unit.community, unit=unit, bill_ids=[b.pk for b in bills],
                                   amount=amount, method=method, payer_name="张建国", cashier=cashier,
                                   reference="" if method == "cash" else "WX-0001", now=now, **kw)


def void(receipt, cashier, supervisor, now=NOW):
    c = corrections.correction_request(kind="void", community=receipt.community, actor=cashier, reason="金额收错",
                                       receipt=receipt)
    return corrections.correction_decide(correction=c, approver=supervisor, approve=True, now=now)


def do_close(community, cashier, day=TODAY, counted="0", reason="", now=NOW, password=PASSWORD):
    return close.day_close(community=community, cashier=cashier, day=day, counted_cash=counted,
                           difference_reason=reason, handed_to="财务 孙丽", password=password, now=now)


@pytest.fixture
def day_of_payments(unit_a, bills_a, cashier, supervisor):
    """Cash 250 + 250, WeChat 300, cash 100 prepaid then refunded (TK), one cash receipt of 250 voided."""
    aug, sep, oct_, parking = bills_a
    r1 = pay(unit_a, [aug], "250", cashier)
    r2 = pay(unit_a, [sep], "250", cashier)
    r3 = pay(unit_a, [parking], "300", cashier, method="wechat")
    pay(unit_a, [], "100", cashier, prepay_rest=True)  # applied to October at once: no balance left
    void(r2, cashier, supervisor)
    return r1, r2, r3


def test_summary_by_method_with_voids_and_system_cash(unit_a, day_of_payments, cashier):
    summary = day_summary(community=unit_a.community, cashier=cashier, day=TODAY)
    rows = {r.method: r for r in summary.rows}
    assert (rows["cash"].count, rows["cash"].received, rows["cash"].voided) == (3, Decimal("600.00"),
                                                                                  Decimal("250.00"))
    assert rows["wechat"].received == Decimal("300.00") and rows["wechat"].net == Decimal("300.00")
    assert summary.system_cash == Decimal("350.00")
    assert summary.total.net == Decimal("650.00")
    assert [v.receipt.number for v in summary.voids] == [day_of_payments[1].number]
    assert day_summary(community=unit_a.community, cashier=cashier, day=TOMORROW).total.count == 0


def test_refund_voucher_is_cash_out(unit_a, fee_items, make_bill, cashier, supervisor):
    pay(unit_a, [], "500", cashier, prepay_rest=True)
    c = corrections.correction_request(kind="refund", community=unit_a.community, actor=cashier, reason="业主搬离",
                                       unit=unit_a, amount="200", method="cash")
    corrections.correction_decide(correction=c, approver=supervisor, approve=True, now=NOW)
    summary = day_summary(community=unit_a.community, cashier=cashier, day=TODAY)
    assert summary.system_cash == Decimal("300.00")
    assert [v.amount for v in summary.refunds] == [Decimal("200.00")]


def test_close_records_totals_and_difference(unit_a, day_of_payments, cashier):
    with pytest.raises(ValidationError) as error:
        do_close(unit_a.community, cashier, counted="340")
    assert "difference_reason" in error.value.message_dict
    done = do_close(unit_a.community, cashier, counted="340", reason="找零少收 10 元")
    assert (done.system_cash, done.counted_cash, done.difference) == (Decimal("350.00"), Decimal("340.00"),
                                                                      Decimal("-10.00"))
    assert done.totals["cash"] == {"count": 3, "received": "600.00", "voided": "250.00", "refunded": "0.00",
                                   "net": "350.00"}
    assert done.totals["wechat"]["net"] == "300.00" and "card" not in done.totals
    # append-only at the database
    with pytest.raises(InternalError), connection.cursor() as cursor:
        cursor.execute("UPDATE billing_dailyclose SET counted_cash = 350 WHERE id = %s", [done.pk])


def test_signature_is_the_cashiers_password(unit_a, day_of_payments, cashier):
    with pytest.raises(ValidationError) as error:
        do_close(unit_a.community, cashier, counted="350", password="wrong")
    assert "password" in error.value.message_dict
    assert not DailyClose.objects.exists()


def test_a_day_is_closed_once_and_later_work_goes_to_the_next_day(unit_a, bills_a, day_of_payments, cashier,
                                                                   supervisor):
    community = unit_a.community
    do_close(community, cashier, counted="350")
    with pytest.raises(ValidationError, match="already closed"):
        do_close(community, cashier, counted="350")
    assert DailyClose.objects.count() == 1
    assert business_date(community=community, cashier=cashier, now=NOW) == TOMORROW

    # a payment later the same day, and a void of this morning's receipt, both go to tomorrow
    late = pay(unit_a, [bills_a[1]], "250", cashier, now=at(TODAY, 18))
    assert late.business_date == TOMORROW
    v = void(day_of_payments[0], cashier, supervisor, now=at(TODAY, 18)).receipt.void
    assert v.business_date == TOMORROW and v.receipt.business_date == TODAY
    # a refund voucher approved after the close is tomorrow's cash out
    pay(unit_a, [], "80", cashier, prepay_rest=True, now=at(TODAY, 18))  # pays 80 of October at once
    pay(unit_a, [], "500", cashier, prepay_rest=True, now=at(TODAY, 18))
    balance = payments.UnitAccount.objects.get(unit=unit_a).balance
    refund = corrections.correction_request(kind="refund", community=community, actor=cashier, reason="退预存",
                                            unit=unit_a, amount=balance, method="cash")
    voucher = corrections.correction_decide(correction=refund, approver=supervisor, approve=True,
                                            now=at(TODAY, 18)).voucher
    assert voucher.business_date == TOMORROW
    # the closed day is unchanged; tomorrow shows the void with the original number and date
    today = day_summary(community=community, cashier=cashier, day=TODAY)
    assert today.system_cash == Decimal("350.00")
    tomorrow = day_summary(community=community, cashier=cashier, day=TOMORROW)
    # 250 + 80 + 500 received − 250 voided (of an earlier day) − the refund
    assert tomorrow.system_cash == Decimal("830.00") - Decimal("250.00") - voucher.amount
    assert [v.number for v in tomorrow.refunds] == [voucher.number]
    assert [(x.receipt.number, x.receipt.business_date) for x in tomorrow.voids] == \
        [(day_of_payments[0].number, TODAY)]
    # another cashier's day is not closed
    assert business_date(community=community, cashier=supervisor, now=NOW) == TODAY


def test_future_day_cannot_be_closed(unit_a, cashier):
    with pytest.raises(ValidationError, match="has not begun"):
        do_close(unit_a.community, cashier, day=TOMORROW + datetime.timedelta(days=1))


def test_empty_day_can_be_closed_with_zero(unit_a, cashier):
    done = do_close(unit_a.community, cashier, counted="0")
    assert done.totals == {} and done.difference == 0


# --- pages -------------------------------------------------------------------------------------------------

def test_close_page_and_post(client, unit_a, day_of_payments, cashier):
    client.force_login(cashier)
    url = reverse("billing:close_day")
    page = client.get(url)
    assert page.status_code == 200 and page.context["summary"].system_cash == Decimal("350.00")
    body = page.content.decode()
    assert day_of_payments[1].number in body and "close-form" in body
    form = page.context["form"]
    data = {"form_token": form.initial["form_token"], "counted_cash": "350.00", "handed_to": "孙丽",
            "password": "wrong"}
    bad = client.post(url + f"?community={unit_a.community_id}", data)
    assert bad.status_code == 200 and "password" in bad.context["form"].errors
    assert bad.context["form"]["counted_cash"].value() == "350.00"  # typed input kept
    data["password"] = PASSWORD
    done = client.post(url + f"?community={unit_a.community_id}", data)
    close_row = DailyClose.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("billing:close_detail", args=[close_row.pk])
    # double submit → still one close, same place
    again = client.post(url + f"?community={unit_a.community_id}", data)
    assert again.status_code == 302 and DailyClose.objects.count() == 1
    # the page now shows the next day open
    after = client.get(url)
    assert after.context["day"] == TOMORROW and after.context["summary"].close is None
    # and the closed day, when asked for, shows it closed
    closed = client.get(url, {"day": TODAY.isoformat()})
    assert closed.context["summary"].close == close_row and b"close-form" not in closed.content


def test_second_close_on_the_page_is_refused_clearly(client, unit_a, cashier):
    do_close(unit_a.community, cashier)
    client.force_login(cashier)
    url = reverse("billing:close_day") + f"?community={unit_a.community_id}&day={TODAY.isoformat()}"
    page = client.get(url)
    assert page.context["summary"].close is not None
    # a stale form of the same day posted anyway
    response = client.post(url, {"form_token": "stale-token-1", "counted_cash": "0", "handed_to": "孙丽",
                                 "password": PASSWORD})
    assert response.status_code == 200
    assert "already closed" in str(response.context["form"].non_field_errors())


def test_foreign_community_is_404(client, unit_a, community_b, cashier):
    client.force_login(cashier)
    assert client.get(reverse("billing:close_day"), {"community": community_b.pk}).status_code == 404


def test_detail_and_pdf(client, unit_a, day_of_payments, cashier, supervisor):
    done = do_close(unit_a.community, cashier, counted="350")
    client.force_login(supervisor)
    page = client.get(reverse("billing:close_detail", args=[done.pk]))
    assert page.status_code == 200 and "叁佰伍拾元整" in page.content.decode()
    pdf = client.get(reverse("billing:close_pdf", args=[done.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf" and pdf.content[:4] == b"%PDF"


def test_close_list_scoping_and_query_count(client, unit_a, users, make_user, community_a, community_b,
                                            django_assert_max_num_queries):
    cashier = users[Role.CASHIER]
    other = make_user(role=Role.CASHIER, communities=[community_a], username="cashier2")
    b_cashier = make_user(role=Role.CASHIER, communities=[community_b], username="cashier_b")

    def closes(n, who, community):
        for i in range(n):
            DailyClose.objects.create(community=community, cashier=who,
                                      business_date=TODAY - datetime.timedelta(days=i + 1),
                                      system_cash=0, counted_cash=0, difference=0, handed_to="孙丽")

    closes(2, cashier, community_a)
    closes(2, other, community_a)
    closes(1, b_cashier, community_b)
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("billing:close_list")
    with django_assert_max_num_queries(12) as few:
        rows = client.get(url).context["page"].object_list
    first = len(few)
    assert len(rows) == 4
    for i in range(20):
        DailyClose.objects.create(community=community_a, cashier=other,
                                  business_date=TODAY - datetime.timedelta(days=100 + i), system_cash=0,
                                  counted_cash=0, difference=0, handed_to="孙丽")
    with django_assert_max_num_queries(first):
        assert len(client.get(url).context["page"].object_list) == 24
    # the cashier sees only their own closes
    client.force_login(cashier)
    assert {c.cashier_id for c in client.get(url).context["page"].object_list} == {cashier.pk}
    # filters
    client.force_login(users[Role.MANAGER])
    assert len(client.get(url, {"cashier": "cashier2"}).context["page"].object_list) == 22
    month = (TODAY - datetime.timedelta(days=1)).strftime("%Y-%m")
    assert client.get(url, {"month": month}).status_code == 200
    assert client.get(url, {"month": "nonsense"}).status_code == 200


def test_close_page_query_count_is_constant(client, unit_a, fee_items, make_bill, cashier,
                                            django_assert_max_num_queries):
    client.force_login(cashier)
    url = reverse("billing:close_day")
    bill = make_bill(unit_a, fee_items["property"], datetime.date(2026, 1, 1), "1000")
    pay(unit_a, [bill], "10", cashier)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    first = len(few)
    for _ in range(15):
        pay(unit_a, [bill], "10", cashier, method="alipay")
    with django_assert_max_num_queries(first):
        assert len(client.get(url).context["summary"].receipts) == 16
    assert Receipt.objects.count() == 16


def test_days_left_open_lists_unclosed_days_with_work(unit_a, bills_a, cashier):
    two_days_ago = TODAY - datetime.timedelta(days=2)
    pay(unit_a, [bills_a[0]], "250", cashier, now=at(two_days_ago))
    pay(unit_a, [bills_a[1]], "250", cashier, now=at(TODAY - datetime.timedelta(days=1)))
    do_close(unit_a.community, cashier, day=TODAY - datetime.timedelta(days=1), counted="250",
             now=at(TODAY - datetime.timedelta(days=1), 18))
    assert days_left_open(community=unit_a.community, cashier=cashier, before=TODAY) == [two_days_ago]
    # the late close of that day is allowed
    late = do_close(unit_a.community, cashier, day=two_days_ago, counted="250")
    assert late.system_cash == Decimal("250.00")
    assert days_left_open(community=unit_a.community, cashier=cashier, before=TODAY) == []


def test_detail_page_shows_one_table_of_figures_with_a_total(client, unit_a, day_of_payments, cashier, supervisor):
    """Issue 15, 1.9: after the close the page showed the recorded totals (no total, voids positive) and the
    day's figures again (a total, voids negative): one table, the figures as recorded, with a total row."""
    done = do_close(unit_a.community, cashier, counted="350")
    client.force_login(supervisor)
    html = client.get(reverse("billing:close_detail", args=[done.pk])).content.decode()
    assert html.count("<table class=\"table table-sm align-middle close-figures\">") == 1
    assert "close-totals" not in html
    assert "-¥250.00" in html  # the void, with the sign it has in the net
    assert "¥650.00" in html  # the total row's net
