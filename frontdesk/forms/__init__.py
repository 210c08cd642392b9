"""Frontdesk forms, one module per area."""
