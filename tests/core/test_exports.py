"""Every export neutralises text a spreadsheet would run as a formula (OWASP CSV injection)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from core.exports import safe_cell, xlsx_response
from tests.factories import OccupancyFactory


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x","点我")', "+86 138", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_leading_text_becomes_plain_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [12, Decimal("-12.50"), 1.5, True, "张三", "3-2-1502", ""])
def test_other_values_are_kept(value):
    assert safe_cell(value) == value
    assert safe_cell(None) == ""


def _cells(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_workbook_holds_text_not_formulas():
    cells = _cells(xlsx_response("x.xlsx", ["姓名", "金额"], [['=HYPERLINK("http://x","点我")', Decimal("-3.20")]]))
    assert cells == [["姓名", "金额"], ['\'=HYPERLINK("http://x","点我")', -3.2]]


@pytest.mark.django_db
def test_the_people_export_neutralises_a_name(clerk_client, unit_a):
    OccupancyFactory(unit=unit_a, person__name='=HYPERLINK("http://x","点我")')
    response = clerk_client.get(reverse("frontdesk:person_list"), {"export": "xlsx"})
    names = [row[1] for row in _cells(response)[1:]]
    assert '\'=HYPERLINK("http://x","点我")' in names
    assert not any(str(n).startswith("=") for n in names)
