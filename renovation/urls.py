"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import acceptance, applications, extensions, gate, hotwork, lifts, passes, requests, rounds, verify, works

app_name = "renovation"
urlpatterns = [
    *applications.urlpatterns, *verify.urlpatterns,
    *passes.urlpatterns, *gate.urlpatterns, *extensions.urlpatterns, *works.urlpatterns, *requests.urlpatterns,
    *rounds.urlpatterns, *acceptance.urlpatterns,
    *hotwork.urlpatterns, *lifts.urlpatterns,
]
