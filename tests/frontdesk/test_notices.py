"""Notices to residents 通知 / 通告 / 温馨提示: drafting from a template, numbering, approval (never one's own),
rejection and withdrawal recorded, the posting checklist, the take-down reminder once, the SMS never doubled,
the PDF (a page per entrance, in Chinese), the archive's search and bad parameters, query counts, scoping."""

import datetime
import subprocess
import tempfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import Notification, OutboundMessage, Role
from frontdesk import tasks
from frontdesk.models import Notice, NoticePosting, NoticeReminder, NoticeSms, NoticeStatusChange, NoticeTemplate
from frontdesk.services import notices as services
from tests.factories import EntranceFactory
from tests.frontdesk.matrix_notices import draft, notice_home, published, water_template

S = Notice.Status


@pytest.fixture(autouse=True)
def english(english_messages):
    """Messages in English (tests/conftest.py)."""


@pytest.fixture
def home(community_a):
    return notice_home(community_a)


def _token(n: int) -> str:
    return f"7c1d2e3f-4a5b-4c6d-8e7f-{n:012d}"


# -- templates and drafting ------------------------------------------------------------------------------------

def test_default_templates_are_seeded_once(community_a, users):
    assert services.templates_seed(community=community_a, actor=users[Role.MANAGER]) == 6
    assert services.templates_seed(community=community_a, actor=users[Role.MANAGER]) == 0
    names = set(NoticeTemplate.objects.filter(community=community_a).values_list("name", flat=True))
    assert {"停水通知", "停电通知", "消杀通知", "电梯维保", "缴费提醒", "节日温馨提示"} <= names


def test_a_draft_fills_the_placeholders_and_is_numbered_per_community_and_year(home, community_a, community_b,
                                                                               users, clerk_b):
    entrance, _owners = home
    first = draft(community_a, [entrance], actor=users[Role.CLERK])
    second = draft(community_a, [entrance], actor=users[Role.CLERK])
    year = timezone.localdate().year
    assert (first.number, second.number) == (f"TZ{year}-0001", f"TZ{year}-0002")
    assert "12月8日 8:00 至 18:00，3栋将暂停供水" in first.body and "{" not in first.body
    assert first.status == S.DRAFT and first.kind == "notice"
    other_entrance, _ = notice_home(community_b, phones=("13900139001",))
    assert draft(community_b, [other_entrance], actor=clerk_b).number == f"TZ{year}-0001"


def test_a_draft_refuses_a_foreign_entrance_and_a_backwards_period(home, community_a, unit_b, users):
    entrance, _owners = home
    with pytest.raises(ValidationError) as refused:
        draft(community_a, [unit_b.entrance], actor=users[Role.CLERK])
    assert "entrances" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.notice_draft(community=community_a, template=water_template(community_a), values={},
                              post_from=timezone.localdate(), post_to=timezone.localdate() - datetime.timedelta(days=1),
                              entrance_ids=[entrance.pk], actor=users[Role.CLERK])
    assert "post_to" in refused.value.message_dict


def test_the_text_is_editable_only_while_a_draft(home, community_a, users):
    entrance, _owners = home
    clerk = users[Role.CLERK]
    notice = draft(community_a, [entrance], actor=clerk)
    services.notice_edit(notice=notice, kind="announcement", title="停水通告", body="改过的正文内容。",
                         post_from=notice.post_from, post_to=notice.post_to, entrance_ids=[entrance.pk],
                         send_sms=False, actor=clerk)
    notice.refresh_from_db()
    assert (notice.kind, notice.title, notice.body) == ("announcement", "停水通告", "改过的正文内容。")
    services.notice_submit(notice=notice, actor=clerk)
    with pytest.raises(ValidationError, match="Only a draft can be changed"):
        services.notice_edit(notice=notice, kind="notice", title="再改", body="再改的正文内容。",
                             post_from=notice.post_from, post_to=notice.post_to, entrance_ids=[entrance.pk],
                             send_sms=False, actor=clerk)


# -- approval --------------------------------------------------------------------------------------------------

def test_nobody_approves_their_own_notice_and_a_clerk_never_approves(home, community_a, users, make_user):
    entrance, _owners = home
    supervisor = users[Role.SUPERVISOR]
    notice = draft(community_a, [entrance], actor=supervisor)
    services.notice_submit(notice=notice, actor=supervisor)
    with pytest.raises(ValidationError, match="drafted themselves"):
        services.notice_approve(notice=notice, actor=supervisor)
    with pytest.raises(ValidationError, match="Only a supervisor or the manager"):
        services.notice_approve(notice=notice, actor=users[Role.CLERK])
    done = services.notice_approve(notice=notice, actor=users[Role.MANAGER])
    assert done.status == S.PUBLISHED and done.approved_by == users[Role.MANAGER]
    assert [p.entrance_id for p in NoticePosting.objects.filter(notice=notice)] == [entrance.pk]
    assert list(NoticeStatusChange.objects.filter(notice=notice).values_list("to_status", flat=True)) == [
        S.DRAFT, S.PENDING, S.PUBLISHED]


def test_the_approve_button_is_not_shown_to_the_author(home, community_a, users, client):
    entrance, _owners = home
    supervisor = users[Role.SUPERVISOR]
    notice = draft(community_a, [entrance], actor=supervisor)
    services.notice_submit(notice=notice, actor=supervisor)
    client.force_login(supervisor)
    assert 'id="notice-approve"' not in client.get(notice.get_absolute_url()).content.decode()
    response = client.post(reverse("frontdesk:notice_approve", args=[notice.pk]), {"form_token": _token(1)},
                           follow=True)
    assert "drafted themselves" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == S.PENDING


def test_a_rejection_keeps_the_reason_and_the_draft_can_be_corrected(home, community_a, users):
    entrance, _owners = home
    clerk = users[Role.CLERK]
    notice = draft(community_a, [entrance], actor=clerk)
    services.notice_submit(notice=notice, actor=clerk)
    with pytest.raises(ValidationError):
        services.notice_reject(notice=notice, reason=" ", actor=users[Role.SUPERVISOR])
    services.notice_reject(notice=notice, reason="时间写错了", actor=users[Role.SUPERVISOR])
    notice.refresh_from_db()
    assert (notice.status, notice.reason) == (S.REJECTED, "时间写错了")
    services.notice_reopen(notice=notice, actor=clerk)
    notice.refresh_from_db()
    assert notice.status == S.DRAFT


def test_a_withdrawal_is_recorded_never_deleted(home, community_a, users, client):
    entrance, _owners = home
    notice = published(community_a, [entrance], users)
    client.force_login(users[Role.CLERK])
    response = client.post(reverse("frontdesk:notice_withdraw", args=[notice.pk]),
                           {"reason": "供水公司取消检修", "form_token": _token(2)})
    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.status, notice.reason) == (S.WITHDRAWN, "供水公司取消检修")
    change = NoticeStatusChange.objects.filter(notice=notice).last()
    assert (change.to_status, change.note, change.actor) == (S.WITHDRAWN, "供水公司取消检修", users[Role.CLERK])
    assert Notice.objects.filter(pk=notice.pk).exists()
    with pytest.raises(ValidationError, match="can no longer be withdrawn"):
        services.notice_withdraw(notice=notice, reason="再撤一次", actor=users[Role.CLERK])
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "供水公司取消检修" in page


# -- the posting checklist -----------------------------------------------------------------------------------------

def test_the_posting_checklist_records_who_posted_and_took_down(home, community_a, users, client):
    entrance, _owners = home
    second = EntranceFactory(building=entrance.building, name="9")
    notice = published(community_a, [entrance, second], users)
    postings = list(NoticePosting.objects.filter(notice=notice).order_by("entrance__name"))
    assert len(postings) == 2
    client.force_login(users[Role.CLERK])
    url = reverse("frontdesk:notice_posting_posted", args=[postings[0].pk])
    assert client.post(url, {"form_token": _token(3)}).status_code == 302
    postings[0].refresh_from_db()
    assert postings[0].posted_by == users[Role.CLERK] and postings[0].posted_at is not None
    # a second clerk is told who posted it
    with pytest.raises(ValidationError, match="Already posted by"):
        services.posting_record(posting=postings[0], actor=users[Role.SUPERVISOR])
    with pytest.raises(ValidationError, match="never posted"):
        services.posting_take_down(posting=postings[1], actor=users[Role.CLERK])
    services.posting_record(posting=postings[1], actor=users[Role.SUPERVISOR])
    after = timezone.now() + datetime.timedelta(days=5)  # the period is over
    services.posting_take_down(posting=postings[0], actor=users[Role.CLERK], now=after)
    notice.refresh_from_db()
    assert notice.status == S.PUBLISHED  # one copy still up
    services.posting_take_down(posting=postings[1], actor=users[Role.SUPERVISOR], now=after)
    notice.refresh_from_db()
    assert notice.status == S.TAKEN_DOWN
    page = client.get(notice.get_absolute_url()).content.decode()
    assert page.count(users[Role.SUPERVISOR].display_name) >= 2


def test_a_draft_has_no_checklist_to_post(home, community_a, users):
    entrance, _owners = home
    notice = draft(community_a, [entrance], actor=users[Role.CLERK])
    assert not NoticePosting.objects.filter(notice=notice).exists()


# -- the take-down reminder -----------------------------------------------------------------------------------------

def test_the_take_down_reminder_is_sent_once(home, community_a, users):
    entrance, _owners = home
    clerk = users[Role.CLERK]
    notice = services.notice_draft(
        community=community_a, template=water_template(community_a), values={},
        post_from=timezone.localdate() - datetime.timedelta(days=5),
        post_to=timezone.localdate() - datetime.timedelta(days=1), entrance_ids=[entrance.pk], actor=clerk)
    services.notice_submit(notice=notice, actor=clerk)
    services.notice_approve(notice=notice, actor=users[Role.SUPERVISOR])
    assert tasks.notices_take_down() == 0  # nothing posted: nothing to take down
    services.posting_record(posting=NoticePosting.objects.get(notice=notice), actor=clerk)
    assert tasks.notices_take_down() == 1
    assert tasks.notices_take_down() == 0  # the beat's second run sends nothing again
    assert NoticeReminder.objects.filter(notice=notice).count() == 1
    reminded = Notification.objects.filter(group=f"notice:{notice.pk}:take-down")
    assert reminded.filter(user=clerk).count() == 1
    assert not reminded.filter(user=users[Role.CASHIER]).exists()


def test_a_notice_still_in_its_period_is_not_reminded(home, community_a, users):
    entrance, _owners = home
    notice = published(community_a, [entrance], users)
    services.posting_record(posting=NoticePosting.objects.get(notice=notice), actor=users[Role.CLERK])
    assert services.notices_take_down_reminders() == 0
    later = timezone.now() + datetime.timedelta(days=4)
    assert services.notices_take_down_reminders(now=later) == 1
    assert services.notices_take_down_reminders(now=later) == 0


# -- the SMS to the owners --------------------------------------------------------------------------------------------

def test_the_sms_goes_once_to_each_owner_even_when_the_task_runs_twice(home, community_a, users, client,
                                                                      django_capture_on_commit_callbacks):
    entrance, owners = home
    with django_capture_on_commit_callbacks() as queued:
        notice = published(community_a, [entrance], users, sms=True)
    assert queued  # the SMS batch is queued after the approval commits
    first = tasks.notice_sms(notice.pk)
    second = tasks.notice_sms(notice.pk)
    assert (first["sent"], second["sent"]) == (2, 0)
    messages = OutboundMessage.objects.filter(channel="sms")
    assert sorted(messages.values_list("recipient", flat=True)) == sorted(o.phone for o in owners)
    assert NoticeSms.objects.filter(notice=notice).count() == 2
    client.force_login(users[Role.CLERK])
    page = client.get(notice.get_absolute_url()).content.decode()
    assert "2 messages sent" in page
    assert all(o.phone not in page for o in owners)  # the page never shows a phone


def test_the_sms_goes_in_batches(home, community_a, users):
    entrance, _owners = home
    notice = published(community_a, [entrance], users, sms=True)
    assert services.notice_sms_batch(notice_id=notice.pk, batch=1) == {"sent": 1, "remaining": 1}
    assert services.notice_sms_batch(notice_id=notice.pk, batch=1) == {"sent": 1, "remaining": 0}
    assert services.notice_sms_batch(notice_id=notice.pk, batch=1) == {"sent": 0, "remaining": 0}
    assert OutboundMessage.objects.filter(channel="sms").count() == 2


def test_no_sms_unless_chosen_and_published(home, community_a, users):
    entrance, _owners = home
    notice = published(community_a, [entrance], users)
    assert services.notice_sms_batch(notice_id=notice.pk)["sent"] == 0
    pending = draft(community_a, [entrance], actor=users[Role.CLERK], sms=True)
    assert services.notice_sms_batch(notice_id=pending.pk)["sent"] == 0
    assert not OutboundMessage.objects.exists()


# -- the PDF -----------------------------------------------------------------------------------------------------------

def test_the_pdf_has_a_page_per_entrance_in_chinese(home, community_a, users, client):
    entrance, _owners = home
    second = EntranceFactory(building=entrance.building, name="9")
    notice = published(community_a, [entrance, second], users)
    client.force_login(users[Role.CLERK])
    response = client.get(reverse("frontdesk:notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.content)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info
    assert text.count(notice.number) == 2 and "停水通知" in text and "暂停供水" in text
    assert community_a.name in text


# -- the archive -------------------------------------------------------------------------------------------------------

def test_the_archive_searches_text_and_dates_and_ignores_bad_parameters(home, community_a, users, client):
    entrance, _owners = home
    water = published(community_a, [entrance], users)
    services.templates_seed(community=community_a, actor=users[Role.MANAGER])
    later = timezone.localdate() + datetime.timedelta(days=30)
    power = services.notice_draft(community=community_a, template=NoticeTemplate.objects.get(
        community=community_a, name="停电通知"), values={"area": "5栋"}, post_from=later, post_to=later,
        entrance_ids=[entrance.pk], actor=users[Role.CLERK])
    client.force_login(users[Role.CLERK])
    url = reverse("frontdesk:notice_list")
    page = client.get(url, {"q": "暂停供电"}).content.decode()
    assert power.number in page and water.number not in page
    page = client.get(url, {"date_from": f"{later:%Y-%m-%d}"}).content.decode()
    assert power.number in page and water.number not in page
    page = client.get(url, {"status": "published"}).content.decode()
    assert water.number in page and power.number not in page
    for bad in ({"q": "水\x00" * 500}, {"date_from": "2026-13-45"}, {"community": "9" * 40},
                {"status": "nonsense"}, {"page": "1e99999"}):
        response = client.get(url, bad)
        assert response.status_code == 200, bad


def test_the_archive_and_the_page_stay_within_their_queries(home, community_a, users, client,
                                                            django_assert_max_num_queries):
    entrance, _owners = home
    notices = [published(community_a, [entrance], users) for _ in range(3)]
    for n in notices:
        services.posting_record(posting=NoticePosting.objects.get(notice=n), actor=users[Role.CLERK])
    client.force_login(users[Role.CLERK])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("frontdesk:notice_list")).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(notices[0].get_absolute_url()).status_code == 200


# -- the forms ------------------------------------------------------------------------------------------------------------

def test_a_double_submit_drafts_one_notice_and_bad_input_is_kept(home, community_a, users, client):
    entrance, _owners = home
    template = water_template(community_a)
    client.force_login(users[Role.CLERK])
    url = reverse("frontdesk:notice_create") + f"?community={community_a.pk}"
    today = f"{timezone.localdate():%Y-%m-%d}"
    data = {"template": template.pk, "date": "12月9日", "start": "9:00", "end": "12:00", "area": "3栋",
            "post_from": today, "post_to": today, "entrances": [entrance.pk], "form_token": _token(4)}
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert Notice.objects.count() == 1
    bad = client.post(url, data | {"post_to": "2000-01-01", "area": "留着的区域", "form_token": _token(5)})
    assert bad.status_code == 200
    page = bad.content.decode()
    assert "ends before it starts" in page and "留着的区域" in page
    assert Notice.objects.count() == 1


# -- scoping --------------------------------------------------------------------------------------------------------------

def test_a_foreign_communitys_notice_is_a_404(home, community_a, users, clerk_b, client):
    entrance, _owners = home
    notice = published(community_a, [entrance], users)
    posting = NoticePosting.objects.get(notice=notice)
    client.force_login(clerk_b)
    for url in (notice.get_absolute_url(), reverse("frontdesk:notice_pdf", args=[notice.pk]),
                reverse("frontdesk:notice_edit", args=[notice.pk])):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("frontdesk:notice_posting_posted", args=[posting.pk]),
                       {"form_token": _token(6)}).status_code == 404
    assert notice.number not in client.get(reverse("frontdesk:notice_list")).content.decode()
    posting.refresh_from_db()
    assert posting.posted_at is None


def test_the_longest_notice_still_fits_one_page_per_entrance(home, community_a, users):
    from frontdesk import documents
    from frontdesk.selectors import notices as selectors

    entrance, _owners = home
    second = EntranceFactory(building=entrance.building, name="9")
    clerk = users[Role.CLERK]
    notice = draft(community_a, [entrance, second], actor=clerk)
    worst = "\n".join(["停" * 52] * 14 + ["水" * (services.MAX_BODY - 52 * 14 - 14)])  # every line wraps once
    assert len(worst) == services.MAX_BODY
    services.notice_edit(notice=notice, kind="notice", title="通" * 100, body=worst, post_from=notice.post_from,
                         post_to=notice.post_to, entrance_ids=[entrance.pk, second.pk], send_sms=False, actor=clerk)
    with pytest.raises(ValidationError, match="at most 800 characters"):
        services.notice_edit(notice=notice, kind="notice", title="通知", body=worst + "水", post_from=notice.post_from,
                             post_to=notice.post_to, entrance_ids=[entrance.pk], send_sms=False, actor=clerk)
    with pytest.raises(ValidationError, match="at most 15 paragraphs"):
        services.notice_edit(notice=notice, kind="notice", title="通知", body="\n".join(["一段"] * 16),
                             post_from=notice.post_from, post_to=notice.post_to, entrance_ids=[entrance.pk],
                             send_sms=False, actor=clerk)
    community_a.name, community_a.phone = "欧" * 100, "0755-88889999"
    community_a.save()
    notice = selectors.notice_detail(user=clerk, pk=notice.pk)
    pdf, _name = documents.notice_pdf(notice=notice, entrances=selectors.notice_entrances(notice), user=clerk)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(pdf)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    assert "Pages:           2" in info


@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_once_one_records_the_posting_the_other_is_told(community_a, users):
    import threading

    from django.db import connection

    entrance, _owners = notice_home(community_a)
    notice = published(community_a, [entrance], users)
    posting = NoticePosting.objects.get(notice=notice)
    barrier = threading.Barrier(2)
    results = []

    def record(user):
        try:
            barrier.wait()
            services.posting_record(posting=posting, actor=user)
            results.append("posted")
        except ValidationError as exc:
            results.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(users[r],)) for r in (Role.CLERK, Role.SUPERVISOR)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r[:14] for r in results) == ["Already posted", "posted"]
    posting.refresh_from_db()
    assert posting.posted_by in (users[Role.CLERK], users[Role.SUPERVISOR])
    assert posting.posted_by.display_name in next(r for r in results if r != "posted")


def test_a_withdrawn_notice_still_posted_reminds_the_desk_at_once(home, community_a, users):
    entrance, _owners = home
    notice = published(community_a, [entrance], users)
    services.posting_record(posting=NoticePosting.objects.get(notice=notice), actor=users[Role.CLERK])
    services.notice_withdraw(notice=notice, reason="检修取消", actor=users[Role.SUPERVISOR])
    assert services.notices_take_down_reminders() == 1
    assert services.notices_take_down_reminders() == 0
    services.posting_take_down(posting=NoticePosting.objects.get(notice=notice), actor=users[Role.CLERK])
    notice.refresh_from_db()
    assert notice.status == S.WITHDRAWN  # the withdrawal stays; the copy is recorded as down


def test_the_manager_keeps_the_communitys_templates(community_a, users, client):
    client.force_login(users[Role.MANAGER])
    seed = reverse("frontdesk:notice_template_seed")
    assert client.post(seed, {"community": community_a.pk, "form_token": _token(7)}).status_code == 302
    assert NoticeTemplate.objects.filter(community=community_a).count() == 6
    url = reverse("frontdesk:notice_template_create") + f"?community={community_a.pk}"
    data = {"name": "燃气检修", "kind": "notice", "title": "燃气检修通知", "is_active": "on",
            "body": "尊敬的业主：{date} {start}至{end}，{area}燃气检修。", "form_token": _token(8)}
    assert client.post(url, data).status_code == 302
    template = NoticeTemplate.objects.get(community=community_a, name="燃气检修")
    clash = client.post(url, data | {"form_token": _token(9), "title": "留着的标题"})
    page = clash.content.decode()
    assert clash.status_code == 200 and "A template with this name already exists." in page and "留着的标题" in page
    edit = reverse("frontdesk:notice_template_edit", args=[template.pk])
    assert client.post(edit, data | {"form_token": _token(10), "title": "燃气管道检修通知"}).status_code == 302
    template.refresh_from_db()
    assert template.title == "燃气管道检修通知" and template.updated_by == users[Role.MANAGER]
    listing = client.get(reverse("frontdesk:notice_templates")).content.decode()
    assert "燃气检修" in listing and "停水通知" in listing


def test_a_foreign_template_is_a_404(community_b, users, client):
    services.templates_seed(community=community_b, actor=None)
    foreign = NoticeTemplate.objects.filter(community=community_b).first()
    client.force_login(users[Role.MANAGER])
    assert client.get(reverse("frontdesk:notice_template_edit", args=[foreign.pk])).status_code == 404
