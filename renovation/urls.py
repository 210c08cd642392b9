"""Each area's views module declares its own ``urlpatterns``; names are unique across the app."""

from .views import applications, verify

app_name = "renovation"
urlpatterns = [*applications.urlpatterns, *verify.urlpatterns]
