"""Access matrix rows of the satisfaction survey pages (issue 13 §6), and the builders the survey tests share."""

from core.models import Role
from frontdesk.models import Occupancy

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
MANAGE = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})


def occupant_of(unit):
    return Occupancy.objects.filter(unit=unit, end_date__isnull=True).order_by("id").first().person


def new_survey(community, actor, *, year=2026, half=2, **fields):
    from frontdesk.services.survey import survey_create

    return survey_create(community=community, year=year, half=half, actor=actor, **fields)


def record(survey, unit, actor, scores=None, *, remarks=None, channel="phone", **fields):
    """Record ``unit``'s answers: ``scores`` is a list in question order (None: not answered); default all 4."""
    from frontdesk.services.survey import response_record

    asked = list(survey.questions.filter(is_active=True).order_by("position", "id"))
    scores = scores if scores is not None else [4] * len(asked)
    remarks = remarks or {}
    answers = {q.pk: (score, remarks.get(i, "")) for i, (q, score) in enumerate(zip(asked, scores, strict=False))}
    return response_record(survey=survey, unit=unit, respondent=fields.pop("respondent", None) or occupant_of(unit),
                           channel=channel, answers=answers, actor=actor, **fields)


def objects(community, users):
    from tests.factories import OccupancyFactory

    manager = users[Role.MANAGER]
    survey = new_survey(community, manager)
    answered = OccupancyFactory(unit__entrance__building__community=community).unit
    blank = OccupancyFactory(unit__entrance__building__community=community).unit
    response = record(survey, answered, users[Role.CLERK])
    return {"survey": survey, "survey_response": response, "survey_unit": blank,
            "survey_question": survey.questions.first()}


ENTRIES = {
    "frontdesk:survey_list": (None, DESK, "get", False),
    "frontdesk:survey_create": (None, MANAGE, "get", False),
    "frontdesk:survey_detail": (lambda o: {"pk": o["survey"].pk}, DESK, "get", True),
    "frontdesk:survey_target": (lambda o: {"pk": o["survey"].pk}, MANAGE, "get", True),
    "frontdesk:survey_question_create": (lambda o: {"pk": o["survey"].pk}, MANAGE, "get", True),
    "frontdesk:survey_question_edit": (lambda o: {"pk": o["survey_question"].pk}, MANAGE, "get", True),
    "frontdesk:survey_close": (lambda o: {"pk": o["survey"].pk}, MANAGE, "get", True),
    "frontdesk:survey_record": (lambda o: {"pk": o["survey"].pk, "unit": o["survey_unit"].pk}, DESK, "get", True),
    "frontdesk:survey_response": (lambda o: {"pk": o["survey_response"].pk}, DESK, "get", True),
    "frontdesk:survey_response_history": (lambda o: {"pk": o["survey_response"].pk}, DESK, "get", True),
    "frontdesk:survey_results": (lambda o: {"pk": o["survey"].pk}, DESK, "get", True),
    "frontdesk:survey_results_pdf": (lambda o: {"pk": o["survey"].pk}, DESK, "get", True),
    "frontdesk:survey_results_xlsx": (lambda o: {"pk": o["survey"].pk}, DESK, "get", True),
}
