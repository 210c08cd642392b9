"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import arrears, close, collection, corrections, counter, deposits, meters, reminders, runs, setup

app_name = "billing"
urlpatterns = [*counter.urlpatterns, *corrections.urlpatterns, *setup.urlpatterns, *meters.urlpatterns,
               *runs.urlpatterns, *arrears.urlpatterns, *reminders.urlpatterns, *collection.urlpatterns,
               *close.urlpatterns, *deposits.urlpatterns]
