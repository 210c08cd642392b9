"""The desk's home page."""

from django.shortcuts import render

from core.menu import home_shortcuts
from core.permissions import has_perm, require
from frontdesk.selectors.desk import desk_summary, recent_notifications


@require("account")
def home(request):
    # the gate guard sees only their check pages (the shortcuts), not the archive's figures
    summary = desk_summary(user=request.user) if has_perm(request.user, "frontdesk.view") else None
    return render(request, "core/home.html", {"summary": summary,
                                              "shortcuts": home_shortcuts(request.user),
                                              "recent": recent_notifications(user=request.user)})
