"""The roster's coverage rules, over saved or planned assignments (``Slot``): every opening hour of every
day is covered (opening hours = earliest start to latest end of the community's active non-24-hour shifts;
a 24-hour shift covers the whole day), nobody is on two overlapping shifts, and a person rests at least
``DUTY_MIN_REST_HOURS`` (11 by default) between two shifts. The rules are pure functions; the reads that
feed them (a roster's assignments, the neighbouring days') are here too."""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise

from django.conf import settings
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from core.dates import month_days

from ..models import Assignment, Roster, ShiftTemplate

DEFAULT_MIN_REST_HOURS = 11


def min_rest() -> datetime.timedelta:
    return datetime.timedelta(hours=getattr(settings, "DUTY_MIN_REST_HOURS", DEFAULT_MIN_REST_HOURS))


def is_24h(template: ShiftTemplate) -> bool:
    return template.start_time == template.end_time


def shift_span(date: datetime.date, template: ShiftTemplate) -> tuple[datetime.datetime, datetime.datetime]:
    """Aware start and end of ``template`` worked on ``date``; a shift ending at or before its start ends the next day."""
    tz = timezone.get_default_timezone()
    starts = timezone.make_aware(datetime.datetime.combine(date, template.start_time), tz)
    end_date = date + datetime.timedelta(days=1) if template.crosses_midnight else date
    ends = timezone.make_aware(datetime.datetime.combine(end_date, template.end_time), tz)
    return starts, ends


@dataclass(frozen=True)
class Problem:
    kind: str  # "gap", "overlap", "rest", "staff"
    date: datetime.date
    message: str
    user_id: int | None = None


@dataclass(frozen=True)
class Slot:
    """What the coverage rules need of an assignment (saved or planned)."""

    user_id: int
    date: datetime.date
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    whole_day: bool


def slot_of(assignment: Assignment, template: ShiftTemplate | None = None) -> Slot:
    template = template or assignment.shift
    return Slot(assignment.user_id, assignment.date, assignment.starts_at, assignment.ends_at, is_24h(template))


def _hm(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def opening_span(date: datetime.date, templates) -> tuple[datetime.datetime, datetime.datetime] | None:
    spans = [shift_span(date, t) for t in templates if t.is_active and not is_24h(t)]
    if not spans:
        return None
    return min(s for s, _e in spans), max(e for _s, e in spans)


def coverage_problems(*, slots: list[Slot], days: list[datetime.date], templates, names: dict[int, str]) -> list[Problem]:
    """The three rules over ``slots`` (the planned assignments, plus neighbouring days' for rest and overlap).

    Gaps are reported for ``days`` only; overlaps and short rests where the later shift falls on one of ``days``.
    """
    problems: list[Problem] = []
    day_set = set(days)
    by_date = defaultdict(list)
    for slot in slots:
        by_date[slot.date].append(slot)
    for day in days:
        span = opening_span(day, templates)
        if span is None:
            continue
        if any(s.whole_day for s in by_date[day]):
            continue
        opens, closes = span
        moment = opens
        nearby = by_date[day - datetime.timedelta(days=1)] + by_date[day] + by_date[day + datetime.timedelta(days=1)]
        intervals = sorted((s.starts_at, s.ends_at) for s in nearby if s.ends_at > opens and s.starts_at < closes)
        gaps = []
        for start, end in intervals:
            if start > moment:
                gaps.append((moment, min(start, closes)))
            moment = max(moment, end)
            if moment >= closes:
                break
        if moment < closes:
            gaps.append((moment, closes))
        for start, end in gaps:
            problems.append(Problem("gap", day, _("%(date)s: nobody on duty %(start)s–%(end)s.") % {
                "date": date_format(day, "SHORT_DATE_FORMAT"), "start": _hm(start), "end": _hm(end)}))
    by_user = defaultdict(list)
    for slot in slots:
        by_user[slot.user_id].append(slot)
    rest = min_rest()
    for user_id, own in by_user.items():
        own.sort(key=lambda s: (s.starts_at, s.ends_at))
        for before, after in pairwise(own):
            if after.date not in day_set and before.date not in day_set:
                continue
            if after.starts_at >= before.ends_at + rest:
                continue
            name = names.get(user_id, str(user_id))
            when = date_format(after.date, "SHORT_DATE_FORMAT")
            if after.starts_at < before.ends_at:
                problems.append(Problem("overlap", after.date, _("%(date)s: %(name)s is on two overlapping shifts.") % {
                    "date": when, "name": name}, user_id))
            elif after.starts_at - before.ends_at < rest:
                hours = (after.starts_at - before.ends_at).total_seconds() / 3600
                problems.append(Problem("rest", after.date, _(
                    "%(date)s: %(name)s rests only %(hours)s hours between shifts (at least %(min)s).") % {
                    "date": when, "name": name, "hours": f"{hours:g}", "min": f"{rest.total_seconds() / 3600:g}"}, user_id))
    problems.sort(key=lambda p: (p.date, p.kind, p.message))
    return problems


def neighbour_slots(*, community, roster_id, first: datetime.date, last: datetime.date, user_ids=None) -> list[Slot]:
    """Active assignments of other rosters on the days just before and after the month (for rest and overlap)."""
    qs = (Assignment.objects.filter(community=community, is_active=True,
                                    date__gte=first - datetime.timedelta(days=1), date__lte=last + datetime.timedelta(days=1))
          .exclude(roster_id=roster_id).select_related("shift"))
    if user_ids is not None:
        qs = qs.filter(user_id__in=user_ids)
    return [slot_of(a) for a in qs]


def roster_problems(roster: Roster) -> list[Problem]:
    """Every rule breach of the saved roster (its active assignments and the neighbouring days')."""
    days = month_days(roster.month)
    templates = list(ShiftTemplate.objects.filter(community_id=roster.community_id))
    by_id = {t.pk: t for t in templates}
    assignments = list(Assignment.objects.filter(roster=roster, is_active=True).select_related("user"))
    slots = [slot_of(a, by_id[a.shift_id]) for a in assignments]
    slots += neighbour_slots(community=roster.community, roster_id=roster.pk, first=days[0], last=days[-1])
    names = {a.user_id: a.user.display_name for a in assignments}
    return coverage_problems(slots=slots, days=days, templates=templates, names=names)


def _slots_for(community, user_ids, first, last) -> list[Slot]:
    qs = (Assignment.objects.filter(community=community, is_active=True, user_id__in=user_ids,
                                    date__gte=first - datetime.timedelta(days=1), date__lte=last + datetime.timedelta(days=1))
          .select_related("shift"))
    return [slot_of(a) for a in qs]


def _day_slots(community, days) -> list[Slot]:
    qs = (Assignment.objects.filter(community=community, is_active=True, date__gte=min(days) - datetime.timedelta(days=1),
                                    date__lte=max(days)).select_related("shift"))
    return [slot_of(a) for a in qs]


def problems_around(community, user_ids, days, names) -> set[str]:
    """The rule breaches (their messages) on ``days`` around the shifts of ``user_ids``: compared before and
    after a leave or swap, so only the breaches it would introduce refuse it."""
    templates = list(ShiftTemplate.objects.filter(community=community))
    slots = set(_slots_for(community, user_ids, min(days), max(days))) | set(_day_slots(community, days))
    return {p.message for p in coverage_problems(slots=list(slots), days=days, templates=templates, names=names)}
