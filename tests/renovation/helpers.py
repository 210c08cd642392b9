"""Shared helpers of the renovation passes tests: an active renovation (its permit issued), a registered
pass, a paid and issued one."""

import datetime

from django.utils import timezone

from renovation.demo import demo_photo, permitted_renovation
from renovation.services import passes as pass_services

WORKERS = [("李建军", "110101198001010010", "13800138001", "electrician"),
           ("王海涛", "110101198203040015", "13800138002", "plumber"),
           ("张国庆", "110101197510010014", "13800138003", "mason")]


def active_renovation(unit, actor, *, days=30):
    today = timezone.localdate()
    owner = unit.occupancies.filter(kind="owner").select_related("person").first().person
    return permitted_renovation(community=unit.community, unit=unit, owner=owner, actor=actor,
                                start=today - datetime.timedelta(days=5), end=today + datetime.timedelta(days=days))


def register(renovation, actor, worker=0, **kw):
    name, id_number, phone, trade = WORKERS[worker]
    fields = {"name": name, "id_number": id_number, "phone": phone, "trade": trade, "photo": demo_photo(),
              "id_copy": demo_photo("id.jpg"), "valid_from": timezone.localdate(),
              "valid_to": renovation.permit_valid_to}
    fields.update(kw)
    return pass_services.pass_create(renovation=renovation, actor=actor, **fields)


def issued(renovation, clerk, cashier, workers=(0,)):
    passes = [register(renovation, clerk, worker=w) for w in workers]
    pass_services.passes_pay(renovation=renovation, pass_ids=[p.pk for p in passes], payer_name="周建华",
                             method="cash", cashier=cashier)
    return pass_services.passes_issue(renovation=renovation, pass_ids=[p.pk for p in passes], received_by="周建华",
                                      actor=clerk)
