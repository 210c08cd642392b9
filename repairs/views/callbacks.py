"""Callbacks (回访) for the clerks: the list by due time (overdue first, a supervisor's overdue view),
a callback's page with its attempts, recording an attempt and the result."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.permissions import require

from ..forms.callbacks import AttemptForm, CallbackListForm, ResultForm
from ..selectors import callbacks as selectors
from ..services import callbacks as services


@require("repairs.callback")
@list_params(CallbackListForm)
def callback_list(request):
    filters = list_filters(request, CallbackListForm)
    show = filters["show"] or ""
    overdue_only = show == "overdue"
    now = timezone.now()
    rows = list(selectors.callback_list(user=request.user, show=show, now=now, due_by=filters["due_by"],
                                        done_on=filters["done_on"], community_ids=filters["community"]))
    return render(request, "repairs/callback_list.html", {
        "callbacks": rows, "now": now, "overdue_only": overdue_only, "show": show,
        "done_list": show in ("done", "dissatisfied", "escalated"), "done_on": filters["done_on"],
        "overdue_count": (sum(1 for c in rows if c.due_at < now) if not show else len(rows) if overdue_only
                          else None),
    })


def _detail(request, callback, attempt_form=None, result_form=None, status=200):
    from core import privacy

    return render(request, "repairs/callback_detail.html", {
        "callback": callback, "ticket": callback.ticket, "now": timezone.now(),
        "attempts": selectors.callback_attempts(callback),
        "attempt_form": attempt_form or AttemptForm(), "result_form": result_form or ResultForm(),
        "contact_phone": privacy.display(request.user, privacy.PHONE, callback.ticket.contact_phone),
    }, status=status)


@require("repairs.callback")
def callback_detail(request, pk):
    return _detail(request, selectors.callback_detail(user=request.user, pk=pk))


@require("repairs.callback")
def callback_attempt(request, pk):
    callback = selectors.callback_detail(user=request.user, pk=pk)
    form = AttemptForm(request.POST or None)

    def perform(data):
        services.callback_attempt_record(callback=callback, result=data["result"], note=data["note"],
                                         actor=request.user)
        messages.success(request, _("Attempt recorded."))
        return reverse("repairs:callback_detail", args=[callback.pk])

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _detail(request, callback, attempt_form=form)


@require("repairs.callback")
def callback_result(request, pk):
    callback = selectors.callback_detail(user=request.user, pk=pk)
    form = ResultForm(request.POST or None)

    def perform(data):
        done = services.callback_result_record(callback=callback, satisfaction=data["satisfaction"],
                                               comment=data["comment"], action=data["action"],
                                               reason=data["reason"], actor=request.user)
        messages.success(request, _("Callback of %(number)s recorded: %(outcome)s.")
                         % {"number": callback.ticket.number, "outcome": done.get_outcome_display()})
        return reverse("repairs:callback_list")

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return _detail(request, callback, result_form=form)


urlpatterns = [
    path("callbacks/", callback_list, name="callback_list"),
    path("callbacks/<int:pk>/", callback_detail, name="callback_detail"),
    path("callbacks/<int:pk>/attempt/", callback_attempt, name="callback_attempt"),
    path("callbacks/<int:pk>/result/", callback_result, name="callback_result"),
]
