from decimal import Decimal

import pytest
from django.template import Context, Template

from core.money import format_money, rmb_upper, to_money


@pytest.mark.parametrize(
    "amount, words",
    [
        ("1234.50", "壹仟贰佰叁拾肆元伍角整"),
        ("0", "零元整"),
        ("0.05", "伍分"),
        ("0.50", "伍角整"),
        ("1.05", "壹元零伍分"),
        ("10", "壹拾元整"),
        ("10.30", "壹拾元叁角整"),
        ("100", "壹佰元整"),
        ("105", "壹佰零伍元整"),
        ("1005", "壹仟零伍元整"),
        ("1010", "壹仟零壹拾元整"),
        ("10010.01", "壹万零壹拾元零壹分"),
        ("100000", "壹拾万元整"),
        ("1000001", "壹佰万零壹元整"),
        ("12345678.90", "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
        ("100000000", "壹亿元整"),
        ("100010000", "壹亿零壹万元整"),
        ("2.345", "贰元叁角伍分"),  # rounded half up to 2.35
        ("-5", "负伍元整"),
    ],
)
def test_rmb_upper_vectors(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_rounding_is_half_up_to_the_fen():
    assert to_money("2.345") == Decimal("2.35")
    assert to_money("2.344") == Decimal("2.34")
    assert to_money(Decimal("-2.345")) == Decimal("-2.35")


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_money(0.1)
    with pytest.raises(ValueError):
        to_money("abc")


def test_money_filter_formats_yuan():
    assert format_money(Decimal("1234.5")) == "¥1,234.50"
    assert format_money("-3") == "-¥3.00"
    rendered = Template("{% load core_tags %}{{ v|money }} {{ v|rmb_upper }}").render(Context({"v": Decimal("1234.50")}))
    assert rendered == "¥1,234.50 壹仟贰佰叁拾肆元伍角整"
