"""The duty log: the day page, adding, correcting and closing entries, append-only at the database,
the hash chain (altered and removed rows), the verify page and command, scoping and query counts."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from core.models import Role
from duty.chain import entry_hash
from duty.models import DutyLogEntry
from duty.selectors.log import verify_chain
from duty.services.log import entry_append, follow_up_close

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Service messages are checked in the English source (the test client may switch languages)."""
    with translation.override("en"):
        yield

TABLE = DutyLogEntry._meta.db_table


def add(community, author, content="业主来电", **kwargs):
    return entry_append(community=community, author=author, kind=kwargs.pop("kind", "call"), content=content, **kwargs)


def post_entry(client, community, **data):
    payload = {"community": community.pk, "kind": "call", "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
               "content": "3-2-1502 业主来电：电梯异响", "handling": "已通知工程部", "room": "", "reference": ""}
    payload.update(data)
    return client.post(reverse("duty:log_add"), payload)


# --- adding ---------------------------------------------------------------------------------------

def test_clerk_adds_an_entry_with_room_code(clerk_client, community_a, unit_a, clerk):
    response = post_entry(clerk_client, community_a, room="3-2-1502", follow_up_needed="on", reference="WX-001")
    assert response.status_code == 302
    entry = DutyLogEntry.objects.get()
    assert (entry.seq, entry.author, entry.unit, entry.follow_up_needed, entry.reference) == (1, clerk, unit_a, True, "WX-001")
    assert entry.hash == entry_hash(entry) and entry.prev_hash == "0" * 64
    page = clerk_client.get(response["Location"]).content.decode()
    assert "电梯异响" in page and "3-2-1502" in page


def test_bad_input_stays_at_the_field_and_keeps_what_was_typed(clerk_client, community_a, unit_a):
    response = post_entry(clerk_client, community_a, content="   ", room="9-9-9999", handling="已记录的处理")
    assert response.status_code == 200
    form = response.context["form"]
    assert "content" in form.errors and "room" in form.errors
    html = response.content.decode()
    assert "已记录的处理" in html and "9-9-9999" in html
    future = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    response = post_entry(clerk_client, community_a, occurred_at=future)
    assert "occurred_at" in response.context["form"].errors
    assert not DutyLogEntry.objects.exists()


def test_double_submit_creates_one_entry(clerk_client, community_a):
    token = "6f1c1a52-7a39-4f0e-9a57-0c7f1c2c9d11"
    first = post_entry(clerk_client, community_a, form_token=token)
    second = post_entry(clerk_client, community_a, form_token=token)
    assert first.status_code == second.status_code == 302
    assert DutyLogEntry.objects.count() == 1


def test_important_implies_follow_up(clerk_client, community_a):
    post_entry(clerk_client, community_a, important="on")
    entry = DutyLogEntry.objects.get()
    assert entry.important and entry.follow_up_needed


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.CASHIER])
def test_engineers_and_cashiers_may_not_read_the_log(client, users, community_a, role):
    client.force_login(users[role])
    assert client.get(reverse("duty:today")).status_code == 403


def test_manager_reads_but_may_not_write(client, users, community_a):
    client.force_login(users[Role.MANAGER])
    assert client.get(reverse("duty:today")).status_code == 200
    assert client.get(reverse("duty:today")).context["form"] is None
    assert post_entry(client, community_a).status_code == 403


def test_community_switcher_and_foreign_community_is_404(client, make_user, community_a, community_b, unit_a):
    both = make_user(role=Role.CLERK, communities=[community_a, community_b], username="both")
    add(community_b, both, "锦绣家园的记录")
    client.force_login(both)
    html = client.get(reverse("duty:today"), {"community": community_b.pk}).content.decode()
    assert "community-switch" in html and "锦绣家园的记录" in html
    # remembered in the session
    assert "锦绣家园的记录" in client.get(reverse("duty:today")).content.decode()
    only_a = make_user(role=Role.CLERK, communities=[community_a], username="only_a")
    client.force_login(only_a)
    assert client.get(reverse("duty:today"), {"community": community_b.pk}).status_code == 404
    assert "锦绣家园的记录" not in client.get(reverse("duty:today")).content.decode()


def test_a_day_chosen_with_the_date_picker(clerk_client, community_a, clerk):
    yesterday = timezone.localtime() - datetime.timedelta(days=1)
    add(community_a, clerk, "昨天的记录", occurred_at=yesterday)
    add(community_a, clerk, "今天的记录")
    html = clerk_client.get(reverse("duty:today")).content.decode()
    assert "今天的记录" in html and "昨天的记录" not in html
    html = clerk_client.get(reverse("duty:today"), {"date": yesterday.date().isoformat()}).content.decode()
    assert "昨天的记录" in html and "今天的记录" not in html


def test_day_page_newest_last(clerk_client, community_a, clerk):
    now = timezone.localtime()
    today_so_far = now - now.replace(hour=0, minute=0, second=0, microsecond=0)  # both stay on today
    add(community_a, clerk, "第二条", occurred_at=now - today_so_far / 3)
    add(community_a, clerk, "第一条", occurred_at=now - today_so_far * 2 / 3)
    entries = clerk_client.get(reverse("duty:today")).context["entries"]
    assert [e.content for e in entries] == ["第一条", "第二条"]


def _entries_of_every_kind(community, author, unit, n):
    for i in range(n):
        e = add(community, author, f"记录{i}", unit=unit, follow_up_needed=i % 2 == 0, important=i % 4 == 0)
        if i % 3 == 0:
            entry_append(community=community, author=author, kind="other", content=f"更正{i}", corrects=e)
        if i % 4 == 0:
            follow_up_close(entry=e, author=author, content=f"已处理{i}")


def test_day_page_has_a_constant_number_of_queries(clerk_client, community_a, clerk, unit_a):
    _entries_of_every_kind(community_a, clerk, unit_a, 3)
    clerk_client.get(reverse("duty:today"))  # warm the session
    with CaptureQueriesContext(connection) as few:
        assert clerk_client.get(reverse("duty:today")).status_code == 200
    _entries_of_every_kind(community_a, clerk, unit_a, 30)
    with CaptureQueriesContext(connection) as many:
        response = clerk_client.get(reverse("duty:today"))
    assert len(response.context["entries"]) > 40
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    assert len(many) <= 16


# --- corrections and follow-ups ------------------------------------------------------------------

def test_correct_adds_an_entry_and_the_original_stays_visible(clerk_client, community_a, clerk):
    original = add(community_a, clerk, "3栋电梯困人")
    response = clerk_client.get(reverse("duty:log_correct", args=[original.pk]))
    assert response.status_code == 200 and "3栋电梯困人" in response.content.decode()
    data = {"kind": "incident", "occurred_at": timezone.localtime(original.occurred_at).strftime("%Y-%m-%dT%H:%M"),
            "content": "4栋电梯困人（更正楼栋）", "handling": "", "room": "", "reference": ""}
    assert clerk_client.post(reverse("duty:log_correct", args=[original.pk]), data).status_code == 302
    correction = DutyLogEntry.objects.get(seq=2)
    assert correction.corrects == original and correction.kind == "incident"
    original.refresh_from_db()
    assert original.content == "3栋电梯困人"  # never edited
    html = clerk_client.get(reverse("duty:today")).content.decode()
    assert "3栋电梯困人" in html and "4栋电梯困人（更正楼栋）" in html
    assert "corrected by no. 2" in html or "更正为第 2 条" in html or 'corrected-by' in html


def test_close_a_follow_up_with_an_entry(clerk_client, community_a, clerk):
    asked = add(community_a, clerk, "1502 漏水待跟进", follow_up_needed=True)
    html = clerk_client.get(reverse("duty:today")).content.decode()
    assert reverse("duty:log_close", args=[asked.pk]) in html
    response = clerk_client.post(reverse("duty:log_close", args=[asked.pk]), {"content": "工程部已修复", "handling": ""})
    assert response.status_code == 302
    closing = DutyLogEntry.objects.get(seq=2)
    assert closing.follow_up_of == asked and closing.closes_follow_up
    assert clerk_client.get(reverse("duty:today")).context["follow_ups"] == []
    # closing twice: a clear message, no second entry
    response = clerk_client.post(reverse("duty:log_close", args=[asked.pk]), {"content": "再次关闭", "handling": ""})
    assert response.status_code == 200
    assert "2" in str(response.context["form"].non_field_errors())
    assert DutyLogEntry.objects.count() == 2


def test_close_refused_for_an_entry_without_follow_up(community_a, clerk):
    from django.core.exceptions import ValidationError

    plain = add(community_a, clerk, "普通记录")
    with pytest.raises(ValidationError):
        follow_up_close(entry=plain, author=clerk, content="x")


def test_foreign_entry_is_404_for_correct_and_close(client, community_a, clerk, clerk_b):
    entry = add(community_a, clerk, "A 小区的记录", follow_up_needed=True)
    client.force_login(clerk_b)
    assert client.get(reverse("duty:log_correct", args=[entry.pk])).status_code == 404
    assert client.post(reverse("duty:log_close", args=[entry.pk]), {"content": "x"}).status_code == 404
    assert DutyLogEntry.objects.count() == 1


# --- append-only at the database -----------------------------------------------------------------

def _refused(sql, params=None, truncate_guard=False):
    with pytest.raises(DatabaseError) as excinfo, transaction.atomic(), connection.cursor() as cursor:
        if truncate_guard:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # else "pending trigger events" hides the guard
            cursor.execute("SET LOCAL frontdesk.allow_truncate = 'off'")
        cursor.execute(sql, params)
    return str(excinfo.value)


def test_raw_update_delete_and_truncate_are_refused(community_a, clerk):
    entry = add(community_a, clerk, "原始内容")
    assert "pgtrigger" in _refused(f"UPDATE {TABLE} SET content = 'x' WHERE id = %s", [entry.pk])
    assert "pgtrigger" in _refused(f"DELETE FROM {TABLE} WHERE id = %s", [entry.pk])
    assert "TRUNCATE refused" in _refused(f"TRUNCATE {TABLE} CASCADE", truncate_guard=True)
    entry.refresh_from_db()
    assert entry.content == "原始内容" and DutyLogEntry.objects.count() == 1


def test_orm_save_and_delete_are_refused(community_a, clerk):
    entry = add(community_a, clerk, "原始内容")
    entry.content = "改过"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        DutyLogEntry.objects.filter(pk=entry.pk).delete()


# --- the hash chain -----------------------------------------------------------------------------

def _tamper(sql, params=None):
    """What an attacker with the database superuser could do: bypass the triggers (the test runs as
    superuser; ``session_replication_role = replica`` skips ordinary triggers like ALTER TABLE ...
    DISABLE TRIGGER ALL does, without waiting for the test transaction's deferred FK checks)."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(sql, params)
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def five(community_a, clerk):
    return [add(community_a, clerk, f"第{i}条", handling="处理") for i in range(1, 6)]


def _verify(community):
    with translation.override("en"):
        return verify_chain(community=community)


def test_intact_chain_verifies(community_a, five):
    report = _verify(community_a)
    assert report.ok and report.checked == 5


def test_altered_row_is_the_first_broken_link(community_a, five):
    _tamper(f"UPDATE {TABLE} SET content = '第3条（被改）' WHERE id = %s", [five[2].pk])
    report = _verify(community_a)
    assert not report.ok and report.broken_seq == 3 and report.checked == 2
    assert "altered" in report.problem


def test_altered_row_with_recomputed_own_hash_breaks_the_next_link(community_a, five):
    entry = DutyLogEntry.objects.get(pk=five[1].pk)
    entry.content = "伪造"
    forged = entry_hash(entry)
    _tamper(f"UPDATE {TABLE} SET content = '伪造', hash = %s WHERE id = %s", [forged, entry.pk])
    report = _verify(community_a)
    assert not report.ok and report.broken_seq == 3 and "does not follow" in report.problem


def test_removed_row_is_detected(community_a, five):
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [five[1].pk])
    report = _verify(community_a)
    assert not report.ok and report.broken_seq == 2 and "missing" in report.problem


def test_removed_last_row_is_detected(community_a, five):
    _tamper(f"DELETE FROM {TABLE} WHERE id = %s", [five[4].pk])
    report = _verify(community_a)
    assert not report.ok and report.broken_seq == 5 and "missing" in report.problem


def test_pgtrigger_ignore_also_bypasses_and_is_caught(community_a, five):
    import pgtrigger

    with pgtrigger.ignore("duty.DutyLogEntry:duty_log_no_update_delete"):
        DutyLogEntry.objects.filter(pk=five[3].pk).update(handling="改过")
    report = _verify(community_a)
    assert not report.ok and report.broken_seq == 4


def test_verify_page_and_command_report_the_first_broken_link(client, users, community_a, five):
    client.force_login(users[Role.SUPERVISOR])
    html = client.get(reverse("duty:log_verify")).content.decode()
    assert "5" in html and "alert-success" in html
    out = io.StringIO()
    call_command("verify_duty_log", "--community", "CH", stdout=out)
    assert "OK, 5 entries" in out.getvalue()

    _tamper(f"UPDATE {TABLE} SET content = 'x' WHERE id = %s", [five[2].pk])
    response = client.get(reverse("duty:log_verify"))
    assert response.context["report"].broken_seq == 3
    assert "alert-danger" in response.content.decode()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_duty_log", "--community", "CH", stdout=out)
    assert exit_info.value.code == 1 and "BROKEN at no. 3" in out.getvalue()


def test_clerk_may_not_open_the_verify_page(clerk_client):
    assert clerk_client.get(reverse("duty:log_verify")).status_code == 403


def test_numbering_is_per_community(community_a, community_b, clerk, clerk_b):
    a1, b1, a2 = add(community_a, clerk), add(community_b, clerk_b), add(community_a, clerk)
    assert (a1.seq, b1.seq, a2.seq) == (1, 1, 2)
    assert a2.prev_hash == a1.hash
    assert verify_chain(community=community_a).ok and verify_chain(community=community_b).ok


def test_fast_row_encoding_matches_the_hash_definition(community_a, clerk, unit_a):
    """verify_chain's hand-written row encoding must be byte-identical to json.dumps(sort_keys=True)."""
    import json

    from duty.chain import (
        _SORTED_FIELDS,
        HASHED_FIELDS,
        _canonical,
        _row_payload,
    )

    tricky = 'quote " backslash \\ newline\n tab\t ctrl\x01 emoji 🚒 中文「」 </script> \u2028'
    first = add(community_a, clerk, tricky, handling=tricky, reference='R"1', unit=unit_a, follow_up_needed=True,
                important=True)
    add(community_a, clerk, "更正", corrects=first, follow_up_of=first, closes_follow_up=True)
    rows = DutyLogEntry.objects.order_by("seq").values_list(*_SORTED_FIELDS, "hash")
    for entry, row in zip(DutyLogEntry.objects.order_by("seq"), rows, strict=True):
        reference = json.dumps({f: _canonical(getattr(entry, f)) for f in HASHED_FIELDS}, ensure_ascii=False, sort_keys=True)
        assert _row_payload(row) == reference
        assert entry_hash(entry) == row[-1]
    assert _verify(community_a).ok
