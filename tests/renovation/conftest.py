"""Fixtures of the renovation tests: an owner's unit, applications moved along through the services, the
roles of community A, an active renovation of unit_a. Messages read in English (the Chinese catalogue is
checked by tests/core/test_i18n.py)."""

import datetime

import pytest
from django.utils import timezone

from billing import interface as billing
from billing.models import Bill
from billing.services import payments
from core.models import Role
from renovation.models import Renovation, RenovationReview
from renovation.services import applications, fees, permits, reviews

from .helpers import active_renovation

S = Renovation.Status
D = RenovationReview.Decision


def today():
    return timezone.localdate()


def file(unit, clerk, **kw):
    owner = unit.occupancies.filter(kind="owner").first().person
    data = {"unit": unit, "applicant_kind": "owner", "owner": owner, "company": "金螳螂家装", "lead_name": "王建军",
            "lead_phone": "13902345678", "planned_start": today(), "planned_end": today() + datetime.timedelta(days=60),
            "scope": ["walls", "floors"], "scope_text": "", "agreement_accepted": True, "actor": clerk}
    data.update(kw)
    return applications.renovation_file(**data)


def set_rates(community, manager):
    for key, price in (("renovation_management", "300.00"), ("renovation_rubbish", "200.00")):
        billing.charge_fee_item_rate(source_key=key, community=community, price=price,
                                     valid_from=datetime.date(2026, 1, 1), actor=manager)


def to_payment(renovation, users):
    r = reviews.review_start(renovation=renovation, actor=users[Role.ENGINEER])
    r = reviews.engineering_decide(renovation=r, decision=D.PASS, comments="同意", conditions="不得拆改承重墙",
                                   actor=users[Role.ENGINEER])
    return reviews.manager_decide(renovation=r, decision=D.PASS, actor=users[Role.MANAGER])


def pay_fees(renovation, cashier):
    bills = list(Bill.objects.filter(community=renovation.community, source_ref__startswith="renovation-fee:",
                                     unit=renovation.unit, outstanding__gt=0))
    if bills:
        payments.pay_at_counter(community=renovation.community, unit=renovation.unit, bill_ids=[b.pk for b in bills],
                                amount=sum(b.outstanding for b in bills), method="cash", payer_name="王建军",
                                cashier=cashier)
    return bills


def issue(renovation, users):
    """From 待缴费: fees paid at the counter, the deposit taken, the permit issued."""
    pay_fees(renovation, users[Role.CASHIER])
    fees.deposit_take(renovation=renovation, amount="2000", payer_name="王建军", method="cash",
                      cashier=users[Role.CASHIER])
    return permits.permit_issue(renovation=renovation, actor=users[Role.CLERK])


@pytest.fixture
def renovating(unit_a, users):
    """An application of unit_a with its permit issued (fees and deposit paid)."""
    set_rates(unit_a.community, users[Role.MANAGER])
    r = to_payment(file(unit_a, users[Role.CLERK]), users)
    return issue(r, users)


@pytest.fixture(autouse=True)
def english_everywhere(english_messages):
    """Every test here reads messages in English (``english_messages`` is in tests/conftest.py)."""


@pytest.fixture
def cashier(users):
    return users[Role.CASHIER]


@pytest.fixture
def engineer(users):
    return users[Role.ENGINEER]


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


@pytest.fixture
def guard(users):
    return users[Role.GUARD]


@pytest.fixture
def renovation(unit_a, clerk):
    return active_renovation(unit_a, clerk)
