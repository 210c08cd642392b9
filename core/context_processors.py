from .notifications import unread_count
from .permissions import has_perm


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "unread_notifications": unread_count(user),
        "can": {action.replace(".", "_"): has_perm(user, action) for action in (
            "frontdesk.edit", "frontdesk.import", "frontdesk.export", "frontdesk.structure",
            "privacy.access_log", "duty.view", "duty.log", "duty.roster", "duty.approve_roster", "duty.review",
            "repairs.view", "repairs.intake", "repairs.work", "repairs.callback", "repairs.manage", "repairs.stats",
            "billing.view", "billing.collect", "billing.approve", "billing.meter", "billing.run", "billing.setup",
            "billing.stats",
        )},
    }
