"""Every page and every PDF of every role, with known phones and ID numbers in the data: no unmasked value
where the role's policy says masked (phones: cashier and engineer; ID numbers: everyone)."""

import datetime
import io
import subprocess

import pytest
from django.urls import reverse

from core import privacy
from core.models import Role
from frontdesk.models import Person
from repairs.models import Ticket
from tests.core.test_access_matrix import AREA_MODULES, MATRIX, PUBLIC, _objects

PHONE_MASKED_FOR = {Role.CASHIER, Role.ENGINEER, Role.GUARD}


def _pdf_text(content: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True,
                          timeout=60).stdout.decode()


def _xlsx_text(content: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for cell in row if cell is not None)


def _text(response) -> tuple[str, str]:
    kind = response.get("Content-Type", "")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("application/pdf"):
        return "PDF", _pdf_text(content)
    if "spreadsheetml" in kind:
        return "xlsx", _xlsx_text(content)
    return "page", content.decode(errors="replace")


@pytest.fixture
def data(community_a, users, unit_a):
    objects = _objects(community_a, users[Role.CLERK])
    for module in AREA_MODULES:
        objects.update(module.objects(community_a, users))
    # Every person gets a second phone; every ticket a contact phone of its own (one that is nobody's).
    for number, person in enumerate(Person.objects.filter(community=community_a).order_by("pk")):
        Person.objects.filter(pk=person.pk).update(phone_alt=f"1590000{number:04d}")
    for number, ticket in enumerate(Ticket.objects.filter(community=community_a).order_by("pk")):
        if ticket.unit_id is None or number % 2:
            Ticket.objects.filter(pk=ticket.pk).update(contact_phone=f"1770000{number:04d}")
    # One person's ID number changes, so the history panels hold an old and a new one.
    old_id = objects["person"].id_number
    Person.objects.filter(pk=objects["person"].pk).update(id_number="44010619800101001X",
                                                          birth_date=datetime.date(1980, 1, 1))
    people = Person.objects.filter(community=community_a)
    phones = {p for row in people.values_list("phone", "phone_alt") for p in row if p}
    phones |= {p for p in Ticket.objects.filter(community=community_a).values_list("contact_phone", flat=True) if p}
    ids = {i for i in people.values_list("id_number", flat=True) if i} | {old_id}
    # a resident ID's masked digits are the birth date: it must not show either (the history once did)
    ids |= {f"{i[6:10]}-{i[10:12]}-{i[12:14]}" for i in set(ids) if len(i) == 18}
    assert len(phones) > 5 and len(ids) > 3
    return objects, phones, ids


def _urls(objects):
    for name, (kwargs_fn, allowed, method, _foreign) in sorted(MATRIX.items()):
        if method == "get" and allowed is not PUBLIC:
            yield name, reverse(name, kwargs=kwargs_fn(objects) if kwargs_fn else None), allowed
    person = objects["person"]
    everyone = frozenset(Role.values)
    for query in (person.name, person.phone[-4:], "3-2-1502", "张建国"):
        yield "lookup", f"{reverse('frontdesk:lookup')}?q={query}", everyone
        yield "person_list", f"{reverse('frontdesk:person_list')}?q={query}", everyone


def test_the_policy_is_the_one_the_tests_check(users):
    assert {role for role, user in users.items() if not privacy.sees_in_full(user, privacy.PHONE)} == PHONE_MASKED_FOR
    assert not any(privacy.sees_in_full(user, privacy.ID_NUMBER) for user in users.values())


@pytest.mark.parametrize("role", sorted(Role.values))
def test_no_page_or_pdf_shows_a_masked_value(role, client, users, data):
    objects, phones, ids = data
    secrets = set(ids) | (phones if role in PHONE_MASKED_FOR else set())
    client.force_login(users[role])
    leaks, seen = [], {"page": 0, "PDF": 0, "xlsx": 0}
    for name, url, allowed in _urls(objects):
        if role not in allowed:
            continue
        response = client.get(url)
        if response.status_code != 200:
            continue
        kind, text = _text(response)
        seen[kind] += 1
        leaks += [f"{kind} {name} ({url}) shows {value}" for value in sorted(secrets) if value in text]
    assert seen["page"] > (2 if role == Role.GUARD else 10)  # the guard has only the check pages
    assert not leaks, "\n".join(leaks)


def test_every_pdf_is_read(client, users, data):
    """The PDFs are part of the sweep above: the manager (who may print most) reads text out of several."""
    objects, _phones, _ids = data
    client.force_login(users[Role.ADMIN])
    pdfs = 0
    for _name, url, _allowed in _urls(objects):
        response = client.get(url)
        if response.status_code == 200 and response.get("Content-Type", "").startswith("application/pdf"):
            kind, text = _text(response)
            assert text.strip(), url
            pdfs += 1
    assert pdfs >= 8


def test_the_engineer_sees_the_ticket_contact_masked_with_no_call_link(client, users, data):
    objects, _phones, _ids = data
    ticket = Ticket.objects.get(pk=objects["work_ticket"].pk)
    client.force_login(users[Role.ENGINEER])
    html = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert privacy.mask_phone(ticket.contact_phone) in html
    assert "tel:" not in html


def test_the_clerk_sees_the_ticket_contact_in_full_with_a_call_link(client, users, data):
    objects, _phones, _ids = data
    ticket = Ticket.objects.get(pk=objects["intake_ticket"].pk)
    client.force_login(users[Role.CLERK])
    html = client.get(reverse("repairs:ticket_detail", args=[ticket.pk])).content.decode()
    assert f'href="tel:{ticket.contact_phone}"' in html


def test_the_person_edit_form_keeps_the_id_number_it_does_not_show(clerk_client, unit_a):
    person = unit_a.occupancies.get().person
    page = clerk_client.get(reverse("frontdesk:person_edit", args=[person.pk])).content.decode()
    assert person.id_number not in page and "110105********002X" in page
    response = clerk_client.post(reverse("frontdesk:person_edit", args=[person.pk]), {
        "name": person.name, "id_type": person.id_type, "id_number": "", "phone": "13900001111"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.id_number == "11010519491231002X" and person.phone == "13900001111"


def test_a_revealed_phone_is_a_tap_to_call_link(client, users, unit_a):
    """The engineer reveals a resident's phone (with a reason, logged): it becomes a tel: link."""
    from core.models import SensitiveDataAccess

    person = unit_a.occupancies.get().person
    client.force_login(users[Role.ENGINEER])
    response = client.post(reverse("frontdesk:person_reveal", args=[person.pk, "phone"]), {},
                           HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="上门前联系业主")
    assert response.status_code == 200
    assert '<a href="tel:13812345678">13812345678</a>' in response.content.decode()
    assert SensitiveDataAccess.objects.filter(user=users[Role.ENGINEER], record_id=person.pk, field="phone").exists()


def test_a_revealed_id_number_is_plain_text(clerk_client, unit_a):
    person = unit_a.occupancies.get().person
    html = clerk_client.post(reverse("frontdesk:person_reveal", args=[person.pk, "id_number"]), {},
                             HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="核对身份").content.decode()
    assert "11010519491231002X" in html and "tel:" not in html


def test_the_work_page_offers_a_call_to_who_sees_the_phone_and_a_show_to_the_engineer(client, users, data):
    objects, _phones, _ids = data
    ticket = Ticket.objects.get(pk=objects["work_ticket"].pk)
    client.force_login(users[Role.SUPERVISOR])
    html = client.get(reverse("repairs:work_ticket", args=[ticket.pk])).content.decode()
    assert f'href="tel:{ticket.contact_phone}"' in html
    client.force_login(users[Role.ENGINEER])
    html = client.get(reverse("repairs:work_ticket", args=[ticket.pk])).content.decode()
    assert "tel:" not in html and privacy.mask_phone(ticket.contact_phone) in html
