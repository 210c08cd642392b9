"""Frontdesk views, one module per area (``urls.py`` names them)."""
