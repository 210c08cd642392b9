"""What a counter throws at the archive's forms: huge pastes, emoji, SQL, right-to-left text, invisible
characters, NUL bytes, mistyped ID numbers, double-clicks and two clerks pressing Save at once.

None may give a 500. Invalid input gets its message at the field and the form keeps what was typed;
valid-but-odd input is stored as typed, minus the characters nobody can see.
"""

import re
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils.html import escape

from frontdesk.models import Occupancy, Person, Vehicle

pytestmark = pytest.mark.django_db

LONG = "长" * 10_000
FAMILY = "👨\u200d👩\u200d👧"  # one glyph: man ZWJ woman ZWJ girl
SQL = "'); DROP TABLE frontdesk_person;--"
ARABIC = "محمد عبد الله"
HEBREW = "דוד כהן"

VALID_ID = "440305199003070014"
WRONG_CHECK_DIGIT = "440305199003070015"
IMPOSSIBLE_DATE = "440305199902310018"  # 1999-02-31, check digit right for these digits
SEVENTEEN_DIGITS = "44030519900307001"
OLD_15 = "110105491231003"
OLD_15_AS_18 = "110105194912310038"

PERSON_URL = "/frontdesk/people/new/"


def occupant_url(unit):
    return f"/frontdesk/units/{unit.pk}/people/new/"


def vehicle_url(unit):
    return f"/frontdesk/units/{unit.pk}/vehicles/new/"


def person_data(community, **overrides):
    return {"community": community.pk, "name": "王小明", "id_type": "resident_id", "id_number": "", "phone": "",
            "phone_alt": "", "email": "", "notes": "", **overrides}


def occupant_data(**overrides):
    return {"kind": "resident", "name": "王小明", "id_type": "resident_id", "id_number": "", "phone": "", "share": "",
            "relationship": "", "start_date": "2024-03-01", **overrides}


def vehicle_data(**overrides):
    return {"plate": "粤B54321", "owner": "", "description": "", **overrides}


def form_of(response):
    return response.context["form"]


def assert_rejected_at(response, field, typed=None):
    """A 200 re-render with the error at ``field`` (and only form-level errors nowhere) and the typed value kept."""
    assert response.status_code == 200, response.status_code
    form = form_of(response)
    assert field in form.errors, form.errors
    assert "__all__" not in form.errors, form.errors
    if typed is not None:
        assert form[field].value() == typed
        assert escape(typed) in response.content.decode()


def token_from(response):
    """The double-submit token as the browser sees it: in the form's hidden input."""
    html = response.content.decode()
    match = re.search(r'name="form_token" value="([0-9a-f-]{36})"', html)
    assert match, "no form_token in the form"
    assert match[1] == form_of(response).initial["form_token"]
    return match[1]


# --- long strings -------------------------------------------------------------------------------

@pytest.mark.parametrize("field", ["name", "id_number", "phone", "phone_alt", "email", "notes"])
def test_person_form_10k_characters_rejected_at_the_field(clerk_client, community_a, field):
    response = clerk_client.post(PERSON_URL, person_data(community_a, **{field: LONG}))
    assert_rejected_at(response, field, typed=LONG)
    assert not Person.objects.exists()


@pytest.mark.parametrize("field", ["name", "id_number", "phone"])
def test_occupant_form_10k_characters_rejected_at_the_field(clerk_client, unit_a, field):
    response = clerk_client.post(occupant_url(unit_a), occupant_data(**{field: LONG}))
    assert_rejected_at(response, field, typed=LONG)
    assert Person.objects.count() == 1


@pytest.mark.parametrize("field", ["plate", "description"])
def test_vehicle_form_10k_characters_rejected_at_the_field(clerk_client, unit_a, field):
    response = clerk_client.post(vehicle_url(unit_a), vehicle_data(**{field: LONG}))
    assert_rejected_at(response, field, typed=LONG)
    assert Vehicle.objects.count() == 1


def test_10k_character_token_is_not_a_500(clerk_client, community_a):
    response = clerk_client.post(PERSON_URL, person_data(community_a, form_token="x" * 10_000))
    assert response.status_code == 302
    assert Person.objects.get().name == "王小明"


# --- odd but valid text: stored as typed -------------------------------------------------------

ODD_NAMES = [
    pytest.param("'); DROP TABLE frontdesk_person;--", id="sql"),
    pytest.param(ARABIC, id="arabic"),
    pytest.param(HEBREW, id="hebrew"),
    pytest.param("José Ñúñez", id="latin-accents"),
    pytest.param("欧阳 娜娜", id="chinese-with-space"),
    pytest.param("王😀", id="emoji"),
    pytest.param("王" + FAMILY, id="emoji-zwj-family"),
]


@pytest.mark.parametrize("name", ODD_NAMES)
def test_person_odd_name_stored_exactly(clerk_client, community_a, name):
    response = clerk_client.post(PERSON_URL, person_data(community_a, name=name, notes=f"{name}\n{SQL}"))
    assert response.status_code == 302, form_of(response).errors
    person = Person.objects.get()
    assert person.name == name
    assert person.notes == f"{name}\n{SQL}"
    assert response["Location"] == person.get_absolute_url()
    # The person page shows the name as text, escaped, not as markup.
    page = clerk_client.get(person.get_absolute_url())
    assert page.status_code == 200
    assert escape(name) in page.content.decode()


@pytest.mark.parametrize("name", ODD_NAMES)
def test_occupant_odd_name_stored_exactly(clerk_client, unit_a, name):
    response = clerk_client.post(occupant_url(unit_a), occupant_data(name=name))
    assert response.status_code == 302, form_of(response).errors
    occupancy = Occupancy.objects.get(unit=unit_a, kind="resident")
    assert occupancy.person.name == name
    assert clerk_client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("description", [SQL, ARABIC, HEBREW, "白色 " + FAMILY, "特斯拉 Model 3 红"])
def test_vehicle_odd_description_stored_exactly(clerk_client, unit_a, description):
    response = clerk_client.post(vehicle_url(unit_a), vehicle_data(description=description))
    assert response.status_code == 302, form_of(response).errors
    assert Vehicle.objects.get(plate="粤B54321").description == description


def test_sql_text_in_every_person_field_does_nothing(clerk_client, community_a):
    response = clerk_client.post(PERSON_URL, person_data(community_a, name=SQL, id_number=SQL, phone=SQL, email=SQL))
    assert set(form_of(response).errors) == {"id_number", "phone", "email"}
    assert form_of(response)["name"].value() == SQL
    assert Person.objects.count() == 0  # the table is still there and empty
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM frontdesk_person")
        assert cursor.fetchone() == (0,)


@pytest.mark.parametrize("plate", [SQL, ARABIC, "粤😀12345", "粤Bדוד45", "粤B12345678"])
def test_vehicle_plate_nonsense_rejected_at_plate(clerk_client, unit_a, plate):
    response = clerk_client.post(vehicle_url(unit_a), vehicle_data(plate=plate))
    assert_rejected_at(response, "plate", typed=plate)
    assert Vehicle.objects.count() == 1


# --- duplicates: a clear message at the field, not a database constraint's name ------------------

def assert_clear_duplicate_message(response, field):
    assert_rejected_at(response, field)
    text = " ".join(form_of(response).errors[field])
    assert "unique" not in text and "constraint" not in text.lower() and "约束" not in text, text


@pytest.mark.parametrize("typed", ["粤B12345", "粤b 12345", "粤B\u200b12345"])
def test_vehicle_duplicate_plate_message_at_plate(clerk_client, unit_a, typed):
    response = clerk_client.post(vehicle_url(unit_a), vehicle_data(plate=typed))
    assert_clear_duplicate_message(response, "plate")
    assert form_of(response)["plate"].value() == typed
    assert Vehicle.objects.count() == 1


def test_person_duplicate_id_number_message_at_id_number(clerk_client, unit_a):
    response = clerk_client.post(PERSON_URL, person_data(unit_a.community, name="张建国", id_number="11010519491231002x"))
    assert_clear_duplicate_message(response, "id_number")
    assert Person.objects.count() == 1


def test_occupant_with_someone_elses_id_number_message_at_id_number(clerk_client, unit_a):
    response = clerk_client.post(occupant_url(unit_a), occupant_data(name="张三", id_number="11010519491231002X"))
    assert_rejected_at(response, "id_number", typed="11010519491231002X")
    assert "张建国" in form_of(response).errors["id_number"][0]
    assert Person.objects.count() == 1


# --- invisible characters ----------------------------------------------------------------------

INVISIBLE = [
    pytest.param("张\u200b三", id="zero-width-space"),
    pytest.param("\ufeff张三", id="bom"),
    pytest.param("张\u2060三", id="word-joiner"),
    pytest.param("张\u202e三", id="right-to-left-override"),
    pytest.param("张\u2066三\u2069", id="bidi-isolate"),
    pytest.param("张\x00三", id="nul"),
    pytest.param(" 张三\t", id="surrounding-space"),
]


@pytest.mark.parametrize("typed", INVISIBLE)
def test_person_name_invisible_characters_stripped(clerk_client, community_a, typed):
    response = clerk_client.post(PERSON_URL, person_data(community_a, name=typed))
    assert response.status_code == 302, form_of(response).errors
    assert Person.objects.get().name == "张三"


@pytest.mark.parametrize("typed", INVISIBLE)
def test_occupant_name_invisible_characters_stripped(clerk_client, unit_a, typed):
    response = clerk_client.post(occupant_url(unit_a), occupant_data(name=typed))
    assert response.status_code == 302, form_of(response).errors
    assert Occupancy.objects.get(unit=unit_a, kind="resident").person.name == "张三"


def test_vehicle_plate_and_description_invisible_characters_stripped(clerk_client, unit_a):
    response = clerk_client.post(vehicle_url(unit_a),
                                 vehicle_data(plate="粤B\u200b5432\x001", description="白色\u200b\u202e轿车"))
    assert response.status_code == 302, form_of(response).errors
    vehicle = Vehicle.objects.get(plate="粤B54321")
    assert vehicle.description == "白色轿车"


def test_zero_width_space_cannot_sneak_a_duplicate_id_number(clerk_client, community_a):
    assert clerk_client.post(PERSON_URL, person_data(community_a, id_number=VALID_ID)).status_code == 302
    response = clerk_client.post(PERSON_URL, person_data(community_a, id_number=VALID_ID[:6] + "\u200b" + VALID_ID[6:]))
    assert response.status_code == 200
    assert Person.objects.count() == 1


@pytest.mark.parametrize("field", ["name", "notes", "phone", "email", "id_number", "community", "id_type"])
def test_person_nul_in_any_field_is_not_a_500(clerk_client, community_a, field):
    data = person_data(community_a)
    data[field] = f"{data[field]}\x00" if data[field] else "\x00"
    response = clerk_client.post(PERSON_URL, data)
    assert response.status_code in (200, 302)
    stored = Person.objects.values_list("name", "id_number", "phone", "email", "notes")
    assert not any("\x00" in value for row in stored for value in row)
    if response.status_code == 200:
        assert field in form_of(response).errors


@pytest.mark.parametrize("field", ["kind", "name", "id_type", "id_number", "phone", "share", "relationship", "start_date"])
def test_occupant_nul_in_any_field_is_not_a_500(clerk_client, unit_a, field):
    data = occupant_data(share="50" if field == "share" else "")
    data[field] = f"{data[field]}\x00"
    response = clerk_client.post(occupant_url(unit_a), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert field in form_of(response).errors


@pytest.mark.parametrize("field", ["plate", "owner", "description", "form_token"])
def test_vehicle_nul_in_any_field_is_not_a_500(clerk_client, unit_a, field):
    data = vehicle_data(form_token="")
    data[field] = f"{data[field]}\x00"
    response = clerk_client.post(vehicle_url(unit_a), data)
    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert field in form_of(response).errors


def test_lookup_with_nul_and_long_query_is_not_a_500(clerk_client, unit_a):
    for q in ("3-2-1502\x00", "\x00", LONG, SQL, FAMILY, ARABIC):
        response = clerk_client.get("/frontdesk/lookup/", {"q": q}, headers={"HX-Request": "true"})
        assert response.status_code == 200, q


def test_reveal_reason_with_nul_is_not_a_500(clerk_client, unit_a):
    """The "show" button's reason, posted without htmx (a plain form post, or a script)."""
    person = unit_a.occupancies.get().person
    url = f"/frontdesk/people/{person.pk}/reveal/id_number/"
    response = clerk_client.post(url, {"reason": "核对\x00身份"})
    assert response.status_code == 200
    assert person.id_number in response.content.decode()
    from core.models import SensitiveDataAccess

    assert SensitiveDataAccess.objects.get().reason == "核对身份"


# --- ID numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize(("id_number", "code"), [
    pytest.param(WRONG_CHECK_DIGIT, "check_digit", id="wrong-check-digit"),
    pytest.param(IMPOSSIBLE_DATE, "birth_date", id="19990231"),
    pytest.param(SEVENTEEN_DIGITS, "format", id="17-digits"),
    pytest.param("44030520991231001X", "birth_date", id="born-in-the-future"),
    pytest.param("990305199003070011", "region", id="unknown-region"),
])
def test_person_form_id_number_errors_at_id_number(clerk_client, community_a, id_number, code):
    response = clerk_client.post(PERSON_URL, person_data(community_a, id_number=id_number))
    assert_rejected_at(response, "id_number", typed=id_number)
    assert [e.code for e in form_of(response).errors.as_data()["id_number"]] == [code]
    assert not Person.objects.exists()


@pytest.mark.parametrize(("id_number", "code"), [
    (WRONG_CHECK_DIGIT, "check_digit"), (IMPOSSIBLE_DATE, "birth_date"), (SEVENTEEN_DIGITS, "format"),
])
def test_occupant_form_id_number_errors_at_id_number(clerk_client, unit_a, id_number, code):
    response = clerk_client.post(occupant_url(unit_a), occupant_data(id_number=id_number))
    assert_rejected_at(response, "id_number", typed=id_number)
    assert [e.code for e in form_of(response).errors.as_data()["id_number"]] == [code]
    assert Person.objects.count() == 1


def test_person_form_15_digit_id_converted_to_18_and_saved(clerk_client, community_a):
    response = clerk_client.post(PERSON_URL, person_data(community_a, id_number=OLD_15))
    assert response.status_code == 302, form_of(response).errors
    person = Person.objects.get()
    assert person.id_number == OLD_15_AS_18
    assert person.birth_date.isoformat() == "1949-12-31"


def test_occupant_form_15_digit_id_converted_to_18_and_saved(clerk_client, unit_a):
    response = clerk_client.post(occupant_url(unit_a), occupant_data(id_number=OLD_15))
    assert response.status_code == 302, form_of(response).errors
    assert Occupancy.objects.get(unit=unit_a, kind="resident").person.id_number == OLD_15_AS_18


def test_id_number_typed_loosely_is_normalised(clerk_client, community_a):
    """Full-width digits, spaces and a lower-case x, as typed from a photocopy."""
    response = clerk_client.post(PERSON_URL, person_data(community_a, id_number="１１０１０５ 19491231 002x"))
    assert response.status_code == 302, form_of(response).errors
    assert Person.objects.get().id_number == "11010519491231002X"


# --- double submit -----------------------------------------------------------------------------

def _double_submit(client, url, data):
    token = token_from(client.get(url))
    first = client.post(url, {**data, "form_token": token})
    second = client.post(url, {**data, "form_token": token})
    assert first.status_code == 302, form_of(first).errors
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    return first


def test_person_double_submit_creates_one(clerk_client, community_a):
    first = _double_submit(clerk_client, PERSON_URL, person_data(community_a, id_number=VALID_ID))
    person = Person.objects.get()
    assert first["Location"] == person.get_absolute_url()


def test_occupant_double_submit_creates_one(clerk_client, unit_a):
    first = _double_submit(clerk_client, occupant_url(unit_a), occupant_data(name="李四", phone="13900002222"))
    assert Occupancy.objects.filter(unit=unit_a, kind="resident").count() == 1
    assert Person.objects.filter(name="李四").count() == 1
    assert first["Location"] == unit_a.get_absolute_url()


def test_vehicle_double_submit_creates_one(clerk_client, unit_a):
    first = _double_submit(clerk_client, vehicle_url(unit_a), vehicle_data())
    assert Vehicle.objects.filter(plate="粤B54321").count() == 1
    assert first["Location"] == unit_a.get_absolute_url()


def test_rejected_submission_does_not_use_up_its_token(clerk_client, community_a):
    """A form sent back with an error is corrected and sent again with the same token: it is saved."""
    token = token_from(clerk_client.get(PERSON_URL))
    rejected = clerk_client.post(PERSON_URL, person_data(community_a, id_number=WRONG_CHECK_DIGIT, form_token=token))
    assert rejected.status_code == 200
    assert form_of(rejected)["form_token"].value() == token  # the re-rendered form keeps the same token
    accepted = clerk_client.post(PERSON_URL, person_data(community_a, id_number=VALID_ID, form_token=token))
    assert accepted.status_code == 302
    assert Person.objects.get().id_number == VALID_ID


def test_token_of_another_user_does_not_redirect_into_their_work(clerk_client, make_user, community_a):
    """Another clerk replaying a token (a shared screen's back button) must not be sent to the first
    clerk's result; their own submission is simply not deduplicated against someone else's."""
    token = token_from(clerk_client.get(PERSON_URL))
    assert clerk_client.post(PERSON_URL, person_data(community_a, form_token=token)).status_code == 302
    other = Client()
    other.force_login(make_user(communities=[community_a], username="clerk_a2"))
    response = other.post(PERSON_URL, person_data(community_a, name="赵六", form_token=token))
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert response["Location"] != Person.objects.get(name="王小明").get_absolute_url()
    assert Person.objects.filter(name="王小明").count() == 1


# --- two clerks' browsers pressing Save at the same moment --------------------------------------

def _post_concurrently(user, url, data, n=2):
    barrier = threading.Barrier(n)
    responses, errors = [None] * n, []

    def worker(i):
        from django.db import connections

        client = Client()
        client.force_login(user)
        try:
            barrier.wait(timeout=10)
            responses[i] = client.post(url, data)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return responses


@pytest.mark.parametrize("form", ["person", "occupant", "vehicle"])
def test_same_token_posted_by_two_threads_at_once_creates_one(transactional_db, clerk, unit_a, form):
    url, data, created = {
        "person": (PERSON_URL, person_data(unit_a.community, name="并发", phone="13700003333"),
                   lambda: Person.objects.filter(name="并发").count()),
        "occupant": (occupant_url(unit_a), occupant_data(name="并发", phone="13700003333"),
                     lambda: Occupancy.objects.filter(unit=unit_a, kind="resident").count()),
        "vehicle": (vehicle_url(unit_a), vehicle_data(), lambda: Vehicle.objects.filter(plate="粤B54321").count()),
    }[form]
    setup = Client()
    setup.force_login(clerk)
    token = token_from(setup.get(url))

    responses = _post_concurrently(clerk, url, {**data, "form_token": token})

    assert [r.status_code for r in responses] == [302, 302], [
        getattr(r, "context", None) and form_of(r).errors for r in responses]
    assert responses[0]["Location"] == responses[1]["Location"]
    assert created() == 1
