import re
import shutil
import subprocess

import pytest
from django.conf import settings

from core.pdf import render_pdf
from core.qr import qr_svg_data_uri


def _fonts(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("template", ["frontdesk/pdf/unit_card_a4.html", "frontdesk/pdf/unit_card_a5.html"])
def test_unit_card_embeds_the_chinese_font_and_nothing_else(unit_a, clerk, rf, tmp_path, template):
    from frontdesk.selectors.units import unit_detail

    assert shutil.which("pdffonts"), "poppler-utils must be installed by scripts/setup.sh"
    request = rf.get("/")
    request.user = clerk
    unit = unit_detail(user=clerk, pk=unit_a.pk)
    pdf = render_pdf(template, {"unit": unit, "people": [], "user": clerk}, request=request)
    assert pdf.startswith(b"%PDF")
    fonts = _fonts(pdf, tmp_path)
    families = {line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]}
    assert families and all(f.startswith("WenQuanYi-Micro-Hei") for f in families), fonts
    assert all(" yes " in line for line in fonts.splitlines()[2:]), "font must be embedded"


def test_page_sizes(tmp_path, rf, clerk, unit_a):
    from frontdesk.selectors.units import unit_detail

    request = rf.get("/")
    request.user = clerk
    unit = unit_detail(user=clerk, pk=unit_a.pk)
    sizes = {}
    for size in ("a4", "a5"):
        path = tmp_path / f"{size}.pdf"
        path.write_bytes(render_pdf(f"frontdesk/pdf/unit_card_{size}.html", {"unit": unit, "people": [], "user": clerk}))
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
        sizes[size] = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    assert [round(float(x)) for x in sizes["a4"]] == [595, 842]
    assert [round(float(x)) for x in sizes["a5"]] == [595, 420]  # A5 landscape


def test_vendored_font_is_present():
    assert settings.PDF_FONT_PATH.exists() and settings.PDF_FONT_PATH.stat().st_size > 4_000_000


def test_qr_helper_makes_an_svg_data_uri():
    uri = qr_svg_data_uri("https://example.com/frontdesk/units/1/")
    assert uri.startswith("data:image/svg+xml")


@pytest.mark.parametrize(("role", "in_full"), [("clerk", True), ("cashier", False)])
def test_the_unit_cards_footer_says_what_it_prints(role, in_full, client, users, unit_a, english_messages):
    """The card prints phones as its reader sees them; its confidentiality line must say so (it once claimed
    "personal data is masked" above full phone numbers)."""
    from django.urls import reverse

    from tests.core.test_personal_data_everywhere import _text

    client.force_login(users[role])
    text = _text(client.get(reverse("frontdesk:unit_card_pdf", args=[unit_a.pk])))[1].replace("\n", " ")
    assert ("13812345678" in text) is in_full
    assert ("printed in full" in text) is in_full and ("personal data is masked" in text) is not in_full
