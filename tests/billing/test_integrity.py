"""The checks a restored backup must pass, as billing and duty register them: gapless receipt numbers and
the duty log's hash chain — on the live data and through manage.py backup → restore_check."""

from io import StringIO

import pytest
from django.core.management import call_command

from billing.models import DocumentCounter
from billing.selectors.integrity import number_problems
from billing.services.payments import pay_at_counter
from core.integrity import integrity_checks
from duty.selectors.log import chain_problems
from duty.services.log import entry_append


def _pay_twice(unit, bills, cashier):
    for bill in bills[:2]:
        pay_at_counter(community=unit.community, unit=unit, bill_ids=[bill.pk], amount=bill.amount, method="cash",
                       payer_name="张建国", cashier=cashier)


@pytest.mark.django_db
def test_numbers_without_gaps_pass_and_a_counter_ahead_of_the_receipts_fails(unit_a, bills_a, cashier):
    _pay_twice(unit_a, bills_a, cashier)
    assert number_problems() == []
    DocumentCounter.objects.filter(community=unit_a.community, kind="receipt").update(last=3)  # number 3 lost
    [problem] = number_problems()
    assert "2 documents numbered 1–2, counter at 3" in problem


@pytest.mark.django_db
def test_the_duty_chain_check_passes_on_an_intact_log(community_a, users):
    entry_append(community=community_a, author=users["clerk"], kind="patrol", content="巡查正常")
    assert chain_problems() == []


def test_both_checks_are_registered():
    assert {"billing-numbers", "duty-log-chain"} <= {check.key for check in integrity_checks()}


@pytest.mark.django_db(transaction=True, databases=["default", "restore_check"])
def test_backup_and_restore_check_run_them(tmp_path, settings, unit_a, bills_a, cashier, users):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    _pay_twice(unit_a, bills_a, cashier)
    entry_append(community=unit_a.community, author=users["clerk"], kind="patrol", content="交班前巡查")
    call_command("backup", dir=str(tmp_path / "b"), stdout=StringIO())
    out = StringIO()
    call_command("restore_check", dir=str(tmp_path / "b"), stdout=out)
    text = out.getvalue()
    assert "Receipt and voucher numbers" in text and "Duty log hash chain" in text
    assert "restore check passed" in text
