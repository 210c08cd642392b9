from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_read, name="notifications_read_all"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("account/language/", views.set_language, name="set_language"),
    path("account/password/", views.password_change, name="password_change"),
    path("privacy/access-log/", views.access_log, name="access_log"),
    path("exports/new/", views.export_start, name="export_start"),
    path("exports/<uuid:pk>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:pk>/download/", views.export_download, name="export_download"),
]
