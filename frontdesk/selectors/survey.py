"""Satisfaction survey reads: the surveys of the user's communities, a survey with its questions and answer sets,
the room picker, a room's answer set, the coverage, and the results (by area, question and building, compared
with the community's previous survey; the lowest-scoring items; the remarks with phones and ID numbers masked).
Every figure is aggregated in the database: the results take the same number of queries whatever the answers."""

import math
import re
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Subquery, Sum
from django.shortcuts import get_object_or_404

from core.privacy import mask_id_number, mask_phone
from frontdesk.models import Occupancy, Person, Survey, SurveyAnswer, SurveyArea, SurveyQuestion, SurveyResponse, Unit
from frontdesk.scoping import scope
from frontdesk.selectors.search import room_code

TWO = Decimal("0.01")
LOWEST = 5  # the lowest-scoring questions listed for action
COMMENT_LIMIT = 300  # remarks listed on the page (the .xlsx has them all)
PDF_COMMENT_LIMIT = 50  # remarks listed in the PDF, each cut at 200 characters (the .xlsx has them whole)
RESPONSE_RELATED = ("unit__building", "unit__entrance", "respondent", "recorded_by", "corrected_by")
# Phone numbers and ID numbers typed into a remark are masked wherever remarks are shown.
ID_RE = re.compile(r"(?<![0-9A-Za-z])([0-9]{17}[0-9Xx]|[0-9]{15})(?![0-9A-Za-z])")
PHONE_RE = re.compile(r"(?<![0-9])(1[3-9][0-9]{9})(?![0-9])")


def mask_free_text(text: str) -> str:
    """A remark as shown: mainland ID numbers and mobile numbers in it masked."""
    text = ID_RE.sub(lambda m: mask_id_number(m.group(1)), text or "")
    return PHONE_RE.sub(lambda m: mask_phone(m.group(1)), text)


def surveys_for(user):
    """The surveys of the user's communities."""
    return scope(Survey.objects.all(), user)


def survey_list(*, user, community=None):
    """Newest half-year first, with the number of answer sets (one query)."""
    qs = surveys_for(user).select_related("community", "created_by", "closed_by").annotate(
        answered=Count("responses"))
    if community:
        qs = qs.filter(community_id=community)
    return qs.order_by("-year", "-half", "community__name", "id")


def survey_detail(*, user, pk) -> Survey:
    return get_object_or_404(surveys_for(user).select_related("community", "created_by", "closed_by"), pk=pk)


def questions(survey, *, active_only: bool = False) -> list[SurveyQuestion]:
    qs = survey.questions.all()
    if active_only:
        qs = qs.filter(is_active=True)
    return list(qs.order_by("position", "id"))


def question_detail(*, user, pk) -> SurveyQuestion:
    return get_object_or_404(SurveyQuestion.objects.filter(survey__in=surveys_for(user))
                             .select_related("survey__community"), pk=pk)


def is_frozen(survey) -> bool:
    """The questions are frozen once the first answer set is recorded."""
    return SurveyResponse.objects.filter(survey=survey).exists()


def responses(survey, *, building=None):
    """The survey's answer sets, newest first (one query for a page)."""
    qs = survey.responses.select_related(*RESPONSE_RELATED)
    if building:
        qs = qs.filter(unit__building_id=building)
    return qs.order_by("-recorded_at", "-id")


def response_detail(*, user, pk) -> SurveyResponse:
    qs = scope(SurveyResponse.objects.all(), user).select_related(*RESPONSE_RELATED, "survey__community")
    return get_object_or_404(qs, pk=pk)


def response_answers(response) -> dict:
    """question id → the answer (one query)."""
    return {a.question_id: a for a in response.answers.all()}


def survey_unit(*, user, survey, pk) -> Unit:
    """A room of the survey's community (anything else is a 404)."""
    qs = scope(Unit.objects.all(), user).filter(community_id=survey.community_id, is_active=True)
    return get_object_or_404(qs.select_related("building", "entrance", "community"), pk=pk)


def unit_response(survey, unit) -> SurveyResponse | None:
    return SurveyResponse.objects.filter(survey=survey, unit=unit).first()


def units_matching(survey, text: str, limit: int = 20) -> list[Unit]:
    """The rooms of the survey's community a typed room names (3-2-1502, 3栋2单元1502, or a bare 1502), each
    with the id of its answer set when it has one (one query)."""
    text = (text or "").strip()
    if not text:
        return []
    code, match = room_code(text)
    qs = Unit.objects.filter(community_id=survey.community_id, is_active=True)
    qs = qs.filter(code=code) if match is not None or "-" in code else qs.filter(Q(code=code) | Q(number=code))
    answered = SurveyResponse.objects.filter(survey=survey, unit=OuterRef("pk")).values("pk")[:1]
    return list(qs.select_related("building", "entrance").annotate(response_id=Subquery(answered))
                .order_by("code")[:limit])


def occupants(unit):
    """Who may answer for the room: its current occupants (owners, residents, tenants)."""
    return (Person.objects.filter(occupancies__unit=unit, occupancies__end_date__isnull=True)
            .order_by("name", "id").distinct())


def _avg(total, n) -> Decimal | None:
    return (Decimal(total) / Decimal(n)).quantize(TWO, ROUND_HALF_UP) if n else None


def _pct(part, whole) -> Decimal:
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else Decimal(0)


def coverage(survey) -> dict:
    """Occupied rooms (active, with a current occupant), rooms surveyed, the target count (the target share of
    the occupied rooms, rounded up) and the progress (two queries)."""
    current = Occupancy.objects.filter(unit=OuterRef("pk"), end_date__isnull=True)
    occupied = Unit.objects.filter(community_id=survey.community_id, is_active=True).filter(Exists(current)).count()
    surveyed = SurveyResponse.objects.filter(survey=survey).count()
    target_count = math.ceil(Decimal(occupied) * survey.coverage_target / 100)
    return {"occupied": occupied, "surveyed": surveyed, "target": survey.coverage_target,
            "target_count": target_count, "share": _pct(surveyed, occupied),
            "to_go": max(0, target_count - surveyed), "reached": surveyed >= target_count,
            "bar_max": max(target_count, surveyed, 1)}


def previous_survey(survey) -> Survey | None:
    """The community's survey of the half-year before this one (the latest earlier one)."""
    return (Survey.objects.filter(community_id=survey.community_id)
            .filter(Q(year__lt=survey.year) | Q(year=survey.year, half__lt=survey.half))
            .order_by("-year", "-half").first())


def _scored(survey):
    return SurveyAnswer.objects.filter(response__survey=survey, score__isnull=False)


def _area_sums(survey) -> dict:
    """{area: (sum of scores, scores given)} (one query)."""
    return {row["question__area"]: (row["total"], row["n"]) for row in
            _scored(survey).values("question__area").annotate(total=Sum("score"), n=Count("id")).order_by()}


def _overall(sums: dict) -> tuple:
    """The average of every score given, from the areas' sums, and the number of scores."""
    n = sum(count for _total, count in sums.values())
    return _avg(sum(total for total, _count in sums.values()), n), n


def _trend(now, before) -> dict:
    """The change against the previous survey; the arrow follows the difference of the averages shown."""
    if now is None or before is None:
        return {"previous": before, "change": None, "trend": ""}
    change = now - before
    return {"previous": before, "change": change, "trend": "up" if change > 0 else "down" if change < 0 else "same"}


def results(survey, *, comment_limit: int = COMMENT_LIMIT) -> dict:
    """The survey's analysis (a constant number of queries, whatever the number of answers):
    - ``areas``: each service area asked: average score (1–5, to two decimals), answers, and the change against
      the previous survey of the community;
    - ``questions``: the same per question (matched to the previous survey's question by area and wording);
    - ``buildings``: average and rooms surveyed per building;
    - ``lowest``: the ``LOWEST`` questions with the lowest average, for action;
    - ``overall``: the average of every score given; ``coverage``; ``comments`` (masked)."""
    qs = questions(survey)
    sums = _area_sums(survey)
    by_area = {area: (_avg(total, n), n) for area, (total, n) in sums.items()}
    by_question = {row["question_id"]: (_avg(row["total"], row["n"]), row["n"]) for row in
                   _scored(survey).values("question_id").annotate(total=Sum("score"), n=Count("id")).order_by()}
    previous = previous_survey(survey)
    prev_area, prev_question, prev_overall = {}, {}, None
    if previous is not None:
        prev_sums = _area_sums(previous)
        prev_area = {area: _avg(total, n) for area, (total, n) in prev_sums.items()}
        prev_overall = _overall(prev_sums)[0]
        prev_question = {(row["question__area"], row["question__text"]): _avg(row["total"], row["n"]) for row in
                         _scored(previous).values("question__area", "question__text")
                         .annotate(total=Sum("score"), n=Count("id")).order_by()}
    asked_areas = [area for area in SurveyArea.values if area in {q.area for q in qs} or area in by_area]
    areas = [{"area": area, "label": SurveyArea(area).label, "average": by_area.get(area, (None, 0))[0],
              "answers": by_area.get(area, (None, 0))[1],
              **_trend(by_area.get(area, (None, 0))[0], prev_area.get(area))} for area in asked_areas]
    question_rows = []
    for q in qs:
        average, n = by_question.get(q.pk, (None, 0))
        question_rows.append({"question": q, "area_label": q.get_area_display(), "average": average, "answers": n,
                              **_trend(average, prev_question.get((q.area, q.text)))})
    lowest = sorted((row for row in question_rows if row["answers"]),
                    key=lambda row: (row["average"], row["question"].position, row["question"].pk))[:LOWEST]
    buildings = [{"name": row["response__unit__building__name"], "average": _avg(row["total"], row["n"]),
                  "answers": row["n"], "rooms": row["rooms"]}
                 for row in _scored(survey).values("response__unit__building_id", "response__unit__building__name",
                                                   "response__unit__building__sort_order")
                 .annotate(total=Sum("score"), n=Count("id"), rooms=Count("response_id", distinct=True))
                 .order_by("response__unit__building__sort_order", "response__unit__building__name")]
    now_overall, scores = _overall(sums)
    return {"survey": survey, "previous": previous, "areas": areas, "questions": question_rows,
            "buildings": buildings, "lowest": lowest, "overall": {"average": now_overall, "answers": scores,
                                                                 **_trend(now_overall, prev_overall)},
            "coverage": coverage(survey), "comments": comments(survey, limit=comment_limit),
            "comment_limit": comment_limit}


def comments(survey, *, limit: int | None = None) -> list[dict]:
    """The remarks given (on a question, or on the whole answer set), newest first, phones and ID numbers
    masked; the room and the area, never the respondent (two queries)."""
    on_questions = (SurveyAnswer.objects.filter(response__survey=survey).exclude(comment="")
                    .select_related("question", "response__unit__building", "response__unit__entrance")
                    .order_by("-response__recorded_at", "question__position", "id"))
    general = (SurveyResponse.objects.filter(survey=survey).exclude(comment="")
               .select_related("unit__building", "unit__entrance").order_by("-recorded_at", "-id"))
    if limit is not None:
        on_questions, general = on_questions[:limit], general[:limit]
    rows = [{"at": a.response.recorded_at, "room": a.response.unit.label, "area": a.question.get_area_display(),
             "question": a.question.text, "score": a.score, "text": mask_free_text(a.comment)} for a in on_questions]
    rows += [{"at": r.recorded_at, "room": r.unit.label, "area": "", "question": "", "score": None,
              "text": mask_free_text(r.comment)} for r in general]
    rows.sort(key=lambda row: row["at"], reverse=True)
    return rows[:limit] if limit is not None else rows


def unit_surveys(unit) -> list[Survey]:
    """The unit panel: the community's latest surveys, each with the id of the room's answer set (one query)."""
    answered = SurveyResponse.objects.filter(survey=OuterRef("pk"), unit=unit).values("pk")[:1]
    return list(Survey.objects.filter(community_id=unit.community_id).annotate(response_id=Subquery(answered))
                .order_by("-year", "-half")[:3])
