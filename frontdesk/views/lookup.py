"""The counter's lookup box."""

from django.shortcuts import redirect, render

from core.permissions import require
from frontdesk.models import Vehicle
from frontdesk.registry import unit_actions, unit_badges
from frontdesk.selectors.lookup import lookup as lookup_query


@require("frontdesk.view")
def lookup(request):
    q = request.GET.get("q", "")
    result = lookup_query(user=request.user, q=q)
    unit_badges(request, result["units"])
    context = {"result": result, "lookup_q": q, "unit_actions": unit_actions(request)}
    if request.htmx:
        return render(request, "frontdesk/partials/_lookup_results.html", context)
    total = len(result["units"]) + len(result["people"]) + len(result["vehicles"])
    if total == 1:  # one hit: go straight there, as the clerk would
        only = (result["units"] or result["people"] or result["vehicles"])[0]
        target = only.unit if isinstance(only, Vehicle) and only.unit_id else only
        if not isinstance(target, Vehicle):
            return redirect(target.get_absolute_url())
    return render(request, "frontdesk/lookup.html", context)
