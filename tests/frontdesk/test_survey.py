"""Satisfaction survey 满意度调查 (issue 13 §6): one answer set per room (also under a race), questions frozen
after the first answer, scoping, the results' arithmetic, the comparison with the previous survey, coverage,
corrections kept as versions, the PDF (Chinese font), the .xlsx, bad parameters, double submit, query counts,
the unit panel and the demo data."""

import io
import subprocess
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import Role
from frontdesk.models import Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from frontdesk.selectors import survey as selectors
from frontdesk.services import survey as services
from tests.factories import BuildingFactory, EntranceFactory, OccupancyFactory, PersonFactory, UnitFactory
from tests.frontdesk.matrix_survey import new_survey, occupant_of, record

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def manager(users):
    return users[Role.MANAGER]


@pytest.fixture
def survey(community_a, manager):
    return new_survey(community_a, manager)


def rooms(community, n, *, building="5", start=1):
    entrance = EntranceFactory(building=BuildingFactory(community=community, name=building), name="1")
    units = []
    for i in range(n):
        unit = UnitFactory(entrance=entrance, number=f"{start + i}01")
        OccupancyFactory(unit=unit)
        units.append(unit)
    return units


def asked(survey):
    return list(survey.questions.filter(is_active=True).order_by("position", "id"))


def form_data(survey, unit, scores, **fields):
    data = {"respondent": occupant_of(unit).pk, "channel": "visit", "comment": ""}
    for q, score in zip(asked(survey), scores, strict=False):
        data[f"score_{q.pk}"] = "" if score is None else str(score)
        data[f"comment_{q.pk}"] = ""
    return data | fields


# -- creating a survey, questions ---------------------------------------------------------------------------------

def test_a_survey_is_created_with_the_default_questions_once_per_half_year(community_a, manager):
    survey = new_survey(community_a, manager)
    assert survey.title == "2026, second half" and survey.coverage_target == Decimal("30.00")
    areas = set(survey.questions.values_list("area", flat=True))
    assert areas == {"service", "repairs", "cleaning", "security", "greening", "fees"}
    with pytest.raises(ValidationError) as refused:
        new_survey(community_a, manager)
    assert refused.value.message_dict == {"half": ["This community already has a survey for this half-year."]}
    assert Survey.objects.count() == 1


def test_questions_change_until_the_first_answer_then_are_frozen(survey, unit_a, manager, clerk, client):
    first = asked(survey)[0]
    services.question_save(survey=survey, question=first, area="service", text="前台服务是否热情？", position=1,
                           actor=manager)
    services.question_save(survey=survey, area="greening", text="小区绿化是否满意？", position=200, actor=manager)
    assert survey.questions.count() == 12
    record(survey, unit_a, clerk)
    with pytest.raises(ValidationError) as refused:
        services.question_save(survey=survey, question=first, area="service", text="改动", actor=manager)
    assert "can no longer change" in refused.value.messages[0]
    first.refresh_from_db()
    assert first.text == "前台服务是否热情？"
    client.force_login(manager)
    url = reverse("frontdesk:survey_question_edit", args=[first.pk])
    page = client.get(url)
    assert "can no longer change" in page.content.decode()
    response = client.post(url, {"area": "service", "text": "再改", "position": "1", "is_active": "on",
                                 "form_token": page.context["form"].initial["form_token"]})
    assert response.status_code == 200 and "can no longer change" in response.content.decode()
    assert SurveyQuestion.objects.get(pk=first.pk).text == "前台服务是否热情？"


def test_the_coverage_target_is_settable_and_checked(survey, manager):
    services.survey_set_target(survey=survey, coverage_target="45.5", actor=manager)
    assert Survey.objects.get(pk=survey.pk).coverage_target == Decimal("45.50")
    for bad in ("0", "101", "abc", "NaN"):
        with pytest.raises(ValidationError):
            services.survey_set_target(survey=survey, coverage_target=bad, actor=manager)


# -- one answer set per room --------------------------------------------------------------------------------------

def test_one_answer_set_per_room_and_the_second_attempt_opens_the_first(survey, unit_a, clerk, client, users):
    first = record(survey, unit_a, clerk)
    with pytest.raises(ValidationError) as refused:
        record(survey, unit_a, users[Role.SUPERVISOR])
    assert refused.value.messages[0].startswith("This room has already answered this survey: recorded by")
    assert SurveyResponse.objects.count() == 1
    client.force_login(users[Role.SUPERVISOR])
    response = client.get(reverse("frontdesk:survey_record", args=[survey.pk, unit_a.pk]))
    assert response.status_code == 302 and response["Location"] == first.get_absolute_url()


def test_the_database_refuses_a_second_row_for_a_room(survey, unit_a, clerk):
    from django.db import IntegrityError, transaction

    first = record(survey, unit_a, clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        SurveyResponse.objects.create(survey=survey, community=survey.community, unit=unit_a,
                                      respondent=first.respondent, channel="phone", recorded_at=timezone.now(),
                                      recorded_by=clerk)


@pytest.mark.django_db(transaction=True)
def test_two_clerks_record_one_room_at_once(unit_a, make_user):
    clerks = [make_user(role=Role.CLERK, communities=[unit_a.community], username=f"desk{i}") for i in range(2)]
    survey = new_survey(unit_a.community, make_user(role=Role.MANAGER, communities=[unit_a.community]))
    barrier = threading.Barrier(2)
    won, lost = [], []

    def clerk_at_work(i):
        try:
            barrier.wait(timeout=30)
            record(Survey.objects.get(pk=survey.pk), unit_a, clerks[i], [5 - i] * 11)
            won.append(i)
        except ValidationError as exc:
            lost.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk_at_work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(won) == 1 and len(lost) == 1, (won, lost)
    assert lost[0].startswith("This room has already answered this survey")
    assert SurveyResponse.objects.filter(survey=survey, unit=unit_a).count() == 1
    assert SurveyAnswer.objects.filter(response__survey=survey).count() == 11


def test_double_submit_records_one_answer_set(survey, unit_a, clerk_client):
    url = reverse("frontdesk:survey_record", args=[survey.pk, unit_a.pk])
    page = clerk_client.get(url)
    data = form_data(survey, unit_a, [5, 4, 3]) | {"form_token": page.context["form"].initial["form_token"]}
    first = clerk_client.post(url, data)
    second = clerk_client.post(url, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert SurveyResponse.objects.count() == 1
    response = SurveyResponse.objects.get()
    assert sorted(a.score for a in response.answers.all() if a.score) == [3, 4, 5]
    assert response.answers.count() == 11  # every asked question has its row (unanswered: no score)


def test_the_respondent_is_an_occupant_and_a_score_is_1_to_5(survey, unit_a, clerk, clerk_client):
    stranger = PersonFactory(community=unit_a.community)
    with pytest.raises(ValidationError) as refused:
        record(survey, unit_a, clerk, respondent=stranger)
    assert refused.value.message_dict == {"respondent": ["Choose one of the room's current occupants."]}
    with pytest.raises(ValidationError) as refused:
        record(survey, unit_a, clerk, [7])
    assert list(refused.value.message_dict.values()) == [["A score is from 1 to 5."]]
    with pytest.raises(ValidationError) as refused:
        record(survey, unit_a, clerk, [None] * 11)
    assert refused.value.messages == ["Give a score to at least one question."]
    url = reverse("frontdesk:survey_record", args=[survey.pk, unit_a.pk])
    page = clerk_client.get(url)
    data = form_data(survey, unit_a, [None], comment="电话未接通，稍后再打") | {
        "form_token": page.context["form"].initial["form_token"]}
    response = clerk_client.post(url, data)
    assert response.status_code == 200 and "Give a score to at least one question." in response.content.decode()
    assert "电话未接通，稍后再打" in response.content.decode()  # what was typed is kept
    assert not SurveyResponse.objects.exists()


def test_a_correction_is_a_new_version_never_a_deletion(survey, unit_a, clerk, users):
    response = record(survey, unit_a, clerk, [2, 3])
    first_q = asked(survey)[0]
    answers = {q.pk: (4 if q == first_q else None, "") for q in asked(survey)}
    services.response_correct(response=response, respondent=occupant_of(unit_a), channel="paper", answers=answers,
                              actor=users[Role.SUPERVISOR])
    answer = SurveyAnswer.objects.get(response=response, question=first_q)
    assert answer.score == 4
    versions = list(answer.events.order_by("pgh_id").values_list("score", flat=True))
    assert versions == [2, 4]
    response.refresh_from_db()
    assert response.corrected_by == users[Role.SUPERVISOR] and response.channel == "paper"
    assert SurveyResponse.objects.count() == 1


def test_the_answer_sets_history_shows_the_correction(survey, unit_a, clerk, clerk_client):
    response = record(survey, unit_a, clerk, [2])
    first_q = asked(survey)[0]
    url = reverse("frontdesk:survey_response", args=[response.pk])
    page = clerk_client.get(url)
    assert reverse("frontdesk:survey_response_history", args=[response.pk]) in page.content.decode()
    data = form_data(survey, unit_a, [5], channel="paper") | {"form_token": page.context["form"].initial["form_token"]}
    assert clerk_client.post(url, data).status_code == 302
    assert SurveyAnswer.objects.get(response=response, question=first_q).score == 5
    events = clerk_client.get(reverse("frontdesk:survey_response_history", args=[response.pk])).context["events"]
    assert len(events) >= 3  # the answer set, its answers, the correction


def test_a_closed_survey_takes_no_answers_or_corrections(survey, unit_a, clerk, manager, community_a):
    response = record(survey, unit_a, clerk)
    services.survey_close(survey=survey, note="已上报", actor=manager)
    [other] = rooms(community_a, 1)
    with pytest.raises(ValidationError, match="closed"):
        record(Survey.objects.get(pk=survey.pk), other, clerk)
    with pytest.raises(ValidationError, match="closed"):
        services.response_correct(response=response, respondent=occupant_of(unit_a), channel="phone",
                                  answers={q.pk: (1, "") for q in asked(survey)}, actor=clerk)
    with pytest.raises(ValidationError, match="already closed"):
        services.survey_close(survey=survey, actor=manager)
    survey.refresh_from_db()
    assert survey.closed_by == manager and survey.close_note == "已上报"


# -- scoping ----------------------------------------------------------------------------------------------------

def test_another_communitys_rooms_and_answers_never_reach_a(survey, unit_a, unit_b, clerk, clerk_b, make_user,
                                                            client):
    record(survey, unit_a, clerk, [5] * 11)
    survey_b = new_survey(unit_b.community, make_user(role=Role.MANAGER, communities=[unit_b.community]))
    record(survey_b, unit_b, clerk_b, [1] * 11)
    with pytest.raises(ValidationError):
        record(survey, unit_b, clerk)  # a room of B in A's survey
    data = selectors.results(survey)
    assert data["overall"]["average"] == Decimal("5.00") and data["overall"]["answers"] == 11
    assert data["coverage"]["surveyed"] == 1
    client.force_login(clerk)
    assert client.get(reverse("frontdesk:survey_record", args=[survey.pk, unit_b.pk])).status_code == 404
    assert client.get(reverse("frontdesk:survey_results", args=[survey_b.pk])).status_code == 404
    assert [s.pk for s in client.get(reverse("frontdesk:survey_list")).context["page"]] == [survey.pk]
    page = client.get(reverse("frontdesk:survey_detail", args=[survey.pk]), {"room": "1-1-101"})
    assert page.status_code == 200 and page.context["matches"] == []


# -- results ----------------------------------------------------------------------------------------------------

def test_results_arithmetic_by_area_question_and_building(survey, community_a, clerk):
    qs = asked(survey)
    a, b = rooms(community_a, 2, building="5")
    [c] = rooms(community_a, 1, building="6")
    # question 0 (service): 5, 4, 2 → 3.67; question 1 (service): 3, -, 4 → 3.50; service area: 18 / 5 = 3.60
    record(survey, a, clerk, [5, 3, 4] + [None] * 8)
    record(survey, b, clerk, [4, None, 1] + [None] * 8)
    record(survey, c, clerk, [2, 4] + [None] * 9)
    data = selectors.results(survey)
    rows = {row["question"].pk: row for row in data["questions"]}
    assert (rows[qs[0].pk]["average"], rows[qs[0].pk]["answers"]) == (Decimal("3.67"), 3)
    assert (rows[qs[1].pk]["average"], rows[qs[1].pk]["answers"]) == (Decimal("3.50"), 2)
    assert (rows[qs[2].pk]["average"], rows[qs[2].pk]["answers"]) == (Decimal("2.50"), 2)
    assert rows[qs[3].pk]["average"] is None and rows[qs[3].pk]["answers"] == 0
    areas = {row["area"]: row for row in data["areas"]}
    assert areas["service"]["average"] == Decimal("3.60") and areas["repairs"]["average"] == Decimal("2.50")
    assert areas["cleaning"]["average"] is None
    assert data["overall"]["average"] == Decimal("3.29") and data["overall"]["answers"] == 7  # 23 / 7
    buildings = {row["name"]: row for row in data["buildings"]}
    assert buildings["5"]["rooms"] == 2 and buildings["5"]["average"] == Decimal("3.40")  # 17 / 5
    assert buildings["6"]["rooms"] == 1 and buildings["6"]["average"] == Decimal("3.00")
    assert [row["question"].pk for row in data["lowest"]] == [qs[2].pk, qs[1].pk, qs[0].pk]


def test_comparison_with_the_previous_survey_and_arrows(community_a, manager, clerk, client):
    before = new_survey(community_a, manager, year=2026, half=1)
    older = new_survey(community_a, manager, year=2025, half=2)
    now = new_survey(community_a, manager, year=2026, half=2)
    a, b = rooms(community_a, 2)
    record(older, a, clerk, [1] * 11)
    record(before, a, clerk, [4, 4, 5, 3])  # service (questions 1, 2) 4.00, repairs (3, 4) 4.00
    record(now, a, clerk, [5, 4, 3, 3])
    record(now, b, clerk, [3, 4, 5, 3])  # service 16 / 4 = 4.00 (→), repairs 14 / 4 = 3.50 (↓ -0.50)
    data = selectors.results(now)
    assert data["previous"] == before
    areas = {row["area"]: row for row in data["areas"]}
    assert (areas["service"]["average"], areas["service"]["previous"]) == (Decimal("4.00"), Decimal("4.00"))
    assert (areas["service"]["change"], areas["service"]["trend"]) == (Decimal("0.00"), "same")
    assert (areas["repairs"]["average"], areas["repairs"]["change"], areas["repairs"]["trend"]) == (
        Decimal("3.50"), Decimal("-0.50"), "down")
    first = data["questions"][0]
    assert (first["average"], first["previous"], first["trend"]) == (Decimal("4.00"), Decimal("4.00"), "same")
    third = data["questions"][2]
    assert (third["average"], third["previous"], third["change"], third["trend"]) == (
        Decimal("4.00"), Decimal("5.00"), Decimal("-1.00"), "down")
    assert data["questions"][4]["trend"] == ""  # no answers: no arrow
    client.force_login(manager)
    html = client.get(reverse("frontdesk:survey_results", args=[now.pk])).content.decode()
    assert "↓ -0.50" in html and "→ 0.00" in html and "2026, first half" in html
    assert selectors.results(older)["previous"] is None


def test_coverage_counts_occupied_rooms_and_the_target(survey, community_a, manager, clerk):
    units = rooms(community_a, 9)
    UnitFactory(entrance=units[0].entrance, number="999")  # empty: not counted
    services.survey_set_target(survey=survey, coverage_target=30, actor=manager)
    for unit in units[:2]:
        record(survey, unit, clerk)
    cov = selectors.coverage(Survey.objects.get(pk=survey.pk))
    assert (cov["occupied"], cov["surveyed"], cov["target_count"], cov["to_go"], cov["reached"]) == (9, 2, 3, 1, False)
    assert cov["share"] == Decimal("22.2")
    record(survey, units[2], clerk)
    cov = selectors.coverage(survey)
    assert cov["reached"] and cov["share"] == Decimal("33.3")


def test_remarks_are_listed_with_phones_and_id_numbers_masked(survey, unit_a, clerk, client):
    record(survey, unit_a, clerk, [2], remarks={0: "请回电13812345678，身份证11010519491231002X"},
           comment="总体还行")
    data = selectors.results(survey)
    texts = [c["text"] for c in data["comments"]]
    assert "请回电138****5678，身份证110105********002X" in texts and "总体还行" in texts
    stored = SurveyAnswer.objects.exclude(comment="").get().comment  # masked as stored: the history shows it so
    assert stored == "请回电138****5678，身份证110105********002X"
    assert selectors.mask_free_text("房号 3-2-1502，电话 0571-88886666") == "房号 3-2-1502，电话 0571-88886666"
    client.force_login(clerk)
    for name in ("frontdesk:survey_results", "frontdesk:survey_results_xlsx"):
        body = client.get(reverse(name, args=[survey.pk])).getvalue()  # the .xlsx is streamed
        assert b"13812345678" not in body and b"11010519491231002X" not in body


# -- the PDF, the .xlsx --------------------------------------------------------------------------------------------

def test_the_pdf_has_the_chinese_font_and_the_figures(survey, unit_a, clerk, client, tmp_path):
    record(survey, unit_a, clerk, [5, 4], remarks={1: "维修很及时"})
    client.force_login(clerk)
    response = client.get(reverse("frontdesk:survey_results_pdf", args=[survey.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "survey.pdf"
    path.write_bytes(response.content)
    fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "WenQuanYi" in fonts
    assert "翠湖花园" in text and "维修很及时" in text and "4.50" in text


def test_the_xlsx_lists_areas_questions_buildings_and_remarks(survey, unit_a, clerk, client):
    record(survey, unit_a, clerk, [5, 4], remarks={0: "=HYPERLINK(\"x\")"})
    client.force_login(clerk)
    response = client.get(reverse("frontdesk:survey_results_xlsx", args=[survey.pk]))
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.getvalue())).active.iter_rows(values_only=True))
    assert rows[0][0] == "Kind" and rows[1][:5] == ("Overall", None, None, 2, 4.5)
    kinds = {row[0] for row in rows[1:]}
    assert kinds == {"Overall", "Service area", "Question", "Building", "Remark"}
    remark = [row for row in rows if row[0] == "Remark"][0]
    assert remark[6] == "'=HYPERLINK(\"x\")"  # formula-safe


# -- pages, bad parameters, query counts -------------------------------------------------------------------------

def test_a_clerk_picks_a_room_from_the_survey_page(survey, unit_a, clerk_client):
    url = reverse("frontdesk:survey_detail", args=[survey.pk])
    response = clerk_client.get(url, {"room": "3-2-1502"})
    assert response.status_code == 302
    assert response["Location"] == reverse("frontdesk:survey_record", args=[survey.pk, unit_a.pk])
    page = clerk_client.get(url, {"room": "nowhere"})
    assert page.status_code == 200 and "No room of this community matches." in page.content.decode()


@pytest.mark.parametrize("params", [{"room": "\x00" * 3}, {"room": "9" * 5000}, {"building": "1e999"},
                                    {"building": "-1"}, {"page": "abc"}, {"building": "9" * 30}])
def test_bad_parameters_are_ignored_never_a_500(survey, clerk_client, params):
    assert clerk_client.get(reverse("frontdesk:survey_detail", args=[survey.pk]), params).status_code == 200
    assert clerk_client.get(reverse("frontdesk:survey_list"), {"community": params.get("building", "x")}
                            ).status_code == 200


def test_the_results_take_a_constant_number_of_queries(community_a, manager, clerk, django_assert_max_num_queries):
    previous = new_survey(community_a, manager, year=2026, half=1)
    survey = new_survey(community_a, manager)
    units = rooms(community_a, 3) + rooms(community_a, 3, building="8")
    record(previous, units[0], clerk, remarks={0: "好"})

    def count():
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.results(Survey.objects.get(pk=survey.pk))
        return len(ctx)

    record(survey, units[0], clerk, remarks={0: "一"})
    few = count()
    for unit in units[1:]:
        record(survey, unit, clerk, remarks={1: "二"}, comment="总体")
    assert count() == few
    with django_assert_max_num_queries(11):
        selectors.results(survey)


def test_pages_take_few_queries(survey, community_a, clerk, clerk_client, django_assert_max_num_queries):
    for unit in rooms(community_a, 5):
        record(survey, unit, clerk)
    with django_assert_max_num_queries(22):
        assert clerk_client.get(reverse("frontdesk:survey_detail", args=[survey.pk])).status_code == 200
    with django_assert_max_num_queries(22):
        assert clerk_client.get(reverse("frontdesk:survey_results", args=[survey.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert clerk_client.get(reverse("frontdesk:survey_list")).status_code == 200
    with django_assert_max_num_queries(1):
        assert len(selectors.survey_list(user=clerk)) == 1


# -- the unit panel, the demo -------------------------------------------------------------------------------------

def _request(user):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_unit_panel_offers_to_record_or_open_the_answers(survey, unit_a, clerk, clerk_client,
                                                            django_assert_max_num_queries):
    from frontdesk.registry import unit_panels

    url = reverse("frontdesk:unit_panels", args=[unit_a.pk])
    html = clerk_client.get(url).content.decode()
    assert reverse("frontdesk:survey_record", args=[survey.pk, unit_a.pk]) in html
    response = record(survey, unit_a, clerk)
    html = clerk_client.get(url).content.decode()
    assert reverse("frontdesk:survey_response", args=[response.pk]) in html
    with django_assert_max_num_queries(1):
        assert [s.response_id for s in selectors.unit_surveys(unit_a)] == [response.pk]
    assert "survey" in [panel["key"] for panel in unit_panels(_request(clerk), unit_a, lazy=True)]


def test_the_demo_has_a_closed_survey_with_answers_and_one_in_progress(make_user):
    from frontdesk import demo
    from tests.factories import CommunityFactory

    community = CommunityFactory(name="翠湖花园", code="CH")
    rooms(community, 12, building="1")
    for username, role in (("clerk", Role.CLERK), ("supervisor", Role.SUPERVISOR), ("manager", Role.MANAGER)):
        make_user(role=role, communities=[community], username=username)
    out = io.StringIO()
    demo.load_survey(out)
    demo.load_survey(out)
    assert "already loaded" in out.getvalue()
    closed, current = Survey.objects.order_by("year", "half")
    assert closed.is_closed and not current.is_closed
    assert closed.responses.count() == 4 and current.responses.exists()
    today = timezone.localdate()
    assert (current.year, current.half) == (today.year, 1 if today.month <= 6 else 2)
    assert SurveyResponse.objects.filter(recorded_at__gt=timezone.now()).count() == 0
    assert selectors.results(current)["previous"] == closed


# -- forms: a new survey, bad input on the answer form -------------------------------------------------------------

def test_a_manager_creates_a_survey_and_a_second_one_for_the_half_year_is_refused(client, manager, community_a):
    client.force_login(manager)
    url = reverse("frontdesk:survey_create")
    data = {"community": community_a.pk, "year": "2026", "half": "1", "coverage_target": "35"}
    page = client.get(url)
    response = client.post(url, data | {"form_token": page.context["form"].initial["form_token"]})
    survey = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == survey.get_absolute_url()
    assert (survey.year, survey.half, survey.coverage_target, survey.created_by) == (2026, 1, Decimal("35.00"), manager)
    page = client.get(url)
    again = client.post(url, data | {"form_token": page.context["form"].initial["form_token"]})
    assert again.status_code == 200
    assert again.context["form"].errors == {"half": ["This community already has a survey for this half-year."]}
    assert Survey.objects.count() == 1


def test_bad_input_on_the_answer_form_is_said_at_the_field(survey, unit_a, clerk_client):
    url = reverse("frontdesk:survey_record", args=[survey.pk, unit_a.pk])
    page = clerk_client.get(url)
    first = asked(survey)[0]
    data = form_data(survey, unit_a, [5, "9"]) | {f"comment_{first.pk}": "很" * 501, "channel": "fax",
                                                  "form_token": page.context["form"].initial["form_token"]}
    response = clerk_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {f"comment_{first.pk}", f"score_{asked(survey)[1].pk}", "channel"}
    assert errors[f"comment_{first.pk}"] == ["Keep this to at most 500 characters; it has 501."]
    assert not SurveyResponse.objects.exists()
