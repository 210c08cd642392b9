"""The manager's daily summary 前台日报: the page (a day, one community or all of the user's), the archive of
frozen days with each day's PDF, and the community's freeze time."""

import datetime

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.forms import list_filters, list_params, submit_once
from core.paging import paginate
from core.pdf import pdf_response
from core.permissions import require
from frontdesk import documents
from frontdesk.forms.summary import ArchiveFilterForm, SummaryFilterForm, SummarySettingsForm
from frontdesk.scoping import choose_community, communities_of
from frontdesk.selectors import summary as selectors
from frontdesk.services import summary as services

ARCHIVE_PAGE = 31


@list_params(SummaryFilterForm)
@require("summary.view")
def summary(request):
    filters = list_filters(request, SummaryFilterForm)
    choice = choose_community(request, all_allowed=True)
    today = timezone.localdate()
    day = filters["day"] or today
    data = selectors.summary_for(choice.ids, day, user=request.user) if choice.ids else None
    return render(request, "frontdesk/summary/summary.html", {
        "choice": choice, "day": day, "today": today, "summary": data,
        "previous_day": day - datetime.timedelta(days=1),
        "next_day": day + datetime.timedelta(days=1) if day < today else None,
        "pdf_community": choice.community or (choice.communities[0] if len(choice.communities) == 1 else None),
    })


@list_params(ArchiveFilterForm)
@require("summary.view")
def summary_archive(request):
    filters = list_filters(request, ArchiveFilterForm)
    choice = choose_community(request, all_allowed=True)
    page = paginate(request, selectors.archive_days(choice.ids, month=filters["month"]), ARCHIVE_PAGE)
    return render(request, "frontdesk/summary/archive.html", {"choice": choice, "page": page, "filters": filters})


@require("summary.view")
def summary_pdf(request, community, year, month, day):
    community = get_object_or_404(communities_of(request.user), pk=community)
    try:
        on = datetime.date(year, month, day)
    except (ValueError, OverflowError):
        raise Http404 from None
    if not selectors.is_frozen(community.pk, on):
        raise Http404
    pdf, filename = documents.daily_summary(community=community, day=on, user=request.user, request=request)
    return pdf_response(pdf, filename)


@require("summary.settings")
def summary_settings(request):
    choice = choose_community(request, remember=True)
    form = SummarySettingsForm(request.POST or None, initial={"freeze_at": selectors.freeze_at_for(choice.community)})

    def perform(data):
        services.summary_settings_save(actor=request.user, community=choice.community, freeze_at=data["freeze_at"])
        messages.success(request, _("Saved."))
        return reverse("frontdesk:summary_settings") + f"?community={choice.community.pk}"

    if request.method == "POST" and (response := submit_once(request, form, perform)):
        return response
    return render(request, "frontdesk/summary/settings.html", {"form": form, "choice": choice})
