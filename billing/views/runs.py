"""Billing views: runs."""

urlpatterns = []
