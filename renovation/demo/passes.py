"""Demo data of worker passes, extensions and additional works for ``manage.py seed_demo`` (after the
frontdesk, billing and renovation application data): on 翠湖花园 (CH), passes in every state (awaiting
payment, paid, issued, returned, lost, re-issued by an extension and the old ones revoked), an approved
extension, one awaiting its fee, additional works approved (with the archived copy) and one awaiting the
engineering review. Everything goes through the services, as the desk would do it.

It needs renovations whose permit is issued. Where the applications' demo has made none, two are made
here already permitted (``permitted_renovation``, the state the application flow leaves them in, with its
status-change rows). Idempotent: nothing happens when CH already has worker passes."""

import datetime
import io

import pghistory
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from core.models import Role
from core.numbering import next_number
from frontdesk.models import Community, Occupancy

from ..models import Renovation, RenovationStatusChange, Scope, WorkerPass

PASSWORD = "Demo@2026"
WORKERS = [("李建军", "110101198001010010", "13800138001", "electrician"),
           ("王海涛", "110101198203040015", "13800138002", "plumber"),
           ("张国庆", "110101197510010014", "13800138003", "mason"),
           ("刘志强", "110101198806060015", "13800138004", "carpenter"),
           ("陈明", "440305199001150010", "13800138005", "painter"),
           ("赵磊", "440305198511110014", "13800138006", "labourer"),
           ("孙伟", "440305197912120016", "13800138007", "welder"),
           ("周杰", "440305199203030017", "13800138008", "labourer")]


def demo_photo(name: str = "photo.jpg", colour=(120, 150, 190)) -> SimpleUploadedFile:
    """A small one-inch-like picture (the demo and the tests have no camera)."""
    from PIL import Image, ImageDraw

    buf = io.BytesIO()
    image = Image.new("RGB", (90, 120), colour)
    draw = ImageDraw.Draw(image)
    draw.ellipse((25, 20, 65, 65), fill=(235, 205, 180))
    draw.rectangle((15, 75, 75, 120), fill=(60, 70, 90))
    image.save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def permitted_renovation(*, community, unit, owner, actor, start: datetime.date, end: datetime.date,
                         now=None, lead_name="周建华", lead_phone="13912345678", company="深圳美家装饰工程有限公司"):
    """A renovation with its permit issued (装修中), as the application flow leaves it: every status change
    along ``Renovation.TRANSITIONS`` recorded, the permit numbered without gaps."""
    now = now or timezone.now()
    S = Renovation.Status
    with transaction.atomic():
        seq = next_number(kind="renovation_application", scope_id=community.pk, year=start.year)
        permit_seq = next_number(kind="renovation_permit", scope_id=community.pk, year=start.year)
        renovation = Renovation.objects.create(
            community=community, unit=unit, number=f"ZXSQ{start.year}{seq:05d}", applicant_kind="lead", owner=owner,
            owner_consent_ref=f"授权书 {start.isoformat()}", company=company, lead_name=lead_name,
            lead_phone=lead_phone, planned_start=start, planned_end=end,
            scope=[Scope.PLUMBING_WIRING, Scope.WALLS, Scope.FLOORS], scope_text="厨卫改造，客厅铺木地板",
            agreement_accepted_at=now, agreement_accepted_by=actor, status=S.IN_PROGRESS, permit_year=start.year,
            permit_seq=permit_seq, permit_number=f"ZXXK{start.year}{permit_seq:05d}", permit_valid_from=start,
            permit_valid_to=end, permit_issued_at=now, permit_issued_by=actor, created_by=actor, created_at=now,
            status_changed_at=now)
        path = [S.PENDING, S.ENGINEERING, S.MANAGER, S.PAYMENT, S.IN_PROGRESS]
        previous = ""
        for to in path:
            assert not previous or to in Renovation.TRANSITIONS[previous]
            RenovationStatusChange.objects.create(renovation=renovation, from_status=previous, to_status=to,
                                                  actor=actor, at=now)
            previous = to
    return renovation


def _people():
    User = get_user_model()
    people = {u.username: u for u in User.objects.filter(
        username__in=["clerk", "cashier", "engineer", "manager", "supervisor", "guard"])}
    return people


def _guard(communities):
    """The gate guard's demo account (门岗), when no other loader has made one."""
    User = get_user_model()
    guard, created = User.objects.get_or_create(username="guard", defaults={"role": Role.GUARD, "full_name": "黄勇"})
    if created:
        guard.set_password(PASSWORD)
        guard.save()
    for community in communities:
        community.staff.add(guard)
    return guard


def _renovations(community, people, today):
    active = list(Renovation.objects.filter(community=community, status=Renovation.Status.IN_PROGRESS,
                                            permit_valid_to__gte=today).order_by("id")[:2])
    if len(active) >= 2:
        return active
    busy = Renovation.objects.filter(status__in=list(Renovation.OPEN_STATUSES)).values("unit_id")
    owned = (Occupancy.objects.filter(unit__community=community, kind="owner", end_date__isnull=True)
             .exclude(unit_id__in=busy).select_related("unit", "person").order_by("unit__code")[:2 - len(active)])
    for occupancy in owned:
        active.append(permitted_renovation(community=community, unit=occupancy.unit, owner=occupancy.person,
                                           actor=people["clerk"], start=today - datetime.timedelta(days=20),
                                           end=today + datetime.timedelta(days=40)))
    return active


def load_passes(stdout):
    from ..services import passes, requests

    community = Community.objects.filter(code="CH").first()
    if community is None:
        stdout.write("Renovation passes demo data skipped: load the frontdesk demo data first.")
        return
    if WorkerPass.objects.filter(community=community).exists():
        stdout.write("Renovation passes demo data already loaded.")
        return
    people = _people()
    if not {"clerk", "cashier", "engineer", "manager"} <= set(people):
        stdout.write("Renovation passes demo data skipped: the demo accounts are missing.")
        return
    _guard(list(Community.objects.filter(code__in=["CH", "JX"])))
    today = timezone.localdate()
    clerk, cashier, engineer, manager = people["clerk"], people["cashier"], people["engineer"], people["manager"]
    with pghistory.context(source="seed_demo"), transaction.atomic():
        first, second = _renovations(community, people, today)[:2]

        def register(renovation, workers):
            return [passes.pass_create(renovation=renovation, name=n, id_number=i, phone=p, trade=t,
                                       photo=demo_photo(), id_copy=demo_photo("id.jpg", (230, 230, 230)),
                                       valid_from=today, valid_to=renovation.permit_valid_to, actor=clerk)
                    for n, i, p, t in workers]

        issued = register(first, WORKERS[:5])
        passes.passes_pay(renovation=first, pass_ids=[p.pk for p in issued], payer_name=first.lead_name,
                          method="cash", cashier=cashier)
        passes.passes_issue(renovation=first, pass_ids=[p.pk for p in issued], received_by=first.lead_name,
                            actor=clerk)
        passes.pass_return(worker_pass=issued[3], note="工程完成，交回出入证", actor=clerk)
        passes.pass_lost(worker_pass=issued[4], note="施工人员遗失出入证", actor=clerk)
        # an extension approved: the three cards still out are re-issued, the old ones revoked
        extension = requests.request_file(renovation=first, kind="extension", applicant_kind="lead",
                                          applicant_name=first.lead_name, reason="瓷砖到货延误，需延期施工",
                                          new_end=first.permit_valid_to + datetime.timedelta(days=30), actor=clerk)
        requests.request_review(request=extension, passed=True, comments="同意延期", actor=engineer)
        requests.request_approve(request=extension, decision="approve", comments="同意", actor=manager)
        works = requests.request_file(renovation=first, kind="works", applicant_kind="owner",
                                      applicant_name=first.owner.name, reason="加装防盗门和防蚊纱窗",
                                      items=["security_door", "insect_screen"], details="入户门更换为甲级防盗门",
                                      actor=clerk)
        requests.request_review(request=works, passed=True, comments="不得改动门框结构", conditions="施工时间 8:00-18:00",
                                actor=engineer)
        requests.request_approve(request=works, decision="approve", comments="同意", actor=manager)
        requests.request_file(renovation=first, kind="works", applicant_kind="lead", applicant_name=first.lead_name,
                              reason="厨房墙面需开孔安装排烟管", items=["drilling"], actor=clerk)
        # the second renovation: cards awaiting payment and paid, an extension awaiting its fee
        waiting = register(second, WORKERS[5:])
        passes.passes_pay(renovation=second, pass_ids=[waiting[0].pk], payer_name=second.lead_name, method="wechat",
                          reference="WX20260001", cashier=cashier)
        fee_due = requests.request_file(renovation=second, kind="extension", applicant_kind="owner",
                                        applicant_name=second.owner.name, reason="业主出差，工期顺延",
                                        new_end=second.permit_valid_to + datetime.timedelta(days=20), actor=clerk)
        requests.request_review(request=fee_due, passed=True, comments="", actor=engineer)
        requests.request_approve(request=fee_due, decision="approve", fee="200", comments="超期收取延期管理费",
                                 actor=manager)
    stdout.write("Renovation passes demo data loaded.")


__all__ = ["demo_photo", "load_passes", "permitted_renovation"]
