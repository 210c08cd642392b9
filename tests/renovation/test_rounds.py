"""The daily round: the sheet (not inspected first, query count), an inspection with photos (scoped files),
violations with re-checks, escalation once, deductions approved by the manager, the violation list and its
export, and bad input."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import Notification, Role
from renovation.models import DepositDeduction, InspectionPhoto, Renovation, SiteInspection, Violation, ViolationChange
from renovation.services import rounds
from tests.renovation.helpers_rounds import active_site, png

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


def _violation(site, users, category="rubbish", **kwargs):
    return rounds.violation_record(renovation=site, category=category, description="楼道堆放垃圾",
                                   deadline=TOMORROW, actor=users[Role.CLERK], **kwargs)


def test_round_sheet_lists_not_inspected_first_in_few_queries(client, users, community_a,
                                                              django_assert_max_num_queries):
    sites = [active_site(community_a, users) for _n in range(6)]
    rounds.inspection_record(renovation=sites[0], checks_ok=["permit_posted"], actor=users[Role.CLERK])
    rounds.inspection_record(renovation=sites[3], checks_ok=[], actor=users[Role.CLERK])
    _violation(sites[1], users)
    client.force_login(users[Role.CLERK])
    client.get(reverse("renovation:round_sheet"))  # the first visit remembers the community in the session
    with django_assert_max_num_queries(10):
        response = client.get(reverse("renovation:round_sheet"))
    rows = list(response.context["page"])
    assert len(rows) == 6
    assert [r.inspected for r in rows] == [False] * 4 + [True] * 2
    assert {r.pk for r in rows[4:]} == {sites[0].pk, sites[3].pk}
    assert next(r for r in rows if r.pk == sites[1].pk).open_violations == 1
    assert response.context["counts"] == {"total": 6, "done": 2}
    todo = client.get(reverse("renovation:round_sheet"), {"show": "todo"}).context["page"]
    assert {r.pk for r in todo} == {s.pk for s in sites} - {sites[0].pk, sites[3].pk}


def test_inspection_on_the_phone_with_photos_and_a_violation(client, users, community_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    site = active_site(community_a, users)
    client.force_login(users[Role.CLERK])
    url = reverse("renovation:site", args=[site.pk])
    form = client.get(url).context["form"]
    data = {"form_token": form.initial["form_token"], "checks_ok": ["permit_posted", "passes"], "note": "现场检查",
            "photos": [png("a.png"), png("b.png")], "category": "out_of_hours", "description": "午休时间电钻施工",
            "deadline": TOMORROW.isoformat(), "deduction": "150", "deduction_reason": "违反施工时间"}
    response = client.post(url, data)
    assert response.status_code == 302
    inspection = SiteInspection.objects.get()
    assert inspection.checks_ok == ["permit_posted", "passes"] and inspection.on_date == timezone.localdate()
    assert inspection.photos.count() == 2
    violation = Violation.objects.get()
    assert violation.inspection == inspection and violation.category == "out_of_hours"
    assert violation.deduction.amount == 150 and violation.deduction.status == DepositDeduction.Status.PROPOSED
    # the same form sent twice: one inspection
    data["photos"] = [png("a.png")]
    assert client.post(url, data).status_code == 302
    assert SiteInspection.objects.count() == 1 and Violation.objects.count() == 1
    # the photo through the scoped view; the raw media path is not served
    photo = inspection.photos.first()
    served = client.get(reverse("renovation:inspection_photo", args=[photo.pk]))
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert client.get(f"/media/{photo.image.name}").status_code == 404


def test_foreign_community_photo_is_404(client, users, community_a, clerk_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    site = active_site(community_a, users)
    inspection = rounds.inspection_record(renovation=site, checks_ok=[], photos=[png()], actor=users[Role.CLERK])
    client.force_login(clerk_b)
    photo = InspectionPhoto.objects.get(inspection=inspection)
    assert client.get(reverse("renovation:inspection_photo", args=[photo.pk])).status_code == 404
    assert client.get(reverse("renovation:site", args=[site.pk])).status_code == 404


def test_bad_input_keeps_what_was_typed(client, users, community_a):
    site = active_site(community_a, users)
    client.force_login(users[Role.CLERK])
    url = reverse("renovation:site", args=[site.pk])
    token = client.get(url).context["form"].initial["form_token"]
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    def bad_file():
        upload = io.BytesIO(b"%PDF-1.4 not a picture")
        upload.name = "plan.pdf"
        return upload

    response = client.post(url, {"form_token": token, "note": "x" * 1001, "category": "rubbish",
                                 "description": "垃圾未清运", "deadline": yesterday, "deduction": "-5",
                                 "photos": [bad_file()]})
    assert response.status_code == 200
    form = response.context["form"]
    assert "deadline" in form.errors and "note" in form.errors and "deduction" in form.errors
    assert form["description"].value() == "垃圾未清运"
    response = client.post(url, {"form_token": token, "category": "rubbish", "description": "垃圾",
                                 "deadline": TOMORROW.isoformat(), "photos": [bad_file()]})
    assert response.status_code == 200 and "is not a picture" in str(response.context["form"].errors["photos"])
    response = client.post(url, {"form_token": token, "description": "没有类别"})
    assert "category" in response.context["form"].errors
    assert not SiteInspection.objects.exists() and not Violation.objects.exists()


def test_no_inspection_of_a_site_not_under_renovation(users, community_a):
    site = active_site(community_a, users)
    Renovation.objects.filter(pk=site.pk).update(status=Renovation.Status.ACCEPTED)
    with pytest.raises(ValidationError):
        rounds.inspection_record(renovation=site, checks_ok=[], actor=users[Role.CLERK])


def test_repeated_violations_escalate_once(users, community_a):
    site = active_site(community_a, users)
    other = active_site(community_a, users)
    supervisor, manager = users[Role.SUPERVISOR], users[Role.MANAGER]

    def told(user):
        return Notification.objects.filter(user=user, title__contains=site.unit.code).count()

    _violation(site, users, category="rubbish")
    assert told(supervisor) == 0 and told(manager) == 0
    _violation(other, users)  # another site's first one: nothing
    _violation(site, users, category="out_of_hours")  # the second open one on the site: escalated
    assert told(supervisor) == 1 and told(manager) == 1
    assert not Notification.objects.filter(user=users[Role.CLERK]).exists()
    _violation(site, users, category="rubbish")  # a third, repeated: not told again
    assert told(supervisor) == 1 and told(manager) == 1


def test_a_category_seen_before_escalates_even_when_corrected(users, community_a):
    site = active_site(community_a, users)
    first = _violation(site, users, category="hot_work")
    rounds.violation_recheck(violation=first, corrected=True, actor=users[Role.CLERK])
    _violation(site, users, category="hot_work")
    assert Notification.objects.filter(user=users[Role.MANAGER], title__contains=site.unit.code).count() == 1


def test_recheck_not_corrected_then_corrected(client, users, community_a):
    site = active_site(community_a, users)
    violation = _violation(site, users)
    client.force_login(users[Role.ENGINEER])
    url = reverse("renovation:violation_recheck", args=[violation.pk])
    response = client.post(url, {"corrected": "no"})
    assert response.status_code == 200 and "new_deadline" in response.context["recheck_form"].errors
    later = timezone.localdate() + datetime.timedelta(days=3)
    assert client.post(url, {"corrected": "no", "new_deadline": later.isoformat(), "note": "未清运"}).status_code == 302
    violation.refresh_from_db()
    assert violation.status == "open" and violation.deadline == later and violation.rechecks == 1
    assert client.post(url, {"corrected": "yes", "note": "已清运"}).status_code == 302
    violation.refresh_from_db()
    assert violation.status == "corrected" and violation.closed_at and violation.rechecks == 2
    assert list(ViolationChange.objects.values_list("kind", flat=True)) == ["recheck_failed", "recheck_ok"]
    response = client.post(url, {"corrected": "yes"})  # already corrected: told, nothing written
    assert response.status_code == 200 and ViolationChange.objects.count() == 2


def test_deduction_approved_by_the_manager_not_by_the_proposer(users, community_a, make_user):
    site = active_site(community_a, users, deposit="500.00")
    manager = users[Role.MANAGER]
    own = rounds.violation_record(renovation=site, category="rubbish", description="垃圾", deadline=TOMORROW,
                                  deduction="100", deduction_reason="清理费", actor=manager)
    with pytest.raises(ValidationError, match="Someone else"):
        rounds.deduction_decide(deduction=own.deduction, approve=True, actor=manager)
    other_manager = make_user(role=Role.MANAGER, communities=[community_a], username="manager2")
    rounds.deduction_decide(deduction=own.deduction, approve=True, actor=other_manager)
    with pytest.raises(ValidationError, match="already decided"):
        rounds.deduction_decide(deduction=own.deduction, approve=False, note="重复", actor=other_manager)
    big = _violation(site, users, deduction="450", deduction_reason="墙体修复")
    with pytest.raises(ValidationError, match="more than the deposit"):
        rounds.deduction_decide(deduction=big.deduction, approve=True, actor=manager)
    with pytest.raises(ValidationError):
        rounds.deduction_decide(deduction=big.deduction, approve=False, actor=manager)  # a rejection needs a reason
    rounds.deduction_decide(deduction=big.deduction, approve=False, note="金额过高", actor=manager)
    assert list(DepositDeduction.objects.order_by("id").values_list("status", flat=True)) == ["approved", "rejected"]


def test_deduction_decided_on_the_page(client, users, community_a):
    site = active_site(community_a, users)
    violation = _violation(site, users, deduction="200", deduction_reason="清理费")
    client.force_login(users[Role.CLERK])
    assert client.post(reverse("renovation:deduction_decide", args=[violation.pk]),
                       {"decision": "approve"}).status_code == 403
    client.force_login(users[Role.MANAGER])
    url = reverse("renovation:deduction_decide", args=[violation.pk])
    response = client.post(url, {"decision": "reject"})
    assert response.status_code == 200 and "note" in response.context["decide_form"].errors
    assert client.post(url, {"decision": "approve", "note": "同意"}).status_code == 302
    assert DepositDeduction.objects.get().status == "approved"
    response = client.post(url, {"decision": "reject", "note": "改主意"})  # the loser is told who decided
    assert response.status_code == 200 and "has already decided" in response.content.decode()


def test_void_rejects_the_proposed_deduction(users, community_a):
    site = active_site(community_a, users)
    violation = _violation(site, users, deduction="80", deduction_reason="清理费")
    rounds.violation_void(violation=violation, reason="记录错了房号", actor=users[Role.MANAGER])
    violation.refresh_from_db()
    assert violation.status == "void" and violation.deduction.status == "rejected"
    with pytest.raises(ValidationError):
        rounds.violation_recheck(violation=violation, corrected=True, actor=users[Role.CLERK])


def test_violation_list_filters_export_and_query_count(client, users, community_a, community_b, make_user,
                                                       django_assert_max_num_queries):
    sites = [active_site(community_a, users) for _n in range(3)]
    for n, site in enumerate(sites):
        _violation(site, users, category=["rubbish", "out_of_hours", "hot_work"][n],
                   **({"deduction": "50", "deduction_reason": "=HYPERLINK(1)"} if n == 0 else {}))
    users_b = {Role.CLERK: make_user(role=Role.CLERK, communities=[community_b], username="c_b"),
               Role.CASHIER: make_user(role=Role.CASHIER, communities=[community_b], username="k_b")}
    _violation(active_site(community_b, users_b), users_b)
    client.force_login(users[Role.SUPERVISOR])
    url = reverse("renovation:violation_list")
    with django_assert_max_num_queries(10):
        page = client.get(url).context["page"]
    assert len(page) == 3
    assert [v.category for v in client.get(url, {"category": "hot_work"}).context["page"]] == ["hot_work"]
    assert len(client.get(url, {"deduction": "proposed"}).context["page"]) == 1
    assert len(client.get(url, {"status": "corrected"}).context["page"]) == 0
    response = client.get(url, {"export": "xlsx", "category": "rubbish"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.values)
    assert len(rows) == 2 and rows[1][0] == sites[0].unit.code and rows[1][2] == "Rubbish left in common areas"
    junk = client.get(url, {"status": "\x00", "category": "x" * 5000, "community": "1e9999", "overdue": "2"})
    assert junk.status_code == 200
