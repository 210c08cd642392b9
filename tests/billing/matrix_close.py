"""Access matrix rows of the daily close and the deposits (billing:close_*, billing:deposit_*)."""

import datetime

from core.models import Role

COLLECT = frozenset({Role.CASHIER, Role.ADMIN})
STATS = frozenset({Role.CASHIER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
VIEW = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN, Role.CASHIER})


def objects(community, users):
    from billing import interface
    from billing.models import DailyClose, Deposit

    info = interface.deposit_collect(community=community, unit=None, kind="worker_pass", amount="100",
                                     payer_name="施工队 李师傅", method="cash", cashier=users[Role.CASHIER])
    # every role that may see closes sees this one (the cashier sees their own)
    day_close = DailyClose.objects.create(community=community, cashier=users[Role.CASHIER],
                                          business_date=datetime.date(2026, 1, 5), system_cash=0, counted_cash=0,
                                          difference=0, handed_to="孙丽")
    return {"deposit": Deposit.objects.get(pk=info.id), "daily_close": day_close}


ENTRIES = {
    "billing:close_day": (None, COLLECT, "get", False),
    "billing:close_list": (None, STATS, "get", False),
    "billing:close_detail": (lambda o: {"pk": o["daily_close"].pk}, STATS, "get", True),
    "billing:close_pdf": (lambda o: {"pk": o["daily_close"].pk}, STATS, "get", True),
    "billing:deposit_list": (None, VIEW, "get", False),
    "billing:deposit_collect": (None, COLLECT, "get", False),
    "billing:deposit_detail": (lambda o: {"pk": o["deposit"].pk}, VIEW, "get", True),
    "billing:deposit_refund": (lambda o: {"pk": o["deposit"].pk}, COLLECT, "get", True),
}
