"""Export a filtered list to .xlsx (streamed rows, write-only workbook).

Every cell goes through ``safe_cell``: text that a spreadsheet would read as a formula (it starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return — the OWASP CSV-injection rule) gets a leading
apostrophe, so a person named ``=HYPERLINK(…)`` stays text. Numbers stay numbers.
"""

from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from openpyxl import Workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A value ready for a spreadsheet cell: numbers as they are, everything else as text that cannot
    run as a formula."""
    if value is None:
        return ""
    if isinstance(value, (bool, int, float, Decimal)):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_LEADS) else text


def safe_row(row) -> list:
    return [safe_cell(v) for v in row]


def xlsx_response(filename: str, headers: list[str], rows) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(safe_row(headers))
    for row in rows:
        sheet.append(safe_row(row))
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
