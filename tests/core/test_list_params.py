"""Bad query input never makes a 500: every GET page of the access matrix, every query parameter it reads.

The parameters of a page are found, not listed: the fields of the page's list form (``view.list_form``, set
by ``core.forms.list_params``) and every name its view function reads from ``request.GET`` in its source.
Each gets NUL bytes, huge numbers, non-numeric ids, negative numbers, over-long text, a date and a month
that do not exist, and the first and last dates there are (all the page's parameters at once, one bad value
at a time), as a user who may open the page: the answer is a page (200) or a redirect (or a 400 page that
says what is wrong). A number that names no record of the user's (``?community=99999999999999999999``,
``?unit=``) may be a 404: the house rule for foreign records.
"""

import inspect
import re

import pytest
from django.urls import resolve, reverse

from core.models import Role
from tests.core.test_access_matrix import MATRIX, PUBLIC

OK = {200, 301, 302, 303}
BAD_VALUES = ["a\x00b", "1e999999", "99999999999999999999", "abc", "-5", "x" * 5000,
              "2026-02-30", "2026-13", "9999-12-31", "0001-01-01"]  # dates that do not exist, or have no next day
ALWAYS = {"page", "community"}
READS = re.compile(r"""(?:GET\.get\(|GET\[|GET\.getlist\()\s*["'](\w+)["']|["'](\w+)["']\s+in\s+request\.GET""")
HANDS_REQUEST = re.compile(r"(\w+)\(request\b")
PREFERRED = (Role.MANAGER, Role.SUPERVISOR, Role.CLERK, Role.CASHIER, Role.ENGINEER, Role.ADMIN)


def _view(name, kwargs):
    return resolve(reverse(name, kwargs=kwargs)).func


def _params(view) -> set[str]:
    names = set(ALWAYS)
    form = getattr(view, "list_form", None)
    if form is not None:
        names |= set(form.base_fields)
    return names | _read_by(inspect.unwrap(view), set())


def _read_by(function, seen) -> set[str]:
    """The names ``function`` reads from ``request.GET``, and the helpers it hands the request to."""
    if function in seen or not inspect.isfunction(function):
        return set()
    seen.add(function)
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return set()
    names = {a or b for a, b in READS.findall(source)}
    for helper in HANDS_REQUEST.findall(source):
        names |= _read_by(function.__globals__.get(helper), seen)
    return names


def _a_page_saying_what_is_wrong(response) -> bool:
    """A 400 that is the page with its form's message (a PDF asked for with bad values), not a bare error."""
    return response.status_code == 400 and response["Content-Type"].startswith("text/html") and b"<form" in response.content


def _role(allowed):
    return next(role for role in PREFERRED if role in allowed)


# The import preview and the export job pages of the matrix name an unknown batch or job: a 404 whatever the
# query (a real job's pages get the same bad values in tests/core/test_export_jobs.py).
NOT_A_PAGE_HERE = {"frontdesk:import_preview", "core:export_detail", "core:export_download"}
GET_PAGES = sorted(name for name, (_k, allowed, method, _f) in MATRIX.items()
                   if method == "get" and allowed is not PUBLIC and name not in NOT_A_PAGE_HERE)


# The lists whose raw query values reached a filter (and made a 500): their query string goes through a form.
LIST_FORMS_EXPECTED = {
    "frontdesk:person_list", "frontdesk:unit_list", "frontdesk:vehicle_list", "frontdesk:parking_list",
    "billing:arrears", "billing:deposit_list", "billing:reminder_log",
}


def test_the_lists_read_their_query_through_a_form():
    with_form = {name for name in GET_PAGES if MATRIX[name][0] is None and getattr(_view(name, None), "list_form", None)}
    assert with_form >= LIST_FORMS_EXPECTED, LIST_FORMS_EXPECTED - with_form


@pytest.mark.parametrize("name", GET_PAGES)
def test_bad_query_values_never_fail(name, client, users, objects_a):
    kwargs_fn, allowed, _method, _foreign = MATRIX[name]
    kwargs = kwargs_fn(objects_a) if kwargs_fn else None
    url = reverse(name, kwargs=kwargs)
    view = _view(name, kwargs)
    client.force_login(users[_role(allowed)])
    client.raise_request_exception = False  # a 500 is counted, not raised, so every failure is listed
    params = sorted(_params(view))
    failures = []
    for value in BAD_VALUES:
        if value.isdecimal():  # a number may name a record: one parameter at a time, and "none of yours" is a 404
            queries, ok = [{param: value} for param in params], OK | {404}
        else:  # every parameter at once: a list form reads each on its own
            queries, ok = [dict.fromkeys(params, value)], OK
        for query in queries:
            response = client.get(url, query)
            if response.status_code not in ok and not _a_page_saying_what_is_wrong(response):
                failures.append(f"{sorted(query)}={value[:20]!r} → {response.status_code}")
    assert not failures, f"{name}: {failures}"
