"""Spot-check demo data: 翠湖花园 (CH) checked by the supervisor over the last five ISO weeks — at
least 3 a week except one short week — with nonconformities, the older ones corrected and the recent
ones still open; and a single check of 锦绣家园 (JX) this week, so its counter shows the warning once
the week is half gone. The clerk checked is whoever the roster has on duty then (``roster.py``), else
the CH clerks in turn (clerk3..clerk6 when ``roster.py`` created them, else the demo clerk).
Idempotent: returns when CH already has spot checks."""

import datetime
import random

import pghistory
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from core.models import Role
from frontdesk.models import Community

from ..models import Assignment, SpotCheck
from ..selectors.spotcheck import week_start
from ..services.spotcheck import nonconformity_correct, spot_check_record

# Completed weeks, oldest first (4 weeks ago … last week): the third one is short. This week: 2 so far.
PLAN = {4: 3, 3: 4, 2: 2, 1: 3, 0: 2}
FINDINGS = {
    "a": ["未佩戴工牌，制服领口不整", "接待业主时坐姿随意"],
    "b": ["值班记录未写明处理结果", "来电记录缺少业主联系电话"],
    "c": ["前台桌面堆放杂物，资料未归位", "绿植枯叶未清理"],
    "d": ["电话铃响超过三声才接听", "未使用礼貌用语，语气生硬"],
    "e": ["交接班未清点对讲机数量", "交接记录未双方签名"],
    "f": ["报修信息未在 3 分钟内转工程部", "业主来访信息登记不全"],
    "g": ["投诉登记后未按时回访业主"],
    "h": ["昨日待跟进的漏水事项未跟进", "快递代收事项未通知业主"],
    "i": ["便民服务借用登记不完整", "有偿服务未开具单据"],
    "j": ["临时停水通知未及时张贴"],
}
CORRECTIONS = ["现场指导纠正，已补填记录", "已与当事人面谈，明确标准并于次日复查合格", "已组织前台培训，复查合格",
               "已补办手续并回访业主，业主满意"]
OK_NOTES = {"a": "仪容整洁，工牌佩戴规范", "c": "台面整洁", "d": "接待热情", "b": "记录清楚完整"}


def load(stdout):
    ch = Community.objects.filter(code="CH").first()
    if ch is None:
        return
    if SpotCheck.objects.filter(community=ch).exists():
        stdout.write("Spot-check demo data already loaded.")
        return
    supervisor = get_user_model().objects.filter(username="supervisor", is_active=True).first()
    if supervisor is None:
        return
    with transaction.atomic(), pghistory.context(source="seed_demo"):
        made = _load(ch, supervisor)
        jx = Community.objects.filter(code="JX").first()
        if jx is not None:
            _check(jx, supervisor, _clerks(jx), [timezone.now() - datetime.timedelta(hours=3)], random.Random(5), 0)
    stdout.write(f"Spot-check demo data loaded: {made} spot checks for {ch.name}.")


def _clerks(community) -> list:
    clerks = list(get_user_model().objects.filter(communities=community, role=Role.CLERK, is_active=True)
                  .order_by("username"))
    extra = [c for c in clerks
             if c.username.startswith("clerk") and c.username[5:].isdigit() and c.username != "clerk2"]
    return extra or clerks


def _times(rng, now) -> list[datetime.datetime]:
    monday = week_start(now)
    times = []
    for back, count in sorted(PLAN.items(), reverse=True):
        start = monday - datetime.timedelta(weeks=back)
        days = sorted(rng.sample(range(7), count))
        for day in days:
            at = start + datetime.timedelta(days=day, hours=rng.choice([8, 9, 10, 14, 15, 16, 18]),
                                            minutes=rng.choice([5, 20, 35, 50]))
            if at > now - datetime.timedelta(hours=1):  # this week: only what has already happened
                at = now - datetime.timedelta(hours=1 + len(times) % 5 * 3)
                if at < start:
                    continue
            times.append(at)
    return times


def _on_duty(community, at):
    assignment = (Assignment.objects.filter(community=community, is_active=True, starts_at__lte=at, ends_at__gt=at,
                                            user__role=Role.CLERK, user__is_active=True)
                  .select_related("user").order_by("starts_at").first())
    return assignment.user if assignment else None


def _check(community, supervisor, clerks, times, rng, offset) -> list:
    checks = []
    for i, at in enumerate(times):
        clerk = _on_duty(community, at) or clerks[(i + offset) % len(clerks)]
        results = {code: ("ok", note) for code, note in OK_NOTES.items() if rng.random() < 0.3}
        if rng.random() < 0.45:
            for code in rng.sample(sorted(FINDINGS), rng.choice([1, 1, 2])):
                results[code] = ("nonconforming", rng.choice(FINDINGS[code]))
        if rng.random() < 0.3:
            results["j"] = ("na", "本班无临时性事项")
        checks.append(spot_check_record(community=community, clerk=clerk, checked_at=at, results=results,
                                        actor=supervisor, notes=""))
    return checks


def _load(community, supervisor) -> int:
    rng = random.Random(2026)
    now = timezone.now()
    clerks = _clerks(community)
    if not clerks:
        return 0
    checks = _check(community, supervisor, clerks, _times(rng, now), rng, 0)
    # Findings older than ten days were followed up and corrected; the recent ones are still open.
    for check in checks:
        if check.checked_at < now - datetime.timedelta(days=10):
            for finding in check.nonconformities.all():
                nonconformity_correct(nonconformity=finding, corrective_action=rng.choice(CORRECTIONS),
                                      actor=supervisor)
    return len(checks)
