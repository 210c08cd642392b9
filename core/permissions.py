"""The one permission helper. Every view names an action; this table says which roles may do it.

Community scoping is separate and just as strict: every object a view touches comes from a
queryset filtered by ``scope()``, so an object of a foreign community is a 404, never a 403.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from .models import Role

ALL_STAFF = frozenset(Role.values)
DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})

# action -> roles allowed. Add the action here when you add a view.
ACTIONS: dict[str, frozenset[str]] = {
    "account": ALL_STAFF,  # own notifications, password, language
    "frontdesk.view": ALL_STAFF,  # lookup, unit and person pages, lists
    "frontdesk.edit": DESK,  # create/edit archive records, move-in/out, authorisations
    "frontdesk.import": DESK,
    "frontdesk.export": DESK | {Role.CASHIER},
    "frontdesk.structure": frozenset({Role.MANAGER, Role.ADMIN}),  # buildings, entrances, units
    "privacy.full_phone": DESK,  # phones shown in full without asking
    "privacy.reveal_phone": DESK | {Role.ENGINEER},  # reveal a masked phone, logged
    "privacy.reveal_id": DESK,  # reveal an ID number, logged
    "privacy.access_log": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),
    # duty (值班): the log is confidential to front-desk staff (003 4.2.4)
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
    # fees (收费)
    "billing.view": DESK | {Role.CASHIER},  # a unit's bills and payments, receipts, arrears, notices, deposits
    "billing.collect": frozenset({Role.CASHIER, Role.ADMIN}),  # take payments and deposits, ask for corrections, close the day
    "billing.approve": frozenset({Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # approve voids, waivers, refunds
    "billing.meter": frozenset({Role.CLERK, Role.CASHIER, Role.ENGINEER, Role.SUPERVISOR, Role.ADMIN}),  # 抄表
    "billing.run": frozenset({Role.CASHIER, Role.MANAGER, Role.ADMIN}),  # bill runs, payment and dunning notices
    "billing.setup": frozenset({Role.MANAGER, Role.ADMIN}),  # fee items, rates, reminder policy
    "billing.stats": frozenset({Role.CASHIER, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN}),  # collection rate, closes
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


def community_ids(user) -> list[int]:
    """Ids of the communities the user works in (cached on the user object for the request)."""
    cached = getattr(user, "_community_ids", None)
    if cached is None:
        from django.apps import apps

        Community = apps.get_model("frontdesk", "Community")
        qs = Community.objects.all() if sees_all_communities(user) else Community.objects.filter(staff=user)
        cached = list(qs.order_by("id").values_list("id", flat=True))
        user._community_ids = cached
    return cached


def scope(queryset, user, field: str = "community"):
    """Limit ``queryset`` to the user's communities through ``field`` (a path to the community id)."""
    if not (user and user.is_authenticated):
        return queryset.none()
    if sees_all_communities(user):
        return queryset
    from django.apps import apps

    # A subquery, not a list: scoping costs no extra round trip.
    memberships = apps.get_model("frontdesk", "Community").staff.through.objects.filter(user_id=user.pk)
    return queryset.filter(**{f"{field}__in": memberships.values("community_id")})


def communities_in_view(request) -> tuple[list, str, list[int]]:
    """For reports over "all my communities or one": (the user's communities by name, the chosen pk as
    given in ``?community=`` or "" for all, the ids to report on). An id not among the user's means all."""
    from django.apps import apps

    Community = apps.get_model("frontdesk", "Community")
    communities = list(scope(Community.objects.order_by("name"), request.user, field="pk"))
    chosen = request.GET.get("community", "")
    if chosen.isdigit() and any(c.pk == int(chosen) for c in communities):
        return communities, chosen, [int(chosen)]
    return communities, "", [c.pk for c in communities]


def community_in_view(request) -> tuple:
    """For pages about one community (settings, fee items): (the chosen one — ``?community=`` or the
    form's ``community_pk``, else the first by name —, the user's communities). None of them: 404."""
    from django.apps import apps
    from django.http import Http404

    Community = apps.get_model("frontdesk", "Community")
    communities = list(Community.objects.filter(pk__in=community_ids(request.user)).order_by("name"))
    if not communities:
        raise Http404
    wanted = request.GET.get("community") or request.POST.get("community_pk")
    chosen = next((c for c in communities if str(c.pk) == str(wanted)), communities[0])
    return chosen, communities
