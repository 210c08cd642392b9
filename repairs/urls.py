"""Each area's views module declares its own ``urlpatterns``; names are unique across the app. The
ticket page's fixed paths (``tickets/<pk>/history/``) come before the desk's moves (``tickets/<pk>/<move>/``)."""

from .views import (
               board,
               callbacks,
               clocks,
               engineer,
               handoffs,
               home_services,
               intake,
               manage,
               moves,
               stats,
               tickets,
)

app_name = "repairs"
urlpatterns = [*board.urlpatterns, *intake.urlpatterns, *tickets.urlpatterns, *moves.urlpatterns,
               *manage.urlpatterns, *engineer.urlpatterns, *callbacks.urlpatterns, *clocks.urlpatterns,
               *stats.urlpatterns, *handoffs.urlpatterns, *home_services.urlpatterns]
