from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.generic import RedirectView

from frontdesk.views.desk import home


class FaviconView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static_url("favicon.svg")  # resolved per request: the manifest exists only after collectstatic


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("frontdesk/", include("frontdesk.urls")),
    path("duty/", include("duty.urls")),
    path("repairs/", include("repairs.urls")),
    path("renovation/", include("renovation.urls")),
    path("billing/", include("billing.urls")),
    path("admin/", admin.site.urls),
    # browsers ask for /favicon.ico whatever the page says (PDFs, downloads)
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path("", home, name="home"),
    path("", include("core.urls")),
]
handler500 = "core.errorpages.server_error"  # a database outage answers 503 in Chinese (core/errorpages.py)

# Nothing serves MEDIA_ROOT: uploaded files go through scoped views (core/media.py), even with DEBUG on.
