"""The half-yearly satisfaction survey 满意度调查: create a community's survey for a half-year from the default
questions, change the questions until the first answer set is recorded (then they are frozen), set the coverage
target, record a room's answer set (one per room and survey) and correct it (pghistory keeps every version),
close the survey. Nothing is deleted."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.db import save_unique
from core.text import clean_text
from frontdesk.models import (
    Community,
    Occupancy,
    Person,
    Survey,
    SurveyAnswer,
    SurveyArea,
    SurveyQuestion,
    SurveyResponse,
    Unit,
)
from frontdesk.selectors.survey import mask_free_text

A = SurveyArea
ONE_PER_UNIT = gettext_lazy("This room has already answered this survey.")
ONE_PER_HALF = gettext_lazy("This community already has a survey for this half-year.")

# The default question set: two questions for most service areas, asked in this order.
DEFAULT_QUESTIONS = (
    (A.SERVICE, gettext_lazy("How satisfied are you with the front desk staff's attitude?")),
    (A.SERVICE, gettext_lazy("How satisfied are you with how enquiries and complaints are handled?")),
    (A.REPAIRS, gettext_lazy("How satisfied are you with how quickly repairs are attended?")),
    (A.REPAIRS, gettext_lazy("How satisfied are you with the quality of repairs?")),
    (A.CLEANING, gettext_lazy("How satisfied are you with the cleanliness of stairs, lifts and lobbies?")),
    (A.CLEANING, gettext_lazy("How satisfied are you with rubbish collection?")),
    (A.SECURITY, gettext_lazy("How satisfied are you with the gate and the patrols?")),
    (A.SECURITY, gettext_lazy("How satisfied are you with parking and traffic order?")),
    (A.GREENING, gettext_lazy("How satisfied are you with the upkeep of the greenery?")),
    (A.FEES, gettext_lazy("How satisfied are you with how clearly the fees are explained?")),
    (A.FEES, gettext_lazy("How satisfied are you with the ways to pay?")),
)


def _remark(text: str, limit: int) -> str:
    """A remark as stored: cleaned, and any mobile or ID number typed into it masked (a remark is an opinion
    about the service; contact details belong in the archive, and the history panels show remarks as stored)."""
    return mask_free_text(clean_text(text or "").strip())[:limit]


def _target(value) -> Decimal:
    try:
        target = Decimal(str(value))
    except (ArithmeticError, ValueError):
        target = Decimal(-1)
    if not target.is_finite() or not Decimal(0) < target <= Decimal(100):
        raise ValidationError({"coverage_target": _("The coverage target is a share of more than 0 and at most 100.")})
    return target.quantize(Decimal("0.01"))


@transaction.atomic
def survey_create(*, community: Community, year: int, half: int, coverage_target=Decimal(30), actor,
                  now=None) -> Survey:
    """A community's survey for a half-year, with the default questions (which can change until the first answer)
    in the site's language."""
    if half not in Survey.Half.values:
        raise ValidationError({"half": _("Choose the first or the second half of the year.")})
    if not 2000 <= int(year) <= 2100:
        raise ValidationError({"year": _("Give a year like 2026.")})
    survey = Survey(community=community, year=year, half=half, coverage_target=_target(coverage_target),
                    created_at=now or timezone.now(), created_by=actor)
    save_unique(survey, field="half", message=ONE_PER_HALF, clean=False)
    # The questions are put to the residents in the site's language, whatever the creator's own.
    with translation.override(settings.LANGUAGE_CODE):
        SurveyQuestion.objects.bulk_create(
            SurveyQuestion(survey=survey, area=area, text=str(text), position=(i + 1) * 10)
            for i, (area, text) in enumerate(DEFAULT_QUESTIONS))
    return survey


def _locked(survey: Survey) -> Survey:
    return Survey.objects.select_for_update().get(pk=survey.pk)


def _refuse_closed(survey: Survey) -> None:
    if survey.closed_at is not None:
        raise ValidationError(_("This survey was closed on %(day)s: it takes no more changes.") % {
            "day": f"{timezone.localtime(survey.closed_at):%Y-%m-%d}"})


@transaction.atomic
def survey_set_target(*, survey: Survey, coverage_target, actor) -> Survey:
    """The share of occupied rooms to survey (default 30 %)."""
    locked = _locked(survey)
    _refuse_closed(locked)
    locked.coverage_target = _target(coverage_target)
    locked.save(update_fields=["coverage_target"])
    survey.coverage_target = locked.coverage_target
    return locked


@transaction.atomic
def question_save(*, survey: Survey, area: str, text: str, position: int = 0, is_active: bool = True,
                  question: SurveyQuestion | None = None, actor) -> SurveyQuestion:
    """Add or change a question. Once the first answer set is recorded the questions are frozen (the answers
    must keep meaning what was asked): the change is refused with a message. The survey row is locked, so a
    change and the first answer cannot cross."""
    locked = _locked(survey)
    _refuse_closed(locked)
    if SurveyResponse.objects.filter(survey=locked).exists():
        raise ValidationError(_("Answers have already been recorded for this survey: its questions can no longer "
                                "change."), code="frozen")
    text = clean_text(text or "").strip()
    errors = {}
    if area not in SurveyArea.values:
        errors["area"] = _("Choose the service area.")
    if not text:
        errors["text"] = _("Write the question.")
    if errors:
        raise ValidationError(errors)
    if question is None:
        question = SurveyQuestion(survey=locked)
    elif question.survey_id != locked.pk:
        raise ValidationError(_("This question belongs to another survey."))
    question.area, question.text, question.position, question.is_active = area, text[:200], position, is_active
    question.save()
    return question


@transaction.atomic
def survey_close(*, survey: Survey, note: str = "", actor, now=None) -> Survey:
    """Close the survey (who, when, why are recorded): no more answers or corrections; the results stay."""
    locked = _locked(survey)
    if locked.closed_at is not None:
        raise ValidationError(_("This survey is already closed."))
    locked.closed_at, locked.closed_by = now or timezone.now(), actor
    locked.close_note = clean_text(note or "").strip()[:500]
    locked.save(update_fields=["closed_at", "closed_by", "close_note"])
    return locked


def _check_answers(survey: Survey, answers: dict) -> dict:
    """``answers``: question id → (score or None, remark). Every asked question gets a row; at least one score."""
    questions = set(SurveyQuestion.objects.filter(survey=survey, is_active=True).values_list("pk", flat=True))
    cleaned, errors = {}, {}
    for qid in sorted(questions):
        score, remark = answers.get(qid, (None, ""))
        if score in ("", None):
            score = None
        else:
            try:
                score = int(score)
            except (TypeError, ValueError):
                score = 0
            if not 1 <= score <= 5:
                errors[f"score_{qid}"] = _("A score is from 1 to 5.")
        cleaned[qid] = (score, _remark(remark, 500))
    unknown = set(answers) - set(questions)
    if unknown:
        errors["__all__"] = _("Some answers are to questions this survey does not ask.")
    if not errors and not any(score for score, _remark in cleaned.values()):
        errors["__all__"] = _("Give a score to at least one question.")
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_respondent(unit: Unit, respondent: Person | None) -> None:
    if respondent is None or not Occupancy.objects.filter(unit=unit, person=respondent,
                                                          end_date__isnull=True).exists():
        raise ValidationError({"respondent": _("Choose one of the room's current occupants.")})


def _already(existing: SurveyResponse) -> ValidationError:
    return ValidationError(_("This room has already answered this survey: recorded by %(who)s at %(when)s. "
                             "Open it to correct it.") % {
        "who": existing.recorded_by.full_name or existing.recorded_by.username,
        "when": f"{timezone.localtime(existing.recorded_at):%Y-%m-%d %H:%M}"}, code="exists")


@transaction.atomic
def response_record(*, survey: Survey, unit: Unit, respondent: Person, channel: str, answers: dict,
                    comment: str = "", actor, now=None) -> SurveyResponse:
    """A room's answer set, recorded by a clerk from a call, a visit or a paper form. One per room and survey:
    the survey row is locked, a second attempt is told who recorded the first (and the database refuses a
    second row whatever happens)."""
    locked = _locked(survey)
    _refuse_closed(locked)
    if unit.community_id != locked.community_id:
        raise ValidationError(_("This room is not in the survey's community."))
    existing = SurveyResponse.objects.filter(survey=locked, unit=unit).select_related("recorded_by").first()
    if existing is not None:
        raise _already(existing)
    _check_respondent(unit, respondent)
    if channel not in SurveyResponse.Channel.values:
        raise ValidationError({"channel": _("Say how the answers were collected.")})
    cleaned = _check_answers(locked, answers)
    response = SurveyResponse(survey=locked, community_id=locked.community_id, unit=unit, respondent=respondent,
                              channel=channel, comment=_remark(comment, 1000),
                              recorded_at=now or timezone.now(), recorded_by=actor)
    save_unique(response, field=None, message=ONE_PER_UNIT, clean=False)
    SurveyAnswer.objects.bulk_create(SurveyAnswer(response=response, question_id=qid, score=score, comment=remark)
                                     for qid, (score, remark) in cleaned.items())
    return response


@transaction.atomic
def response_correct(*, response: SurveyResponse, respondent: Person, channel: str, answers: dict,
                     comment: str = "", actor, now=None) -> SurveyResponse:
    """Correct a room's answer set: the rows are updated (every earlier version stays in the history), never
    deleted. Refused once the survey is closed."""
    locked = SurveyResponse.objects.select_for_update().select_related("survey").get(pk=response.pk)
    _refuse_closed(locked.survey)
    _check_respondent(locked.unit, respondent)
    if channel not in SurveyResponse.Channel.values:
        raise ValidationError({"channel": _("Say how the answers were collected.")})
    cleaned = _check_answers(locked.survey, answers)
    locked.respondent, locked.channel = respondent, channel
    locked.comment = _remark(comment, 1000)
    locked.corrected_at, locked.corrected_by = now or timezone.now(), actor
    locked.save(update_fields=["respondent", "channel", "comment", "corrected_at", "corrected_by"])
    current = {a.question_id: a for a in locked.answers.all()}
    for qid, (score, remark) in cleaned.items():
        answer = current.get(qid)
        if answer is None:
            SurveyAnswer.objects.create(response=locked, question_id=qid, score=score, comment=remark)
        elif (answer.score, answer.comment) != (score, remark):
            answer.score, answer.comment = score, remark
            answer.save(update_fields=["score", "comment"])
    return locked
