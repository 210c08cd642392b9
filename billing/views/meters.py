"""Billing views: meters."""

urlpatterns = []
