"""Issue 13 §6 in a real browser: a clerk opens the survey page, picks the room with the room box, records the
room's answers (a missing respondent's score is said on the form and what was typed is kept), and the results
page shows them; the unit page's panel then opens the recorded answers."""

import re

import pytest
from playwright.sync_api import expect

from core.models import Role
from frontdesk.models import SurveyResponse
from tests.frontdesk.matrix_survey import new_survey

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def desk_clerk(clerk):
    clerk.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    clerk.save(update_fields=["language"])
    return clerk


def test_a_clerk_records_a_room_and_the_results_show_it(page, live_server, login, unit_a, desk_clerk, users):
    survey = new_survey(unit_a.community, users[Role.MANAGER])
    questions = list(survey.questions.order_by("position", "id"))
    login(page, desk_clerk)
    page.goto(f"{live_server.url}/frontdesk/surveys/")
    page.get_by_role("link", name="2026, second half").click()
    page.wait_for_url(re.compile(rf"/frontdesk/surveys/{survey.pk}/$"))
    expect(page.locator(".survey-coverage")).to_contain_text("0 of 1 occupied rooms surveyed")

    # 1. the room from the survey page's room box
    page.fill("#survey-room", "3-2-1502")
    page.locator("#survey-room-form button[type=submit]").click()
    page.wait_for_url(re.compile(rf"/frontdesk/surveys/{survey.pk}/units/{unit_a.pk}/$"))

    # 2. no score at all: said on the form, the remark typed is kept
    page.select_option("#id_channel", "phone")
    page.fill(f"#id_comment_{questions[1].pk}", "投诉处理很快")
    page.locator("#survey-response-form button[type=submit]").click()
    expect(page.locator("#survey-response-form .alert-danger")).to_contain_text("Give a score to at least one question.")
    expect(page.locator(f"#id_comment_{questions[1].pk}")).to_have_value("投诉处理很快")
    page.select_option(f"#id_score_{questions[0].pk}", "5")
    page.select_option(f"#id_score_{questions[1].pk}", "2")
    page.select_option(f"#id_score_{questions[2].pk}", "4")
    page.locator("#survey-response-form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/frontdesk/surveys/answers/\d+/$"))
    response = SurveyResponse.objects.get()
    assert (response.unit, response.respondent.name, response.channel, response.recorded_by) == (
        unit_a, "张建国", "phone", desk_clerk)
    assert sorted(a.score for a in response.answers.all() if a.score) == [2, 4, 5]

    # 3. the results page shows the answers
    page.goto(f"{live_server.url}/frontdesk/surveys/{survey.pk}/results/")
    expect(page.locator("#survey-overall")).to_have_text("3.67")
    expect(page.locator("#survey-areas tr[data-area=service]")).to_contain_text("3.50")
    expect(page.locator("#survey-comments")).to_contain_text("投诉处理很快")
    expect(page.locator("#survey-lowest li").first).to_contain_text(questions[1].text)
    expect(page.locator(".survey-coverage")).to_contain_text("1 of 1 occupied rooms surveyed")

    # 4. the unit page's panel opens the recorded answers
    page.goto(f"{live_server.url}/frontdesk/units/{unit_a.pk}/")
    page.locator("#unit-surveys").get_by_role("link", name="Open the answers").click()
    page.wait_for_url(re.compile(rf"/frontdesk/surveys/answers/{response.pk}/$"))
    expect(page.locator(f"#id_score_{questions[1].pk}")).to_have_value("2")
