"""The supervisor's daily sign-off: the list of unsigned days, signing once, entries after sign-off."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Role
from duty.models import DailyReview
from duty.services.log import entry_append
from duty.services.review import day_sign

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def supervisor(users):
    return users[Role.SUPERVISOR]


def at(days_ago, hour=10):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def add(community, author, when, **kwargs):
    return entry_append(community=community, author=author, kind="call", content=kwargs.pop("content", "来电"),
                        occurred_at=when, **kwargs)


def test_unsigned_days_newest_first_with_counts(client, community_a, clerk, supervisor):
    for days_ago, n in ((3, 2), (2, 1), (1, 3)):
        for i in range(n):
            add(community_a, clerk, at(days_ago, 9 + i), follow_up_needed=i == 0, important=days_ago == 1 and i == 0)
    add(community_a, clerk, at(2, 23).replace(minute=59))  # late evening stays on its local day
    day_sign(community=community_a, date=at(3).date(), actor=supervisor)
    client.force_login(supervisor)
    days = client.get(reverse("duty:signoff_days")).context["days"]
    assert [(d["date"], d["entries"], d["follow_ups"], d["important"]) for d in days] == [
        (at(1).date(), 3, 1, 1), (at(2).date(), 2, 1, 0)]


def test_unsigned_days_list_has_constant_queries(client, community_a, clerk, supervisor):
    add(community_a, clerk, at(1))
    client.force_login(supervisor)
    client.get(reverse("duty:signoff_days"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("duty:signoff_days"))
    for days_ago in range(2, 12):
        add(community_a, clerk, at(days_ago))
        if days_ago % 2:
            day_sign(community=community_a, date=at(days_ago).date(), actor=supervisor)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("duty:signoff_days"))
    assert len(response.context["days"]) == 6 and len(response.context["signed"]) == 5
    assert len(many) == len(few)


def test_supervisor_signs_a_day_with_a_comment(client, community_a, clerk, supervisor):
    first = add(community_a, clerk, at(1, 9), content="上午来电")
    second = add(community_a, clerk, at(1, 15), content="下午巡查")
    add(community_a, clerk, at(0, 0), content="今天的")  # today, whatever the time of day
    client.force_login(supervisor)
    url = reverse("duty:signoff_day", args=[at(1).date().isoformat()])
    page = client.get(url)
    assert [e.pk for e in page.context["entries"]] == [first.pk, second.pk]
    assert client.post(url, {"comment": "记录完整", "read_up_to": second.seq}).status_code == 302
    review = DailyReview.objects.get()
    assert (review.reviewer, review.comment, review.last_entry_seq, review.date) == (
        supervisor, "记录完整", second.seq, at(1).date())
    html = client.get(url).content.decode()
    assert "signed-box" in html and supervisor.display_name in html and "sign-day-form" not in html
    assert at(1).date() not in [d["date"] for d in client.get(reverse("duty:signoff_days")).context["days"]]


def test_signing_twice_gives_one_review_and_a_clear_message(client, community_a, clerk, supervisor, users):
    add(community_a, clerk, at(1))
    day_sign(community=community_a, date=at(1).date(), actor=supervisor)
    with pytest.raises(ValidationError) as exc:
        day_sign(community=community_a, date=at(1).date(), actor=users[Role.MANAGER])
    assert "already signed" in str(exc.value)
    client.force_login(users[Role.MANAGER])
    response = client.post(reverse("duty:signoff_day", args=[at(1).date().isoformat()]), {"comment": "再签"})
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert DailyReview.objects.count() == 1


def test_double_click_signs_once(client, community_a, clerk, supervisor):
    add(community_a, clerk, at(1))
    client.force_login(supervisor)
    url = reverse("duty:signoff_day", args=[at(1).date().isoformat()])
    data = {"comment": "", "form_token": "0e5a7d0c-2f6b-4a83-9d0f-5b6c7d8e9f01"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert DailyReview.objects.count() == 1


def test_entries_after_sign_off_are_flagged(client, community_a, clerk, supervisor):
    before = add(community_a, clerk, at(1, 9))
    day_sign(community=community_a, date=at(1).date(), actor=supervisor)
    late = add(community_a, clerk, at(1, 20), content="补记的记录")
    client.force_login(supervisor)
    response = client.get(reverse("duty:signoff_day", args=[at(1).date().isoformat()]))
    html = response.content.decode()
    review = response.context["review"]
    assert before.seq <= review.last_entry_seq < late.seq
    assert html.count("after-signoff") == 1 and "补记的记录" in html
    today = client.get(reverse("duty:today"), {"date": at(1).date().isoformat()}).content.decode()
    assert today.count("after-signoff") == 1 and "day-signed" in today


def test_a_future_day_cannot_be_signed(community_a, supervisor):
    with pytest.raises(ValidationError):
        day_sign(community=community_a, date=timezone.localdate() + datetime.timedelta(days=1), actor=supervisor)


def test_read_up_to_cannot_exceed_the_log(community_a, clerk, supervisor):
    entry = add(community_a, clerk, at(1))
    review = day_sign(community=community_a, date=at(1).date(), read_up_to=999, actor=supervisor)
    assert review.last_entry_seq == entry.seq


def test_sign_off_is_append_only(community_a, clerk, supervisor):
    add(community_a, clerk, at(1))
    review = day_sign(community=community_a, date=at(1).date(), comment="好", actor=supervisor)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {DailyReview._meta.db_table} SET comment = 'x' WHERE id = %s", [review.pk])
    review.refresh_from_db()
    assert review.comment == "好"


def test_clerk_may_not_sign(clerk_client, community_a, clerk):
    add(community_a, clerk, at(1))
    assert clerk_client.post(reverse("duty:signoff_day", args=[at(1).date().isoformat()]), {}).status_code == 403
    assert not DailyReview.objects.exists()


def test_bad_date_is_404(client, supervisor):
    client.force_login(supervisor)
    assert client.get(reverse("duty:signoff_day", args=["2026-13-40"])).status_code == 404


def test_day_page_has_constant_queries(client, community_a, clerk, supervisor):
    add(community_a, clerk, at(1, 8))
    client.force_login(supervisor)
    url = reverse("duty:signoff_day", args=[at(1).date().isoformat()])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for hour in range(9, 21):
        e = add(community_a, clerk, at(1, hour), follow_up_needed=True)
        entry_append(community=community_a, author=clerk, kind="other", content="更正", occurred_at=at(1, hour), corrects=e)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(response.context["entries"]) == 25 and len(many) == len(few)
