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
"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

# ---- rounds, acceptance, ledger (R3) ----
from .views import acceptance as acceptance_views
from .views import rounds as rounds_views

# ---- end rounds, acceptance, ledger (R3) ----

app_name = "renovation"
urlpatterns = [
    # ---- rounds, acceptance, ledger (R3) ----
    *rounds_views.urlpatterns, *acceptance_views.urlpatterns,
    # ---- end rounds, acceptance, ledger (R3) ----
]
"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

# ---- hotwork and lifts (R4) ----
from .views import hotwork, lifts

app_name = "renovation"
urlpatterns = [*hotwork.urlpatterns, *lifts.urlpatterns]
# ---- end hotwork and lifts (R4) ----
