"""The desk's home page: "today" for the user's role."""

from django.shortcuts import render

from core.menu import home_shortcuts
from core.permissions import has_perm, require
from frontdesk.selectors.desk import recent_notifications
from frontdesk.selectors.today import summary_link, today_cards


@require("account")
def home(request):
    # the gate guard sees only their check pages (the shortcuts): no cards, no lookup hint
    return render(request, "core/home.html", {"desk": has_perm(request.user, "frontdesk.view"),
                                              "cards": today_cards(user=request.user),
                                              "summary_url": summary_link(request.user),
                                              "shortcuts": home_shortcuts(request.user),
                                              "recent": recent_notifications(user=request.user)})
