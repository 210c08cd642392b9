"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import appraisal, handover, log, review, roster, spotcheck

app_name = "duty"
urlpatterns = [*roster.urlpatterns, *log.urlpatterns, *handover.urlpatterns, *review.urlpatterns,
               *spotcheck.urlpatterns, *appraisal.urlpatterns]
