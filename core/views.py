from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .accounts import user_set_language
from .forms import LanguageForm
from .models import Notification
from .notifications import notification_mark_read
from .paging import paginate
from .permissions import require
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
