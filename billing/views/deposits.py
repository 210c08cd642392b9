"""Billing views: deposits."""

urlpatterns = []
