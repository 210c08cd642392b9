"""The desk's home page."""

from django.shortcuts import render

from core.menu import home_shortcuts
from core.permissions import require
from frontdesk.selectors.desk import desk_summary, recent_notifications


@require("account")
def home(request):
    return render(request, "core/home.html", {"summary": desk_summary(user=request.user),
                                              "shortcuts": home_shortcuts(request.user),
                                              "recent": recent_notifications(user=request.user)})
