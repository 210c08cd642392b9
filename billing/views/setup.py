"""Billing views: setup."""

urlpatterns = []
