"""动火许可证: the status table, the two reviews by different people, the manager's approval with a gapless
number, the PDF, the automatic expiry (and the page that says expired before the sweep), the reminder once,
the close-out, the welder's copies (scoped, logged, never at /media/), the list and its query count, bad
input kept, double submit."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, Role, SensitiveDataAccess
from renovation.models import HotWorkPermit, HotWorkStatusChange
from renovation.services import hotwork as hw
from tests.renovation.hotwork_data import apply, copies, issued, make_site, make_unit, png_bytes

S = HotWorkPermit.Status
TOMORROW = timezone.localdate() + datetime.timedelta(days=1)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def site(community_a, users):
    return make_site(community_a, users[Role.CLERK])


def _pdf(content: bytes) -> tuple[str, str]:
    """(fonts, text) of a PDF."""
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        fonts = subprocess.run(["pdffonts", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True, check=True).stdout
    return fonts, text


# -- the status table -------------------------------------------------------------------------------------

def test_every_allowed_move_and_a_refused_move_from_every_state(site, users):
    clerk = users[Role.CLERK]
    for source, targets in HotWorkPermit.TRANSITIONS.items():
        for target in S:
            permit = apply(site, clerk, day=TOMORROW)
            HotWorkPermit.objects.filter(pk=permit.pk).update(status=source, number="DH-T", closeout_at=timezone.now())
            allowed = target in targets
            try:
                hw.hotwork_set_status(permit=permit, to=target, actor=clerk, reason="原因")
            except ValidationError as exc:
                assert not allowed, f"{source} → {target} refused: {exc}"
                assert HotWorkPermit.objects.get(pk=permit.pk).status == source
            else:
                assert allowed, f"{source} → {target} must be refused"
                assert HotWorkStatusChange.objects.filter(permit=permit, from_status=source, to_status=target).exists()
        assert any(t not in targets for t in S), source  # a refused move exists from every state


def test_the_happy_path_two_reviews_by_different_people_then_the_manager(site, users):
    permit = apply(site, users[Role.CLERK], day=TOMORROW)
    assert permit.status == S.REVIEW and permit.attachments.count() == 2
    with pytest.raises(ValidationError, match="filed themselves"):
        hw.hotwork_review(permit=permit, stage="engineering", passed=True, comments="", actor=users[Role.CLERK])
    permit = hw.hotwork_review(permit=permit, stage="engineering", passed=True, comments="远离燃气管",
                               actor=users[Role.ENGINEER])
    assert permit.status == S.REVIEW  # safety still to come
    with pytest.raises(ValidationError, match="another person reviews safety"):
        hw.hotwork_review(permit=permit, stage="safety", passed=True, comments="", actor=users[Role.ENGINEER])
    with pytest.raises(ValidationError, match="not awaiting approval: .* made it “Engineering and safety review”"):
        hw.hotwork_decide(permit=permit, approve=True, actor=users[Role.MANAGER])
    permit = hw.hotwork_review(permit=permit, stage="safety", passed=True, comments="", actor=users[Role.SUPERVISOR])
    assert permit.status == S.APPROVAL
    with pytest.raises(ValidationError, match="filed or reviewed"):
        hw.hotwork_decide(permit=permit, approve=True, actor=users[Role.SUPERVISOR])
    permit = hw.hotwork_decide(permit=permit, approve=True, actor=users[Role.MANAGER])
    year = timezone.localdate().year
    assert permit.status == S.ISSUED and permit.number == f"DH{year}00001"
    assert [c.to_status for c in permit.status_changes.all()] == [S.REVIEW, S.APPROVAL, S.ISSUED]


def test_a_refused_review_rejects_with_its_reason(site, users):
    permit = apply(site, users[Role.CLERK], day=TOMORROW)
    with pytest.raises(ValidationError):
        hw.hotwork_review(permit=permit, stage="safety", passed=False, comments="", actor=users[Role.SUPERVISOR])
    permit = hw.hotwork_review(permit=permit, stage="safety", passed=False, comments="易燃物未清理",
                               actor=users[Role.SUPERVISOR])
    assert permit.status == S.REJECTED and permit.status_changes.last().reason == "易燃物未清理"


def test_numbers_are_gapless_per_community_and_year_even_after_a_rollback(site, users, community_b, make_user):
    from django.db import transaction

    first = issued(site, users, day=TOMORROW)
    second = apply(site, users[Role.CLERK], day=TOMORROW)
    hw.hotwork_review(permit=second, stage="engineering", passed=True, comments="", actor=users[Role.ENGINEER])
    hw.hotwork_review(permit=second, stage="safety", passed=True, comments="", actor=users[Role.SUPERVISOR])
    with pytest.raises(RuntimeError), transaction.atomic():
        hw.hotwork_decide(permit=second, approve=True, actor=users[Role.MANAGER])
        raise RuntimeError("printer jammed")  # the number goes back
    second = hw.hotwork_decide(permit=second, approve=True, actor=users[Role.MANAGER])
    assert [first.seq, second.seq] == [1, 2]
    # another community starts its own sequence
    b_users = {role: make_user(role=role, communities=[community_b], username=f"{role}_hb") for role in Role.values}
    other = issued(make_site(community_b, b_users[Role.CLERK]), b_users, day=TOMORROW)
    assert other.seq == 1


def test_only_an_active_renovation_takes_hot_work_and_the_window_is_checked(site, users):
    from renovation.models import Renovation

    clerk = users[Role.CLERK]
    Renovation.objects.filter(pk=site.pk).update(status="pending", permit_number="")
    with pytest.raises(ValidationError, match="permit issued"):
        apply(site, clerk, day=TOMORROW)
    Renovation.objects.filter(pk=site.pk).update(status="in_progress", permit_number="ZX1")
    with pytest.raises(ValidationError) as exc:
        apply(site, clerk, day=TOMORROW, start=datetime.time(12), end=datetime.time(10))
    assert "end_time" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        apply(site, clerk, day=timezone.localdate() - datetime.timedelta(days=1))
    assert "end_time" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        apply(site, clerk, day=site.permit_valid_to + datetime.timedelta(days=1))
    assert "work_date" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        apply(site, clerk, day=TOMORROW, certificate=SimpleUploadedFile("a.exe", b"MZ\x90\x00", content_type="image/png"))
    assert "certificate" in exc.value.error_dict


# -- expiry, reminder, close-out ----------------------------------------------------------------------------

def test_the_page_says_expired_before_the_sweep_and_the_sweep_expires_once(site, users, client):
    now = timezone.now()
    permit = issued(site, users, day=TOMORROW)
    HotWorkPermit.objects.filter(pk=permit.pk).update(starts_at=now - datetime.timedelta(hours=3),
                                                      ends_at=now - datetime.timedelta(minutes=1))
    client.force_login(users[Role.CLERK])
    html = client.get(reverse("renovation:hotwork_detail", args=[permit.pk])).content.decode()
    assert str(S.EXPIRED.label) in html and HotWorkPermit.objects.get(pk=permit.pk).status == S.ISSUED
    listed = client.get(reverse("renovation:hotwork_list"), {"status": "expired"}).context["rows"]
    assert [r["permit"].pk for r in listed] == [permit.pk]
    assert hw.hotwork_sweep() == {"reminded": 0, "expired": 1}
    assert hw.hotwork_sweep() == {"reminded": 0, "expired": 0}
    permit.refresh_from_db()
    assert permit.status == S.EXPIRED and permit.status_changes.last().actor is None
    assert Notification.objects.filter(user=users[Role.CLERK], title__contains=permit.number).count() == 1


def test_the_window_ending_reminder_is_sent_once(site, users):
    now = timezone.now()
    permit = issued(site, users, day=TOMORROW)
    HotWorkPermit.objects.filter(pk=permit.pk).update(starts_at=now - datetime.timedelta(hours=1),
                                                      ends_at=now + datetime.timedelta(minutes=20))
    assert hw.hotwork_end_reminders(now=now) == [permit.pk]
    assert hw.hotwork_end_reminders(now=now + datetime.timedelta(minutes=1)) == []
    assert Notification.objects.filter(user=users[Role.CLERK], title__contains=permit.number).count() == 1


def test_the_close_out_records_who_when_and_a_note(site, users):
    permit = issued(site, users, day=TOMORROW)
    with pytest.raises(ValidationError):
        hw.hotwork_close_out(permit=permit, site_safe=False, note="", actor=users[Role.ENGINEER])
    permit = hw.hotwork_close_out(permit=permit, site_safe=True, note="无余火", actor=users[Role.ENGINEER])
    assert permit.status == S.CLOSED and permit.closeout_by == users[Role.ENGINEER] and permit.closeout_note == "无余火"
    with pytest.raises(ValidationError):
        hw.hotwork_close_out(permit=permit, site_safe=True, note="", actor=users[Role.ENGINEER])


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_expires_the_permit_and_reminds_once(community_a, users, settings, tmp_path):
    import time
    import uuid

    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from renovation.tasks import hotwork_sweep

    settings.MEDIA_ROOT = tmp_path
    queue = f"test-hotwork-{uuid.uuid4().hex[:8]}"
    now = timezone.now()
    site = make_site(community_a, users[Role.CLERK])
    ending = issued(site, users, day=TOMORROW)
    ended = issued(site, users, day=TOMORROW)
    HotWorkPermit.objects.filter(pk=ending.pk).update(starts_at=now - datetime.timedelta(hours=1),
                                                      ends_at=now + datetime.timedelta(minutes=10))
    HotWorkPermit.objects.filter(pk=ended.pk).update(starts_at=now - datetime.timedelta(hours=2),
                                                     ends_at=now - datetime.timedelta(minutes=5))
    def done():
        return (HotWorkPermit.objects.get(pk=ended.pk).status == S.EXPIRED
                and HotWorkPermit.objects.get(pk=ending.pk).end_reminder_sent_at is not None)

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[queue]):
        hotwork_sweep.apply_async(queue=queue)
        hotwork_sweep.apply_async(queue=queue)  # the beat fired twice (or caught up): nothing twice
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not done():
            time.sleep(0.2)
        time.sleep(1)  # the second run has had its turn
    assert done()
    assert HotWorkStatusChange.objects.filter(permit=ended, to_status=S.EXPIRED).count() == 1
    assert Notification.objects.filter(user=users[Role.CLERK], group=f"hotwork:{ended.pk}").count() == 1
    assert Notification.objects.filter(user=users[Role.CLERK], group=f"hotwork:{ending.pk}").count() == 1


# -- pages --------------------------------------------------------------------------------------------------

def _form(**extra):
    certificate, id_copy = copies()
    data = {"applicant_kind": "lead", "location": "阳台", "work": "焊接护栏", "work_date": f"{TOMORROW:%Y-%m-%d}",
            "start_time": "09:00", "end_time": "11:00", "welder_name": "刘铁军", "welder_certificate_no": "T1",
            "certificate": certificate, "id_copy": id_copy, "fire_watcher_name": "赵刚",
            "fire_watcher_phone": "13700002000", "extinguishers_checked": "on", "extinguisher_count": "2",
            "form_token": "7f1d6c1e-0000-4000-8000-000000000001"}
    data.update(extra)
    return data


def test_filing_in_the_browser_keeps_bad_input_and_a_double_submit_makes_one(site, users, client):
    client.force_login(users[Role.CLERK])
    url = f"{reverse('renovation:hotwork_create')}?unit={site.unit_id}"
    page = client.get(url)
    assert page.status_code == 200 and "multipart/form-data" in page.content.decode()
    bad = client.post(url, _form(end_time="08:00", fire_watcher_phone="12345", extinguishers_checked=""))
    html = bad.content.decode()
    assert bad.status_code == 200 and HotWorkPermit.objects.count() == 0
    assert "刘铁军" in html and 'value="12345"' in html
    assert set(bad.context["form"].errors) >= {"end_time", "fire_watcher_phone", "extinguishers_checked"}
    first = client.post(url, _form())
    second = client.post(url, _form())
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert HotWorkPermit.objects.count() == 1


def test_filing_needs_a_room_with_a_renovation_on_site(community_a, users, client):
    client.force_login(users[Role.CLERK])
    unit = make_unit(community_a, building="7")
    response = client.get(reverse("renovation:hotwork_create"), {"unit": unit.pk})
    assert response.status_code == 302
    step = client.get(reverse("renovation:hotwork_create"), {"room": "no-such-room"})
    assert step.status_code == 200 and step.context["form"].errors


def test_reviews_and_approval_through_the_pages_and_the_pdf(site, users, client):
    permit = apply(site, users[Role.CLERK], day=TOMORROW)
    detail = reverse("renovation:hotwork_detail", args=[permit.pk])
    client.force_login(users[Role.ENGINEER])
    assert 'id="engineering-form"' in client.get(detail).content.decode()
    refused = client.post(reverse("renovation:hotwork_review_engineering", args=[permit.pk]),
                          {"engineering-decision": "refuse", "engineering-comments": ""})
    assert refused.status_code == 200 and HotWorkPermit.objects.get(pk=permit.pk).status == S.REVIEW
    client.post(reverse("renovation:hotwork_review_engineering", args=[permit.pk]),
                {"engineering-decision": "pass", "engineering-comments": "可以"})
    client.force_login(users[Role.SUPERVISOR])
    client.post(reverse("renovation:hotwork_review_safety", args=[permit.pk]), {"safety-decision": "pass"})
    client.force_login(users[Role.MANAGER])
    assert client.post(reverse("renovation:hotwork_decide", args=[permit.pk]), {"decision": "approve"}).status_code == 302
    permit.refresh_from_db()
    assert permit.status == S.ISSUED
    response = client.get(reverse("renovation:hotwork_pdf", args=[permit.pk]))
    assert response["Content-Type"] == "application/pdf"
    fonts, text = _pdf(response.content)
    assert "WenQuanYi" in fonts and "yes" in fonts.split("WenQuanYi", 1)[1].splitlines()[0]
    assert permit.number in text and "刘铁军" in text and site.unit.code in text
    assert "13700002000" in text  # the desk roles see the fire watcher's phone in full
    client.force_login(users[Role.ENGINEER])
    _fonts, text = _pdf(client.get(reverse("renovation:hotwork_pdf", args=[permit.pk])).content)
    assert "137****2000" in text and "13700002000" not in text



def test_the_welders_copies_are_scoped_logged_and_never_public(site, users, client, clerk_b):
    permit = apply(site, users[Role.CLERK], day=TOMORROW)
    attachment = permit.attachments.first()
    client.force_login(users[Role.CLERK])
    html = client.get(reverse("renovation:hotwork_detail", args=[permit.pk])).content.decode()
    url = reverse("renovation:hotwork_file", args=[attachment.pk])
    assert url in html and "/media/" not in html
    response = client.get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == png_bytes()
    assert SensitiveDataAccess.objects.filter(user=users[Role.CLERK], record_id=attachment.pk).count() == 1
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    client.force_login(clerk_b)
    assert client.get(url).status_code == 404


def test_the_list_filters_and_keeps_its_query_count(site, users, client, django_assert_max_num_queries):
    for _n in range(4):
        issued(site, users, day=TOMORROW)
    apply(site, users[Role.CLERK], day=TOMORROW, location="厨房")
    client.force_login(users[Role.CLERK])
    url = reverse("renovation:hotwork_list")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert len(response.context["rows"]) == 5
    assert len(client.get(url, {"status": "review"}).context["rows"]) == 1
    assert len(client.get(url, {"q": "厨房"}).context["rows"]) == 1
    assert client.get(url, {"day": "not-a-date", "status": "x\x00"}).status_code == 200
    export = client.get(url, {"export": "xlsx"})
    assert "spreadsheetml" in export["Content-Type"]


@pytest.mark.django_db(transaction=True)
def test_two_managers_approving_at_once_issue_one_number(community_a, users, make_user, settings, tmp_path):
    from django.db import close_old_connections

    settings.MEDIA_ROOT = tmp_path
    site = make_site(community_a, users[Role.CLERK])
    permit = apply(site, users[Role.CLERK], day=TOMORROW)
    hw.hotwork_review(permit=permit, stage="engineering", passed=True, comments="", actor=users[Role.ENGINEER])
    hw.hotwork_review(permit=permit, stage="safety", passed=True, comments="", actor=users[Role.SUPERVISOR])
    managers = [users[Role.MANAGER], make_user(role=Role.MANAGER, communities=[community_a], username="manager2")]
    results, barrier = [], threading.Barrier(2)

    def approve(manager):
        try:
            barrier.wait()
            hw.hotwork_decide(permit=permit, approve=True, actor=manager)
            results.append("ok")
        except ValidationError as exc:
            results.append(exc.messages[0])
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=approve, args=(m,)) for m in managers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1 and any("not awaiting approval" in r for r in results), results
    winner = HotWorkPermit.objects.get(pk=permit.pk).approved_by
    assert any(winner.display_name in r for r in results if r != "ok")  # the loser is told who won
    assert HotWorkPermit.objects.get(pk=permit.pk).seq == 1
