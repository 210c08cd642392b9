"""Access matrix rows of worker passes, the gate's check, extensions and additional works."""

import datetime

from core.models import Role
from renovation.models import RenovationRequest
from renovation.services import requests as request_services

from .helpers import active_renovation, issued

ALL = frozenset(Role.values)
STAFF = ALL - {Role.GUARD}
DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
GATE = frozenset({Role.GUARD, Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
COLLECT = frozenset({Role.CASHIER, Role.ADMIN})
REVIEW = frozenset({Role.ENGINEER, Role.ADMIN})
APPROVE = frozenset({Role.MANAGER, Role.ADMIN})


def objects(community, users):
    from tests.factories import OccupancyFactory

    clerk, cashier = users[Role.CLERK], users[Role.CASHIER]
    unit = OccupancyFactory(unit__entrance__building__community=community, person__community=community).unit
    renovation = active_renovation(unit, clerk)
    worker_pass = issued(renovation, clerk, cashier)[0]
    new_end = renovation.permit_valid_to + datetime.timedelta(days=30)
    extension = request_services.request_file(renovation=renovation, kind=RenovationRequest.Kind.EXTENSION,
                                              applicant_kind="lead", applicant_name="周建华", reason="延期",
                                              new_end=new_end, actor=clerk)
    works = request_services.request_file(renovation=renovation, kind=RenovationRequest.Kind.WORKS,
                                          applicant_kind="lead", applicant_name="周建华", reason="开孔",
                                          items=["drilling"], actor=clerk)
    request_services.request_review(request=works, passed=True, comments="可以", actor=users[Role.ENGINEER])
    request_services.request_approve(request=works, decision="approve", actor=users[Role.MANAGER])
    return {"renovation": renovation, "worker_pass": worker_pass, "extension": extension, "works": works}


def _reno(o):
    return {"pk": o["renovation"].pk}


def _pass(o):
    return {"pk": o["worker_pass"].pk}


def _token(o):
    return {"token": o["worker_pass"].token}


def _ext(o):
    return {"pk": o["extension"].pk}


ENTRIES = {
    "renovation:renovation_passes": (_reno, STAFF, "get", True),
    "renovation:pass_create": (_reno, DESK, "get", True),
    "renovation:passes_pay": (_reno, COLLECT, "get", True),
    "renovation:passes_issue": (_reno, DESK, "get", True),
    "renovation:pass_cards": (_reno, DESK, "get", True),
    "renovation:pass_list": (None, STAFF, "get", False),
    "renovation:pass_detail": (_pass, STAFF, "get", True),
    "renovation:pass_photo": (_pass, STAFF, "get", True),
    "renovation:pass_id_copy": (_pass, DESK, "get", True),
    "renovation:pass_reveal": (lambda o: {"pk": o["worker_pass"].pk, "field": "id_number"}, DESK, "post", True),
    "renovation:pass_return": (_pass, DESK, "get", True),
    "renovation:pass_lost": (_pass, DESK, "get", True),
    "renovation:pass_cancel": (_pass, DESK, "get", True),
    "renovation:gate_home": (None, GATE, "get", False),
    "renovation:gate_check": (_token, GATE, "get", True),
    "renovation:gate_photo": (_token, GATE, "get", True),
    "renovation:extension_list": (None, STAFF, "get", False),
    "renovation:extension_create": (_reno, DESK, "get", True),
    "renovation:works_list": (None, STAFF, "get", False),
    "renovation:works_create": (_reno, DESK, "get", True),
    "renovation:request_detail": (_ext, STAFF, "get", True),
    "renovation:request_review": (_ext, REVIEW, "get", True),
    "renovation:request_approve": (_ext, APPROVE, "get", True),
    "renovation:request_fee": (_ext, COLLECT, "get", True),
    "renovation:request_withdraw": (_ext, DESK, "get", True),
    "renovation:request_archive": (lambda o: {"pk": o["works"].pk}, STAFF, "get", True),
}
