"""Duty-log demo data: shared items for CH and JX; for CH a month of log entries (a few a day, some
follow-ups closed later, one correction), a completed handover each past day (one with a radio
missing), and the supervisor's sign-off of every past day except the last two. Idempotent.

Entries go through ``entry_append`` (the real numbering and hash chain) in time order. Handovers and
sign-offs of past days are written as records with past timestamps (the services stamp "now")."""

import datetime
import random

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from frontdesk.models import Community, Unit

from ..models import (
    Assignment,
    DailyReview,
    DutyLogEntry,
    Handover,
    HandoverItemCount,
    HandoverPendingItem,
    SharedItem,
)
from ..selectors.log import day_last_seq, last_seq
from ..services.handover import handover_summary
from ..services.log import entry_append

DAYS = 30
ITEMS = [("对讲机", 4), ("机房钥匙", 2), ("备用金（元）", 500), ("雨伞", 6), ("急救箱", 1)]
EVENTS = [
    ("call", "{room} 业主来电：厨房水管漏水", "已通知工程部上门查看", True),
    ("call", "{room} 业主咨询物业费缴纳方式", "已解答，可在前台或线上缴纳", False),
    ("visit", "快递员送大件到 {room}，业主不在家", "代为登记，已短信通知业主", True),
    ("help", "{room} 老人求助：家中电闸跳闸", "电工 10 分钟到场恢复供电", False),
    ("patrol", "巡查大堂、电梯厅及地库，一切正常", "", False),
    ("incident", "3 号楼电梯困人报警", "维保 12 分钟到场，人员安全，电梯停用待检", True),
    ("call", "{room} 投诉楼上装修噪音超时", "已上门劝止，装修方同意 18:00 停工", False),
    ("other", "停车场道闸识别故障", "已手动放行并报工程部", True),
]


def load(stdout):
    User = get_user_model()
    communities = {c.code: c for c in Community.objects.filter(code__in=("CH", "JX"))}
    if not communities:
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        for community in communities.values():
            for order, (name, count) in enumerate(ITEMS, start=1):
                SharedItem.objects.get_or_create(community=community, name=name,
                                                 defaults={"expected_count": count, "sort_order": order})
    ch = communities.get("CH")
    if ch is None or DutyLogEntry.objects.filter(community=ch).exists():
        stdout.write("Duty log demo data already loaded.")
        return
    clerks = list(User.objects.filter(communities=ch, role="clerk", is_active=True,
                                      username__in=("clerk", "clerk2", "clerk3", "clerk4", "clerk5", "clerk6"))
                  .order_by("username"))
    supervisor = User.objects.filter(username="supervisor").first()
    if not clerks or supervisor is None:
        stdout.write("Duty log demo skipped: no clerk or supervisor account.")
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        _load(ch, clerks, supervisor)
    stdout.write("Duty log demo data loaded (a month of CH log, handovers and sign-offs).")


def _at(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone())


def _pair(community, day, clerks, rng):
    """(outgoing, incoming, incoming assignment, handover time) from the roster when there is one."""
    shifts = list(Assignment.objects.filter(community=community, date=day, is_active=True)
                  .select_related("user").order_by("starts_at"))
    if len(shifts) >= 2 and shifts[0].user_id != shifts[-1].user_id:
        last = shifts[-1]
        return shifts[0].user, last.user, last, last.starts_at
    out = clerks[day.toordinal() % len(clerks)]
    inc = clerks[(day.toordinal() + 1) % len(clerks)] if len(clerks) > 1 else out
    return out, inc, None, _at(day, 15, 30)


def _load(community, clerks, supervisor):
    rng = random.Random(2026)
    units = list(Unit.objects.filter(community=community).order_by("code")[:400])
    items = list(SharedItem.objects.filter(community=community, is_active=True))
    today = timezone.localdate()
    now = timezone.now()
    open_follow_ups = []
    corrected = False
    for days_ago in range(DAYS, -1, -1):
        day = today - datetime.timedelta(days=days_ago)
        outgoing, incoming, incoming_shift, handover_at = _pair(community, day, clerks, rng)
        events = []
        for _ in range(rng.randint(3, 6)):
            events.append(("entry", _at(day, rng.randint(8, 21), rng.randint(0, 59)), rng.choice(EVENTS)))
        # follow-ups are mostly closed within a day or two: a handful stay open at any time
        for _ in range(min(4, max(0, len(open_follow_ups) - 2))):
            events.append(("close", _at(day, rng.randint(9, 20), rng.randint(0, 59)), None))
        if outgoing.pk != incoming.pk:
            events.append(("handover", handover_at, None))
        for kind, when, spec in sorted(events, key=lambda e: e[1]):
            if when > now:
                continue
            author = outgoing if when < handover_at else incoming
            if kind == "entry":
                entry_kind, text, handling, follow = spec
                unit = rng.choice(units) if units and "{room}" in text else None
                entry = entry_append(community=community, author=author, kind=entry_kind,
                                     content=text.format(room=unit.code if unit else ""), handling=handling,
                                     occurred_at=when, follow_up_needed=follow, important=entry_kind == "incident",
                                     unit=unit, reference=f"WX{day:%m%d}{rng.randint(10, 99)}" if follow else "")
                if follow:
                    open_follow_ups.append(entry)
                if not corrected and days_ago == 12 and unit is not None:
                    entry_append(community=community, author=author, kind=entry_kind, occurred_at=when,
                                 content=text.format(room=unit.code) + "（更正：房号记录有误，应为同单元上一层）",
                                 handling=handling, unit=unit, corrects=entry)
                    corrected = True
            elif kind == "close" and open_follow_ups:
                entry = open_follow_ups.pop(0)
                entry_append(community=community, author=author, kind=entry.kind, occurred_at=when,
                             content="回访：" + entry.content[:40] + "，已处理完毕", handling="业主确认满意",
                             unit=entry.unit, follow_up_of=entry, closes_follow_up=True)
            elif kind == "handover" and days_ago > 0:
                _handover(community, outgoing, incoming, incoming_shift, when, items, open_follow_ups,
                          radio_missing=days_ago == 5, rng=rng)
        if days_ago >= 3:
            _sign(community, day, supervisor, rng)


def _handover(community, outgoing, incoming, incoming_shift, when, items, open_follow_ups, radio_missing, rng):
    accepted = when + datetime.timedelta(minutes=rng.choice((-10, -8, -5, -5, -3, 0, 3, 18)))
    handover = Handover.objects.create(
        community=community, outgoing=outgoing, incoming=incoming, incoming_assignment=incoming_shift,
        status=Handover.Status.COMPLETED, started_at=accepted - datetime.timedelta(minutes=12),
        outgoing_signed_at=accepted - datetime.timedelta(minutes=7), incoming_signed_at=accepted, completed_at=accepted,
        last_entry_seq=last_seq(community=community),
        incoming_late_minutes=max(0, int((accepted - incoming_shift.starts_at).total_seconds() // 60)) if incoming_shift else 0,
        notes="对讲机一台送修" if radio_missing else "")
    counts = []
    for item in items:
        missing = radio_missing and item.name == "对讲机"
        counts.append(HandoverItemCount(handover=handover, item=item, expected=item.expected_count,
                                        counted=item.expected_count - 1 if missing else item.expected_count,
                                        condition="missing" if missing else "ok", note="一台送修，工程部取走" if missing else ""))
    HandoverItemCount.objects.bulk_create(counts)
    pending = [HandoverPendingItem(handover=handover, entry=e, important=e.important, taken_over=True)
               for e in open_follow_ups]
    HandoverPendingItem.objects.bulk_create(pending)
    for p in pending:
        p.entry = next(e for e in open_follow_ups if e.pk == p.entry_id)
    entry_append(community=community, author=incoming, kind=DutyLogEntry.Kind.HANDOVER, occurred_at=accepted,
                 content=handover_summary(handover, counts, pending), assignment=incoming_shift)


def _sign(community, day, supervisor, rng):
    last = day_last_seq(community=community, date=day)
    if not last:
        return
    DailyReview.objects.create(community=community, date=day, reviewer=supervisor,
                               signed_at=_at(day + datetime.timedelta(days=1), 9, rng.randint(0, 40)),
                               last_entry_seq=last, comment=rng.choice(("", "", "记录完整。", "漏水回访请跟进。")))
