import uuid

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .accounts import user_set_language
from .exports import XLSX, exporter
from .forms import ExportStartForm, LanguageForm, submit_once
from .models import ExportJob, Notification
from .notifications import notification_mark_read
from .paging import paginate
from .permissions import has_perm, require, sees_all_communities
from .privacy import access_log_entries


@require("account")
def notification_list(request):
    qs = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    return render(request, "core/notification_list.html", {"page": paginate(request, qs, 30)})


@require("account")
@require_POST
def notification_read(request, pk=None):
    notification_mark_read(user=request.user, notification_id=pk)
    target = request.POST.get("next") or ""
    if pk is not None and not target:
        target = Notification.objects.filter(user=request.user, pk=pk).values_list("url", flat=True).first() or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else "core:notifications")


@require("account")
@require_POST
def set_language(request):
    form = LanguageForm(request.POST)
    if form.is_valid():
        user_set_language(user=request.user, language=form.cleaned_data["language"])
    target = request.POST.get("next") or "/"
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@require("privacy.access_log")
def access_log(request):
    """The personal-data access log: supervisors see their communities' entries, managers all."""
    return render(request, "core/access_log.html", {"page": paginate(request, access_log_entries(user=request.user), 50)})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = require("account")(PasswordChangeView.as_view())


# ---- background exports (core.exports) -----------------------------------------------------------------

def _own_job(request, pk) -> ExportJob:
    """The user's own export job, in communities the user still works in; anything else is a 404."""
    job = (ExportJob.objects.filter(pk=pk, user=request.user).defer("content").first()
           if isinstance(pk, uuid.UUID) else None)
    if job is None:
        raise Http404
    if not sees_all_communities(request.user):
        mine = set(request.user.communities.values_list("pk", flat=True))
        if not set(job.community_ids) <= mine:
            raise Http404
    return job


@require("account")
@require_POST
def export_start(request):
    """Start a background export of a list (the confirm page's button); a double-click starts one job."""
    from .services.exports import job_create

    form = ExportStartForm(request.POST)
    entry = exporter(form.cleaned_data["kind"]) if form.is_valid() else None
    if entry is None:
        messages.error(request, _("This export could not be started: go back to the list and export it again."))
        return redirect("home")
    if not has_perm(request.user, entry.action):
        return HttpResponse(status=403)

    def perform(data):
        from django.http import QueryDict

        export = entry.build(request.user, QueryDict(data["query"]))
        job = job_create(user=request.user, kind=entry.kind, query=data["query"], export=export,
                         rows_total=export.queryset.count())
        return reverse("core:export_detail", args=[job.pk])

    return submit_once(request, form, perform) or redirect("home")


@require("account")
def export_detail(request, pk):
    """The job's page: a progress bar polled every second while it runs, then the download link."""
    job = _own_job(request, pk)
    template = "core/exports/_progress.html" if request.htmx else "core/exports/detail.html"
    return render(request, template, {"job": job})


@require("account")
def export_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ExportJob.Status.DONE:
        raise Http404
    content = ExportJob.objects.filter(pk=job.pk).values_list("content", flat=True).first()
    if content is None:
        raise Http404
    from django.utils.http import content_disposition_header

    response = HttpResponse(bytes(content), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, job.filename)
    return response
