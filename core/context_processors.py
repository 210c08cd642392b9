import functools

from .menu import menu_for
from .notifications import unread_count
from .permissions import ACTIONS, has_perm


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        # computed only where a template shows it (the base page), not for every htmx partial (the lookup)
        "menu": functools.partial(menu_for, user),
        # ``can.repairs_intake`` …: every action of the permission table, for templates that show a button
        "can": {action.replace(".", "_"): has_perm(user, action) for action in ACTIONS},
    }
