"""Billing views: counter."""

urlpatterns = []
