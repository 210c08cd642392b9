"""The work order PDF (font embedded, amounts right, phone per viewer) and the charges interface."""

import subprocess
import tempfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import Role
from repairs.charges import charge_mark_billed, pending_charges
from repairs.models import Charge, Ticket
from repairs.services import work
from tests.repairs.matrix_work import dispatched_to, move

S = Ticket.Status


def completed(users, community, unit=None, charge="120.50", **kwargs):
    engineer, clerk = users[Role.ENGINEER], users[Role.CLERK]
    ticket = move(dispatched_to(engineer, community, actor=clerk, unit=unit, **kwargs), S.ACCEPTED, S.ON_SITE,
                  actor=engineer)
    return work.ticket_complete(ticket=ticket, actor=engineer, work_done="更换阀芯", materials="阀芯 1 个",
                                labour_minutes=40, charge_amount=charge if kwargs.get("is_paid") else None,
                                owner_confirmation="张建国", owner_signature="M10 10 L80 40")


def _pdf(client, ticket):
    response = client.get(reverse("repairs:work_order_pdf", args=[ticket.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return fonts, text


def test_work_order_pdf_embeds_the_font_and_prints_the_amounts(client, users, community_a, unit_a):
    ticket = completed(users, community_a, unit=unit_a, is_paid=True)
    client.force_login(users[Role.ENGINEER])
    fonts, text = _pdf(client, ticket)
    assert "WenQuanYi" in fonts and "yes" in fonts.split("WenQuanYi", 1)[1].splitlines()[0]
    assert ticket.number in text and "3-2-1502" in text
    assert "¥120.50" in text and "壹佰贰拾元伍角整" in text
    assert "138****5678" in text and "13812345678" not in text  # the engineer sees it masked
    assert "更换阀芯" in text and "张建国" in text


def test_work_order_shows_the_full_phone_to_the_desk_and_free_repairs(client, users, community_a):
    ticket = completed(users, community_a)
    client.force_login(users[Role.CLERK])
    _fonts, text = _pdf(client, ticket)
    assert "13812345678" in text and "¥" not in text


def test_work_order_of_another_community_is_404(client, users, community_a, community_b, make_user):
    ticket = completed(users, community_a)
    client.force_login(make_user(role=Role.CLERK, communities=[community_b], username="c_b"))
    assert client.get(reverse("repairs:work_order_pdf", args=[ticket.pk])).status_code == 404


# --- charges (the billing interface) -------------------------------------------------------------

def test_pending_charges_and_mark_billed_is_idempotent(users, community_a, community_b, unit_a):
    billed_at_once = Charge.objects.get(ticket=completed(users, community_a, unit=unit_a, is_paid=True, charge="90"))
    assert billed_at_once.billed_at and billed_at_once.bill_reference  # a unit's charge is on a bill on completion
    ticket = completed(users, community_a, is_paid=True, charge="80")  # common areas: not billed to a unit
    charge = Charge.objects.get(ticket=ticket)
    assert list(pending_charges(community=community_a)) == [charge]
    assert list(pending_charges(community=community_b)) == []
    cashier = users[Role.CASHIER]
    charge_mark_billed(charge=charge, bill_reference="B-2026-0001", actor=cashier)
    again = charge_mark_billed(charge=charge, bill_reference="B-2026-0001", actor=cashier)
    assert again.billed_at and again.bill_reference == "B-2026-0001"
    assert list(pending_charges(community=community_a)) == []
    with pytest.raises(ValidationError):
        charge_mark_billed(charge=charge, bill_reference="B-2026-0002", actor=cashier)
    charge.refresh_from_db()
    assert charge.bill_reference == "B-2026-0001" and charge.amount == Decimal("80.00")
    with pytest.raises(ValidationError):
        charge_mark_billed(charge=charge, bill_reference=" ", actor=cashier)


def test_pending_charges_constant_queries(users, community_a, unit_a):
    completed(users, community_a, is_paid=True)

    def read():
        with CaptureQueriesContext(connection) as ctx:
            rows = [(c.ticket.number, c.ticket.category.name, c.unit and c.unit.code, c.amount)
                    for c in pending_charges(community=community_a)]
        return len(ctx), rows

    few, _rows = read()
    for _ in range(4):
        completed(users, community_a, is_paid=True)
    many, rows = read()
    assert len(rows) == 5 and many == few
