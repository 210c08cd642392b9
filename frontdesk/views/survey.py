"""Satisfaction survey 满意度调查: the surveys, a new survey, a survey's page (questions, coverage, answer sets,
pick a room to record for), the coverage target, questions (until the first answer), closing, a room's answer
set (record, open, correct), and the results (page, A4 PDF for the department head, .xlsx)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import history_for
from core.exports import xlsx_response
from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import has_perm, require
from frontdesk import documents
from frontdesk.forms.survey import (
    QuestionForm,
    SurveyCloseForm,
    SurveyCreateForm,
    SurveyListForm,
    SurveyPageForm,
    SurveyTargetForm,
    response_form,
)
from frontdesk.models import Building
from frontdesk.scoping import communities_of
from frontdesk.selectors import survey as selectors
from frontdesk.services import survey as services

PAGE_SIZE = 50


def _form(request, form, perform, *, title, survey, template="frontdesk/survey/form.html", **context):
    """A survey form page: on POST ``perform`` once (``submit_once``); otherwise the form with what was typed."""
    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, template, {"form": form, "title": title, "survey": survey,
                                      "back": survey.get_absolute_url() if survey else "", **context})


@list_params(SurveyListForm)
@require("survey.view")
def survey_list(request):
    values = list_filters(request, SurveyListForm)
    return render(request, "frontdesk/survey/list.html", {
        "page": paginate(request, selectors.survey_list(user=request.user, community=values["community"]), PAGE_SIZE),
        "communities": communities_of(request.user), "filters": values,
    })


@require("survey.manage")
def survey_create(request):
    today = timezone.localdate()
    form = SurveyCreateForm(request.POST or None, communities=communities_of(request.user),
                            initial={"year": today.year, "half": 1 if today.month <= 6 else 2})

    def perform(data):
        survey = services.survey_create(community=data["community"], year=data["year"], half=data["half"],
                                        coverage_target=data["coverage_target"], actor=request.user)
        messages.success(request, _("Survey %(title)s created with the default questions; change them before the "
                                    "first answer is recorded.") % {"title": survey.title})
        return survey.get_absolute_url()

    return _form(request, form, perform, title=_("New satisfaction survey"), survey=None)


@list_params(SurveyPageForm)
@require("survey.view")
def survey_detail(request, pk):
    survey = selectors.survey_detail(user=request.user, pk=pk)
    values = list_filters(request, SurveyPageForm)
    matches = selectors.units_matching(survey, values["room"]) if values["room"] else []
    if len(matches) == 1 and has_perm(request.user, "survey.record") and not survey.is_closed:
        unit = matches[0]
        return redirect("frontdesk:survey_record", pk=survey.pk, unit=unit.pk)
    return render(request, "frontdesk/survey/detail.html", {
        "survey": survey, "questions": selectors.questions(survey), "frozen": selectors.is_frozen(survey),
        "coverage": selectors.coverage(survey), "filters": values, "matches": matches,
        "buildings": Building.objects.filter(community_id=survey.community_id).order_by("sort_order", "name"),
        "page": paginate(request, selectors.responses(survey, building=values["building"]), PAGE_SIZE),
    })


@require("survey.manage")
def survey_target(request, pk):
    survey = selectors.survey_detail(user=request.user, pk=pk)
    form = SurveyTargetForm(request.POST or None, initial={"coverage_target": survey.coverage_target})

    def perform(data):
        services.survey_set_target(survey=survey, coverage_target=data["coverage_target"], actor=request.user)
        messages.success(request, _("Coverage target saved."))
        return survey.get_absolute_url()

    return _form(request, form, perform, title=_("Coverage target of survey %(title)s") % {"title": survey.title},
                 survey=survey)


def _question_form(request, survey, question=None):
    initial = ({"area": question.area, "text": question.text, "position": question.position,
                "is_active": question.is_active} if question else {})
    form = QuestionForm(request.POST or None, initial=initial)
    if request.method != "POST" and selectors.is_frozen(survey):
        messages.warning(request, _("Answers have already been recorded for this survey: its questions can no "
                                    "longer change."))

    def perform(data):
        services.question_save(survey=survey, question=question, area=data["area"], text=data["text"],
                               position=data["position"], is_active=data["is_active"], actor=request.user)
        messages.success(request, _("Question saved."))
        return survey.get_absolute_url()

    title = _("Change a question") if question else _("Add a question")
    return _form(request, form, perform, title=title, survey=survey)


@require("survey.manage")
def question_create(request, pk):
    return _question_form(request, selectors.survey_detail(user=request.user, pk=pk))


@require("survey.manage")
def question_edit(request, pk):
    question = selectors.question_detail(user=request.user, pk=pk)
    return _question_form(request, question.survey, question)


@require("survey.manage")
def survey_close(request, pk):
    survey = selectors.survey_detail(user=request.user, pk=pk)
    form = SurveyCloseForm(request.POST or None)

    def perform(data):
        services.survey_close(survey=survey, note=data["note"], actor=request.user)
        messages.success(request, _("Survey %(title)s closed.") % {"title": survey.title})
        return survey.get_absolute_url()

    return _form(request, form, perform, title=_("Close survey %(title)s") % {"title": survey.title}, survey=survey)


@require("survey.record")
def survey_record(request, pk, unit):
    """Record a room's answer set; a room that has one opens it (one answer set per room and survey)."""
    survey = selectors.survey_detail(user=request.user, pk=pk)
    room = selectors.survey_unit(user=request.user, survey=survey, pk=unit)
    existing = selectors.unit_response(survey, room)
    if existing is not None:
        messages.info(request, _("This room has already answered this survey: its answers are shown to correct."))
        return redirect(existing.get_absolute_url())
    form = response_form(request.POST or None, occupants=selectors.occupants(room),
                         questions=selectors.questions(survey, active_only=True))

    def perform(data):
        response = services.response_record(survey=survey, unit=room, respondent=data["respondent"],
                                            channel=data["channel"], answers=form.answers(),
                                            comment=data["comment"], actor=request.user)
        messages.success(request, _("Answers of %(room)s recorded.") % {"room": room.label})
        return response.get_absolute_url()

    return _form(request, form, perform, survey=survey, unit=room, template="frontdesk/survey/response.html",
                 title=_("Survey %(title)s: %(room)s") % {"title": survey.title, "room": room.label})


@require("survey.record")
def survey_response(request, pk):
    """A room's answer set: shown, and corrected (a new version; every earlier one stays in the history)."""
    response = selectors.response_detail(user=request.user, pk=pk)
    survey = response.survey
    answers = selectors.response_answers(response)
    initial = {"respondent": response.respondent_id, "channel": response.channel, "comment": response.comment}
    for qid, answer in answers.items():
        initial[f"score_{qid}"] = str(answer.score or "")
        initial[f"comment_{qid}"] = answer.comment
    form = response_form(request.POST or None, occupants=selectors.occupants(response.unit), initial=initial,
                         questions=selectors.questions(survey, active_only=True))

    def perform(data):
        services.response_correct(response=response, respondent=data["respondent"], channel=data["channel"],
                                  answers=form.answers(), comment=data["comment"], actor=request.user)
        messages.success(request, _("Answers of %(room)s corrected; the earlier version is kept.") % {
            "room": response.unit.label})
        return response.get_absolute_url()

    return _form(request, form, perform, survey=survey, unit=response.unit, response=response,
                 template="frontdesk/survey/response.html",
                 title=_("Survey %(title)s: %(room)s") % {"title": survey.title, "room": response.unit.label})


@require("survey.record")
def survey_response_history(request, pk):
    """Every version of a room's answer set and of its answers (who changed what, when)."""
    response = selectors.response_detail(user=request.user, pk=pk)
    return render(request, "core/partials/_history.html", {"events": history_for(response, user=request.user)})


@require("survey.view")
def survey_results(request, pk):
    survey = selectors.survey_detail(user=request.user, pk=pk)
    return render(request, "frontdesk/survey/results.html", {"data": selectors.results(survey), "survey": survey})


@require("survey.view")
def survey_results_pdf(request, pk):
    survey = selectors.survey_detail(user=request.user, pk=pk)
    pdf = documents.survey_results(survey=survey, user=request.user, request=request)
    return pdf_response(pdf, f"survey-{survey.community.code}-{survey.year}-{survey.half}.pdf")


@require("survey.view")
def survey_results_xlsx(request, pk):
    survey = selectors.survey_detail(user=request.user, pk=pk)
    data = selectors.results(survey)
    previous = data["previous"].title if data["previous"] else ""
    rows = [(_("Overall"), "", "", data["overall"]["answers"], data["overall"]["average"],
             data["overall"]["previous"], data["overall"]["change"])]
    rows += [(_("Service area"), row["label"], "", row["answers"], row["average"], row["previous"], row["change"])
             for row in data["areas"]]
    rows += [(_("Question"), row["area_label"], row["question"].text, row["answers"], row["average"],
              row["previous"], row["change"]) for row in data["questions"]]
    rows += [(_("Building"), row["name"], "", row["answers"], row["average"], "", "") for row in data["buildings"]]
    rows += [(_("Remark"), row["area"] or _("General remarks"), row["question"] or row["room"], "", row["score"],
              "", row["text"]) for row in selectors.comments(survey)]
    headers = [_("Kind"), _("Area or building"), _("Question"), _("Answers"), _("Average score"),
               _("Previous survey (%(title)s)") % {"title": previous} if previous else _("Previous survey"),
               _("Change or remark")]
    return xlsx_response(f"survey-{survey.community.code}-{survey.year}-{survey.half}.xlsx", headers, rows)
