"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import handover, log, review, roster

app_name = "duty"
urlpatterns = [*roster.urlpatterns, *log.urlpatterns, *handover.urlpatterns, *review.urlpatterns]
