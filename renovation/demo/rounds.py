"""Demo data of the renovation app for ``manage.py seed_demo``.

``load_rounds`` (the rounds / acceptance / deposit-ledger area): in 翠湖花园 (CH), active sites — those the
application flow's own demo left, else a few made here through the status writer with their deposit taken
through billing's interface — in every state of this area: inspected today and not, an open violation with a
deduction proposed, a repeated violation escalated, a failed acceptance back to rectify, an accepted site with
its deduction approved and the refund waiting for billing's approval. Idempotent: nothing happens when CH
already has an inspection."""

import datetime

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from billing import interface as billing
from core.numbering import next_number
from frontdesk.models import Community, Occupancy, Unit

from ..models import Acceptance, Renovation, SiteInspection, Violation
from ..selectors.ledger import source_ref

S = Renovation.Status
DEPOSIT = "2000.00"


@transaction.atomic
def active_renovation(*, unit, actor, cashier, start=None, days=60, company="鑫雅装饰工程有限公司",
                      deposit=DEPOSIT, now=None) -> Renovation:
    """An application for ``unit`` moved through the table to 装修中 with its permit (numbered without gaps)
    and the renovation deposit taken at the counter through billing's interface. For demo data and tests
    on branches where the application flow is not merged."""
    now = now or timezone.now()
    start = start or timezone.localdate(now)
    community = unit.community
    owner = (Occupancy.objects.filter(unit=unit, kind=Occupancy.Kind.OWNER, end_date__isnull=True)
             .select_related("person").first())
    if owner is None:
        raise ValueError(f"{unit.code} has no owner")
    seq = next_number(kind="renovation_application", scope_id=community.pk, year=start.year)
    renovation = Renovation.objects.create(
        community=community, unit=unit, number=f"ZS{start.year}{seq:05d}", applicant_kind=Renovation.ApplicantKind.OWNER,
        owner=owner.person, applicant=owner.person, company=company, lead_name="陈师傅", lead_phone="13912345678",
        planned_start=start, planned_end=start + datetime.timedelta(days=days), scope=["walls", "floors"],
        agreement_accepted_at=now, agreement_accepted_by=actor, created_by=actor, created_at=now,
        status_changed_at=now)
    from ..services.applications import renovation_set_status

    for to in (S.ENGINEERING, S.MANAGER, S.PAYMENT):
        renovation = renovation_set_status(renovation=renovation, to=to, actor=actor, now=now)
    if deposit:
        billing.deposit_collect(community=community, unit=unit, kind="renovation", amount=deposit,
                                payer_name=owner.person.name, method="cash", cashier=cashier,
                                source_ref=source_ref(renovation))
    permit_seq = next_number(kind="renovation_permit", scope_id=community.pk, year=start.year)
    return renovation_set_status(
        renovation=renovation, to=S.IN_PROGRESS, actor=actor, now=now, permit_year=start.year, permit_seq=permit_seq,
        permit_number=f"ZX{start.year}{permit_seq:05d}", permit_valid_from=start, permit_valid_to=renovation.planned_end,
        permit_issued_at=now, permit_issued_by=actor)


def load_rounds(stdout):
    community = Community.objects.filter(code="CH").first()
    if community is None:
        stdout.write("Renovation rounds demo data skipped: load the frontdesk demo data first.")
        return
    if SiteInspection.objects.filter(community=community).exists():
        stdout.write("Renovation rounds demo data already loaded.")
        return
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(
        username__in=["clerk", "cashier", "engineer", "manager", "supervisor"])}
    if len(people) < 5:
        stdout.write("Renovation rounds demo data skipped: the demo accounts are missing.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        _load(community, people)
    stdout.write("Renovation rounds demo data loaded.")


def _load(community, people):
    from ..services import acceptance, rounds

    clerk, engineer, manager = people["clerk"], people["engineer"], people["manager"]
    now = timezone.now()
    today = timezone.localdate(now)
    sites = list(Renovation.objects.filter(community=community, status=S.IN_PROGRESS).select_related("unit")[:6])
    if len(sites) < 6:
        busy = Renovation.objects.filter(community=community).exclude(
            status__in=Renovation.FINISHED_STATUSES).values("unit")
        units = (Unit.objects.filter(community=community, occupancies__kind=Occupancy.Kind.OWNER,
                                     occupancies__end_date__isnull=True).exclude(pk__in=busy)
                 .distinct().order_by("code")[: 6 - len(sites)])
        for n, unit in enumerate(units):
            sites.append(active_renovation(unit=unit, actor=clerk, cashier=people["cashier"],
                                           start=today - datetime.timedelta(days=20 + n), now=now))
    if len(sites) < 6:
        return
    ok, open_one, repeated, failed, accepted, untouched = sites
    rounds.inspection_record(renovation=ok, checks_ok=[c for c, _l in rounds.CheckItem.choices], note="现场整洁",
                             actor=clerk, now=now)
    rounds.inspection_record(
        renovation=open_one, checks_ok=["permit_posted", "passes"], note="楼道堆放水泥袋", actor=clerk, now=now,
        violation={"category": Violation.Category.RUBBISH, "description": "楼道堆放建筑垃圾未清运",
                   "deadline": today + datetime.timedelta(days=1), "deduction": "200",
                   "deduction_reason": "公共区域清理费"})
    for category, text in ((Violation.Category.OUT_OF_HOURS, "中午12:30电钻施工"),
                           (Violation.Category.UNAPPROVED_ALTERATION, "未经批准拆除阳台隔墙")):
        rounds.inspection_record(renovation=repeated, checks_ok=["permit_posted"], actor=clerk, now=now,
                                 violation={"category": category, "description": text,
                                            "deadline": today + datetime.timedelta(days=2)})
    acceptance.acceptance_request(renovation=failed, actor=clerk, now=now)
    acceptance.acceptance_record(renovation=failed, result=Acceptance.Result.FAIL, items="卫生间闭水试验渗漏，需重做防水",
                                 actor=engineer, now=now)
    violation = rounds.violation_record(renovation=accepted, category=Violation.Category.RUBBISH,
                                        description="电梯厅地面划伤", deadline=today, deduction="300",
                                        deduction_reason="电梯厅地砖修复", actor=clerk, now=now)
    rounds.violation_recheck(violation=violation, corrected=True, note="已清理", actor=clerk, now=now)
    rounds.deduction_decide(deduction=violation.deduction, approve=True, note="按协议扣除", actor=manager, now=now)
    acceptance.acceptance_request(renovation=accepted, actor=clerk, now=now)
    acceptance.acceptance_record(renovation=accepted, result=Acceptance.Result.PASS, note="验收合格", actor=engineer,
                                 now=now)
    from ..services.ledger import ledger_refund_request

    ledger_refund_request(renovation=accepted, method="cash", actor=people["cashier"], now=now)
    del untouched  # left not inspected today: the round sheet lists it first
