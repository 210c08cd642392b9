"""Every URL × every role, plus the foreign-community object. A new URL without an entry here fails."""

import datetime
import importlib
import uuid
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from core.models import Notification, Role
from frontdesk.models import Occupancy, ParkingSpace, TenantAuthorization
from tests.factories import OccupancyFactory, PersonFactory

ALL = frozenset(Role.values)
STAFF = ALL - {Role.GUARD}  # the gate guard sees only the check pages
DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
REVIEWERS = frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
STRUCTURE = frozenset({Role.MANAGER, Role.ADMIN})  # the property tree: buildings, entrances, rooms
PUBLIC = None

# name -> (kwargs from the objects, roles allowed, method, foreign object must 404)
MATRIX = {
    "login": (None, PUBLIC, "get", False),
    "logout": (None, PUBLIC, "post", False),
    "favicon": (None, PUBLIC, "get", False),
    "home": (None, ALL, "get", False),
    "core:notifications": (None, ALL, "get", False),
    "core:notifications_read_all": (None, ALL, "post", False),
    "core:notification_read": (lambda o: {"pk": o["notification"].pk}, ALL, "post", False),
    "core:set_language": (None, ALL, "post", False),
    "core:password_change": (None, ALL, "get", False),
    "core:access_log": (None, REVIEWERS, "get", False),
    "frontdesk:lookup": (None, STAFF, "get", False),
    "frontdesk:unit_list": (None, STAFF, "get", False),
    "frontdesk:unit_create": (None, STRUCTURE, "get", False),
    "frontdesk:unit_detail": (lambda o: {"pk": o["unit"].pk}, STAFF, "get", True),
    "frontdesk:unit_edit": (lambda o: {"pk": o["unit"].pk}, STRUCTURE, "get", True),
    "frontdesk:unit_history": (lambda o: {"pk": o["unit"].pk}, STAFF, "get", True),
    "frontdesk:unit_panels": (lambda o: {"pk": o["unit"].pk}, STAFF, "get", True),
    "frontdesk:unit_card_pdf": (lambda o: {"pk": o["unit"].pk}, STAFF, "get", True),
    "frontdesk:occupant_add": (lambda o: {"pk": o["unit"].pk}, DESK, "get", True),
    "frontdesk:vehicle_create": (lambda o: {"pk": o["unit"].pk}, DESK, "get", True),
    "frontdesk:occupancy_end": (lambda o: {"pk": o["occupancy"].pk}, DESK, "get", True),
    "frontdesk:authorization_create": (lambda o: {"pk": o["tenancy"].pk}, DESK, "get", True),
    "frontdesk:authorization_revoke": (lambda o: {"pk": o["authorization"].pk}, DESK, "get", True),
    "frontdesk:person_list": (None, STAFF, "get", False),
    "frontdesk:person_create": (None, DESK, "get", False),
    "frontdesk:person_detail": (lambda o: {"pk": o["person"].pk}, STAFF, "get", True),
    "frontdesk:person_edit": (lambda o: {"pk": o["person"].pk}, DESK, "get", True),
    "frontdesk:person_history": (lambda o: {"pk": o["person"].pk}, STAFF, "get", True),
    "frontdesk:person_link_unit": (lambda o: {"pk": o["person"].pk}, DESK, "get", True),
    "frontdesk:person_reveal": (lambda o: {"pk": o["person"].pk, "field": "id_number"}, DESK, "post", True),
    "frontdesk:vehicle_list": (None, STAFF, "get", False),
    "frontdesk:vehicle_edit": (lambda o: {"pk": o["vehicle"].pk}, DESK, "get", True),
    "frontdesk:vehicle_remove": (lambda o: {"pk": o["vehicle"].pk}, DESK, "get", True),
    "frontdesk:parking_list": (None, STAFF, "get", False),
    "frontdesk:parking_create": (None, DESK, "get", False),
    "frontdesk:parking_edit": (lambda o: {"pk": o["space"].pk}, DESK, "get", True),
    "frontdesk:import_upload": (None, DESK, "get", False),
    # An unknown batch is a 404 for those allowed; scoping of real batches: tests/frontdesk/test_imports.py.
    "frontdesk:import_preview": (lambda o: {"batch": uuid.UUID(int=1)}, DESK, "get", False),
    "frontdesk:import_confirm": (lambda o: {"batch": uuid.UUID(int=1)}, DESK, "post", False),
}
# Each app adds its own rows in tests/<app>/matrix_*.py: ENTRIES (as above) and objects(community, users) -> dict.
AREA_MODULES = [
    importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
    for path in sorted(Path(__file__).resolve().parent.parent.glob("*/matrix_*.py"))
]
for _module in AREA_MODULES:
    _clash = set(_module.ENTRIES) & set(MATRIX)
    assert not _clash, f"{_module.__name__} repeats {_clash}"
    MATRIX.update(_module.ENTRIES)

# URLs the matrix asks with an unknown id (their records are one user's own): a 404 for everyone allowed.
UNKNOWN_OBJECT = ("frontdesk:import_preview", "frontdesk:import_confirm", "core:export_detail", "core:export_download")

# Django's admin: only superusers (the demo admin); everyone else is sent to the admin login.
NAMESPACES_CHECKED_ELSEWHERE = {"admin"}


def _names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            if ns in NAMESPACES_CHECKED_ELSEWHERE:
                continue
            yield from _names(entry, f"{prefix}{ns}:" if ns else prefix)
        elif isinstance(entry, URLPattern) and entry.name:
            yield prefix + entry.name
        elif isinstance(entry, URLPattern):
            yield f"<unnamed {entry.pattern}>"


def test_every_url_has_an_entry_in_the_matrix():
    missing = sorted(set(_names()) - set(MATRIX))
    assert not missing, f"Add these URLs to MATRIX with the roles allowed: {missing}"
    stale = sorted(set(MATRIX) - set(_names()))
    assert not stale, f"MATRIX names URLs that no longer exist: {stale}"


def _objects(community, clerk):
    tenancy = OccupancyFactory(kind=Occupancy.Kind.TENANT, share=None, unit__entrance__building__community=community)
    owner = OccupancyFactory(unit=tenancy.unit)
    authorization = TenantAuthorization.objects.create(
        community=community, tenancy=tenancy, owner=owner.person, valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2026, 12, 31), scopes=["fees"])
    from tests.factories import VehicleFactory

    vehicle = VehicleFactory(unit=tenancy.unit)
    return {
        "unit": tenancy.unit, "occupancy": owner, "tenancy": tenancy, "authorization": authorization,
        "person": owner.person, "vehicle": vehicle,
        "space": ParkingSpace.objects.create(community=community, code=f"B1-{tenancy.pk}", unit=tenancy.unit),
        "notification": Notification.objects.create(user=clerk, title="t"),
    }


def _request(client, method, url):
    if method == "post":
        return client.post(url, {}, HTTP_HX_REQUEST="true", HTTP_HX_PROMPT="核对身份")
    return client.get(url)


# objects_a (one object of every kind in community A, from every app's matrix module): tests/core/conftest.py


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_roles(name, client, users, objects_a):
    kwargs_fn, allowed, method, _foreign = MATRIX[name]
    url = reverse(name, kwargs=kwargs_fn(objects_a) if kwargs_fn else None)
    if allowed is PUBLIC:
        assert _request(client, method, url).status_code in (200, 301, 302)
        return
    response = _request(client, method, url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login")), "anonymous must log in"
    for role, user in users.items():
        client.force_login(user)
        status = _request(client, method, url).status_code
        if role in allowed:
            expected = {404} if name in UNKNOWN_OBJECT else {200, 302}
            assert status in expected, f"{role} should reach {name}, got {status}"
        else:
            assert status == 403, f"{role} must be refused {name}, got {status}"
        client.logout()


@pytest.mark.parametrize("name", sorted(n for n, spec in MATRIX.items() if spec[3]))
def test_foreign_community_objects_are_404(name, client, objects_a, community_b, make_user):
    """A member of community B guessing an id of community A gets a 404, never a 403."""
    kwargs_fn, allowed, method, _foreign = MATRIX[name]
    url = reverse(name, kwargs=kwargs_fn(objects_a))
    for role in sorted(allowed - {Role.ADMIN}):
        client.force_login(make_user(role=role, communities=[community_b], username=f"{role}_b"))
        assert _request(client, method, url).status_code == 404, f"{role} of B reached {name} of A"
        client.logout()


def test_admin_sees_every_community(client, users, objects_a, community_b):
    admin = users[Role.ADMIN]
    admin.communities.set([community_b])
    client.force_login(admin)
    assert client.get(reverse("frontdesk:unit_detail", args=[objects_a["unit"].pk])).status_code == 200


def test_django_admin_is_for_superusers_only(client, users, make_user):
    for user in users.values():
        client.force_login(user)
        assert client.get("/admin/").status_code == 302
    client.force_login(make_user(role=Role.ADMIN, is_superuser=True, is_staff=True, username="root"))
    assert client.get("/admin/").status_code == 200


def test_lists_never_show_foreign_rows(client, clerk_b, unit_a, unit_b):
    client.force_login(clerk_b)
    units = client.get(reverse("frontdesk:unit_list")).context["page"].object_list
    assert [u.pk for u in units] == [unit_b.pk]
    people = client.get(reverse("frontdesk:person_list")).context["page"].object_list
    assert {p.community_id for p in people} == {unit_b.community_id}
    assert client.get(reverse("frontdesk:lookup"), {"q": "3-2-1502"}).context["result"]["units"] == []
    assert PersonFactory  # factories importable for other tests
