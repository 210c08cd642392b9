"""The one permission helper. Every view names an action; this table says which roles may do it.

Community scoping is separate and just as strict: ``frontdesk.scoping`` (every object a view touches
comes from a queryset filtered by ``scope()``, so an object of a foreign community is a 404).
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role

ALL_STAFF = frozenset(Role.values)
# Everyone who works inside the service centre: the gate guard sees only the check pages (``gate.check``).
STAFF = ALL_STAFF - {Role.GUARD}
DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

# action -> roles allowed. Add the action here when you add a view.
ACTIONS: dict[str, frozenset[str]] = {
    "account": ALL_STAFF,  # own notifications, password, language
    "frontdesk.view": STAFF,  # lookup, unit and person pages, lists
    "frontdesk.edit": DESK,  # create/edit archive records, move-in/out, authorisations
    "frontdesk.import": DESK,
    "frontdesk.export": DESK | {Role.CASHIER},
    # the gate (门岗): check a release slip or a worker pass from its QR or number; a guard sees nothing else
    "gate.check": frozenset({Role.GUARD, Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    "frontdesk.structure": frozenset({Role.MANAGER, Role.ADMIN}),  # buildings, entrances, units
    "privacy.full_phone": DESK,  # phones shown in full without asking
    "privacy.reveal_phone": DESK | {Role.ENGINEER},  # reveal a masked phone, logged
    "privacy.reveal_id": DESK,  # reveal an ID number, logged
    "privacy.access_log": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    # duty (值班): the log is confidential to front-desk staff: the desk roles read it, nobody else
    "duty.view": DESK,  # roster, duty log, handovers, reviews (read)
    "duty.log": frozenset({Role.CLERK, Role.SUPERVISOR}),  # write log entries, hand over, ask for leave/swaps
    "duty.roster": frozenset({Role.SUPERVISOR, Role.ADMIN}),  # build the roster, shifts, shared items; decide leave/swaps
    "duty.approve_roster": frozenset({Role.MANAGER, Role.ADMIN}),  # approve or return the month's roster
    "duty.review": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # sign days, spot checks, appraisal, override
    # repairs and complaints (报修/投诉)
    "repairs.view": DESK | {Role.ENGINEER},  # tickets, the board, a ticket's page, work order PDF
    "repairs.intake": DESK,  # log a repair, complaint or enquiry; inform the owner of a delay
    "repairs.dispatch": DESK,  # dispatch, reassign, assign a department, hold, cancel, reply, close
    "repairs.work": frozenset({Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),  # the engineer's phone view
    "repairs.callback": DESK,  # 回访
    "repairs.manage": frozenset({Role.MANAGER, Role.ADMIN}),  # categories, teams, clock durations
    "repairs.stats": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    "repairs.handoff": DESK,  # 代办开通: file a utility hand-off, e-mail it to the provider, record its answer
    "repairs.providers": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # hand-off providers and their fees
    "repairs.prices": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # the paid services' price list
    # fees (收费)
    "billing.view": DESK | {Role.CASHIER},  # a unit's bills and payments, receipts, arrears, notices, deposits
    "billing.collect": frozenset({Role.CASHIER, Role.ADMIN}),  # take payments and deposits, ask for corrections, close the day
    "billing.approve": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # approve voids, waivers, refunds
    "billing.meter": frozenset({Role.CLERK, Role.CASHIER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),  # 抄表
    "billing.run": frozenset({Role.CASHIER, Role.MANAGER, Role.ADMIN}),  # bill runs, payment and dunning notices
    "billing.setup": frozenset({Role.MANAGER, Role.ADMIN}),  # fee items, rates, reminder policy
    "billing.stats": frozenset({Role.CASHIER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # collection rate, closes
    # ---- slips (issue 11): goods release slips 物品放行条 (the gate's check is ``gate.check`` above)
    "slips.view": DESK,  # the lists, a slip's page and PDF
    "slips.issue": DESK,  # take an application at the counter
    "slips.void": DESK,  # void an unused slip, with the reason
    "slips.sign": frozenset({Role.SUPERVISOR}),  # the duty supervisor's signature (password re-entered)
    "slips.approve": frozenset({Role.MANAGER}),  # the manager's approval (stamp)
    "slips.settings": frozenset({Role.MANAGER, Role.ADMIN}),  # whether the manager's approval is needed
    # visitors (访客登记, issue 11): the desk's register; the gate guard sees none of it
    "visitors.view": DESK,  # on-site list, visitor log, a visitor's page, the unit page's panel
    "visitors.register": DESK,  # register, ask the owner, time in/out, no-show, void, end-of-shift sweep
    "visitors.export": DESK,  # the visitor log as .xlsx (phones masked)
    # parcels and mail (邮件包裹, issue 11)
    "parcels.view": DESK,  # waiting, overdue and all parcels, a parcel's page
    "parcels.handle": DESK,  # arrivals (one or a courier's batch), pick-ups, voiding a wrong entry
    "parcels.setup": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # reminder and return days
    # keys (issue 11): key custody 钥匙托管, owners' keys and public keys, kept at the front desk's key cabinet
    "keys.view": DESK,  # the key register, a key's page, overdue keys
    "keys.manage": DESK,  # deposit, register a public key, sign out/in, return to the owner, report lost
    "keys.export": DESK,  # the key register as .xlsx (phones and ID numbers masked)
    # ---- survey (issue 13 §6): the half-yearly satisfaction survey 满意度调查 ----
    "survey.view": DESK,  # the surveys, a survey's page and its results (page, PDF, .xlsx)
    "survey.record": DESK,  # record a room's answer set from a call, a visit or a paper form; correct it
    "survey.manage": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # create, questions, target, close
    # ---- notices (issue 12 §4): notices to residents 通知 / 通告 / 温馨提示
    "notices.view": DESK,  # the archive, a notice's page with its history and posting checklist, the PDF
    "notices.draft": DESK,  # draft from a template, edit a draft, submit, withdraw with the reason
    "notices.approve": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # approve (never one's own) or reject
    "notices.post": DESK,  # the posting checklist: posted / taken down at an entrance
    "notices.templates": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # the community's templates
    # ---- renovation (装修管理, issue 10) ----
    # the cashier sees applications to take the fees and the 装修押金 (``billing.collect`` on the deposit page)
    "renovation.view": STAFF,  # applications, permits, passes, extensions, additional works, rounds (read)
    "renovation.file": DESK,  # file applications, extensions, additional works; withdraw; issue the permit and passes
    "renovation.review": frozenset({Role.ENGINEER, Role.ADMIN}),  # 工程审核: comments, conditions, pass/return
    "renovation.approve": frozenset({Role.MANAGER, Role.ADMIN}),  # 经理审批
    # the daily round, violations and re-checks, proposing a deduction, asking for acceptance: the 管家 is the
    # clerk (seed 000: 巡楼, 装修管理); engineers inspect too; supervisors and managers follow up
    "renovation.inspect": frozenset({Role.CLERK, Role.ENGINEER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    "renovation.accept": frozenset({Role.ENGINEER, Role.ADMIN}),  # the final acceptance inspection (验收)
    "renovation.deduct": frozenset({Role.MANAGER, Role.ADMIN}),  # approve/reject deductions, void a violation
    "renovation.ledger": DESK | {Role.CASHIER},  # the deposit ledger: ask billing for the refund, close the case
    # The safety review of a hot-work permit (安全主管审核) is a role-based action, not a flag: the supervisor
    # (or the manager) reviews safety; the service requires a different person from the engineering reviewer,
    # the filer and the approving manager.
    "renovation.safety": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    "renovation.lifts": frozenset({Role.MANAGER, Role.ADMIN}),  # each building's lifts and staircases
    # the duty manager's approval of a fire-lift booking (当值管理员审批, seed 003 流程 12c)
    "renovation.duty_approve": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    # the queue of sites waiting for acceptance or for their deposit to settle (the engineer, the desk, the cashier)
    "renovation.queue": DESK | {Role.CASHIER, Role.ENGINEER},
    # ---- end renovation rounds ----
    # the manager's daily summary 前台日报 (issue 13): the page, its archive and PDFs; the freeze time
    "summary.view": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    "summary.settings": frozenset({Role.MANAGER, Role.ADMIN}),
    # weekly and monthly reports 周报/月报 from the frozen days (page, PDF, .xlsx)
    "reports.view": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
}


def has_perm(user, action: str) -> bool:
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.ACTIONS")
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_superuser:
        return True
    return user.role in ACTIONS[action]


def require(action: str):
    """View decorator: anonymous -> login page; wrong role -> 403. Records the action on the view."""
    if action not in ACTIONS:
        raise KeyError(f"Unknown action {action!r}: add it to core.permissions.ACTIONS")

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_perm(request.user, action):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapped.required_action = action
        return wrapped

    return decorator


def sees_all_communities(user) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)
