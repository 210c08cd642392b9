from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .forms import LanguageForm
from .models import Notification, SensitiveDataAccess
from .notifications import notification_mark_read
from .permissions import require, sees_all_communities
from frontdesk.scoping import community_ids


@require("account")
def notification_list(request):
    qs = Notification.objects.filter(user=request.user)
    if request.GET.get("unread"):
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


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
        request.user.language = form.cleaned_data["language"]
        request.user.save(update_fields=["language"])
    target = request.POST.get("next") or "/"
    return redirect(target if target.startswith("/") and not target.startswith("//") else "/")


@require("privacy.access_log")
def access_log(request):
    qs = SensitiveDataAccess.objects.select_related("user")
    if not sees_all_communities(request.user):
        qs = qs.filter(community_id__in=community_ids(request.user))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "core/access_log.html", {"page": page})


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "registration/password_change_form.html"
    success_url = reverse_lazy("home")

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


password_change = require("account")(PasswordChangeView.as_view())
