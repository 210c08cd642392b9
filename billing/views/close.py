"""Billing views: close."""

urlpatterns = []
