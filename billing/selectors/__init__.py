"""Billing reads: each area's selectors, scoped to the user's communities, with their joins decided here."""
