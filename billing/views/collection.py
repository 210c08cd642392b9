"""Billing views: collection."""

urlpatterns = []
