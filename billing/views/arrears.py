"""Billing views: arrears."""

urlpatterns = []
