"""Charge sources: other apps register what they want billed; billing reads them only through the registry
(``billing.interface``), bills each charge once and tells the source which bill took it. And the bill
run's status moves only through ``bill_run_set_status`` (``BillRun.TRANSITIONS``)."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import interface
from billing.models import Bill, BillRun, FeeItem
from billing.selectors.runs import bill_run_preview
from billing.services import runs
from core.models import Role

pytestmark = pytest.mark.django_db

NOV = datetime.date(2026, 11, 1)


@pytest.fixture
def fake_source(unit_a):
    """A source with one charge for unit_a, recording what billing marks billed."""
    marked = []
    charge = interface.PendingCharge(ref="fake:1", unit_id=unit_a.pk, building_id=unit_a.building_id,
                                     amount=Decimal("45.00"), description="门禁卡")

    def pending(*, community):
        billed = {ref for ref, _reference in marked}
        return [charge] if community.pk == unit_a.community_id and charge.ref not in billed else []

    def mark_billed(*, ref, bill_reference, actor, now=None):
        marked.append((ref, bill_reference))

    source = interface.ChargeSource(key="fake", label="Fake charges", fee_item_code="fake", fee_item_name="Fake",
                                    fee_item_kind=FeeItem.Kind.OTHER, pending=pending, mark_billed=mark_billed)
    interface.register_charge_source(source)
    yield source, marked
    interface.unregister_charge_source("fake")


def test_repairs_registers_its_paid_repairs():
    assert "repairs" in [s.key for s in interface.charge_sources()]


def test_a_registered_source_is_billed_once_and_told_the_bill(unit_a, users, fake_source):
    source, marked = fake_source
    manager = users[Role.MANAGER]
    made = interface.charges_to_bills(community=unit_a.community, actor=manager)
    bill = Bill.objects.get(source=Bill.Source.CHARGE, source_ref="fake:1")
    assert made == [bill] and bill.amount == Decimal("45.00") and bill.unit_id == unit_a.pk
    assert bill.fee_item.code == "fake" and bill.fee_item.kind == FeeItem.Kind.OTHER
    assert marked == [("fake:1", bill.reference)]
    assert interface.charges_to_bills(community=unit_a.community, actor=manager) == []
    assert Bill.objects.filter(source=Bill.Source.CHARGE).count() == 1


def test_the_run_preview_has_a_row_per_source(unit_a, fake_source):
    source, _marked = fake_source
    rows = bill_run_preview(community=unit_a.community, period=NOV)
    row = next(r for r in rows if r["source"] is source)
    assert (row["to_create"], row["amount"], row["fee_item"]) == (1, Decimal("45.00"), None)
    assert all(r["source"] is None for r in bill_run_preview(community=unit_a.community, period=NOV,
                                                                    building=unit_a.building))


def test_bill_run_status_moves_follow_the_table(unit_a, users):
    run = BillRun.objects.create(community=unit_a.community, period=NOV, created_by=users[Role.MANAGER])
    runs.bill_run_set_status(run=run, to=BillRun.Status.RUNNING)
    runs.bill_run_set_status(run=run, to=BillRun.Status.DONE)
    run.refresh_from_db()
    assert run.status == BillRun.Status.DONE
    with pytest.raises(ValidationError) as refused:
        runs.bill_run_set_status(run=run, to=BillRun.Status.RUNNING)
    assert refused.value.code == "bad_move"
    run.refresh_from_db()
    assert run.status == BillRun.Status.DONE


def test_a_failing_run_is_marked_failed_and_can_run_again(unit_a, users, monkeypatch):
    run = BillRun.objects.create(community=unit_a.community, period=NOV, created_by=users[Role.MANAGER])

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(runs, "_execute", broken)
    with pytest.raises(RuntimeError):
        runs.bill_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == BillRun.Status.FAILED and run.error == "disk full" and run.finished_at
    monkeypatch.undo()
    assert runs.bill_run_execute(run.pk).status == BillRun.Status.DONE
