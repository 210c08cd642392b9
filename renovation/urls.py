"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import applications, verify

app_name = "renovation"
urlpatterns = [*applications.urlpatterns, *verify.urlpatterns]
"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import extensions, gate, passes, requests, works

app_name = "renovation"
urlpatterns = [
    # ---- passes, extensions, additional works ----
    *passes.urlpatterns, *gate.urlpatterns, *extensions.urlpatterns, *works.urlpatterns, *requests.urlpatterns,
    # ---- end passes, extensions, additional works ----
]
