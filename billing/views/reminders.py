"""Billing views: reminders."""

urlpatterns = []
