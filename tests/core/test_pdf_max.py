"""Issue 15, 1.1: a work order with a 5,000-character description took minutes to print. Every PDF table has a
fixed layout, every free-text field a maximum length with a message at the field (not a browser cutting a
paste), and the PDFs with maximal inputs render fast (bench/pdf_max.py prints the figures; the bound here is
generous, the target of 1 s is the bench's)."""

import time
from types import SimpleNamespace

import pytest

from bench import pdf_max
from core.pdf import render_pdf

FREE_TEXT = [("repairs", "Ticket", "description"), ("repairs", "Ticket", "work_done"), ("repairs", "Ticket", "materials"),
             ("repairs", "Callback", "comment"), ("duty", "DutyLogEntry", "content"), ("duty", "DutyLogEntry", "handling"),
             ("duty", "Handover", "notes"), ("duty", "Roster", "manager_comment"), ("duty", "DailyReview", "comment"),
             ("duty", "SpotCheck", "notes"), ("duty", "Nonconformity", "description"),
             ("duty", "Nonconformity", "corrective_action"), ("frontdesk", "Person", "notes"),
             ("frontdesk", "Unit", "notes"), ("repairs", "Handoff", "details"), ("repairs", "Handoff", "provider_reply"),
             ("repairs", "Provider", "requirements")]


@pytest.mark.parametrize("app,model,field", FREE_TEXT)
def test_every_free_text_field_has_a_maximum_length(app, model, field):
    from django.apps import apps

    assert apps.get_model(app, model)._meta.get_field(field).max_length


@pytest.mark.parametrize("template,build", [("repairs/pdf/work_order.html", pdf_max.work_order_context),
                                            ("billing/pdf/receipt.html", pdf_max.receipt_context),
                                            ("repairs/pdf/handoff_application.html", pdf_max.handoff_context)])
def test_maximal_inputs_render_in_under_three_seconds(template, build):
    context = build()
    render_pdf("billing/pdf/voucher.html", pdf_max.voucher_context())  # the fonts load once per thread
    started = time.perf_counter()
    pdf = render_pdf(template, context)
    seconds = time.perf_counter() - started
    assert pdf.startswith(b"%PDF") and seconds < 3, f"{template}: {seconds:.1f} s"


def test_a_too_long_text_gets_a_message_at_the_field_and_no_browser_limit():
    from django.utils import translation

    from repairs.forms.work import CompleteForm

    form = CompleteForm(data={"work_done": "更换阀门" * 600}, ticket=SimpleNamespace(is_paid=False))
    with translation.override("en"):  # the source string; the Chinese is in the catalogue (test_i18n)
        assert not form.is_valid()
        assert form.errors["work_done"] == ["Keep this to at most 2000 characters; it has 2400."]
    assert "maxlength" not in str(form["work_done"]) and "maxlength" not in str(form["owner_confirmation"])
