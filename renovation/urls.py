"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

# ---- hotwork and lifts (R4) ----
from .views import hotwork, lifts

app_name = "renovation"
urlpatterns = [*hotwork.urlpatterns, *lifts.urlpatterns]
# ---- end hotwork and lifts (R4) ----
