"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import callbacks, clocks, engineer, stats, tickets

app_name = "repairs"
urlpatterns = [*tickets.urlpatterns, *engineer.urlpatterns, *callbacks.urlpatterns, *clocks.urlpatterns,
               *stats.urlpatterns]
