"""Billing views: corrections."""

urlpatterns = []
