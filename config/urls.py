from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from frontdesk.views import home

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("frontdesk/", include("frontdesk.urls")),
    path("duty/", include("duty.urls")),
    path("repairs/", include("repairs.urls")),
    path("billing/", include("billing.urls")),
    path("admin/", admin.site.urls),
    path("", home, name="home"),
    path("", include("core.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
