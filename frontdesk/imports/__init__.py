"""Bulk import of rooms, people and vehicles from .xlsx or .csv, by stage: ``columns`` (what each kind
of file holds), ``files`` (reading uploads), ``batches`` (stored uploads), ``rows`` (cells and
results), ``handlers`` (one per kind), ``pipeline`` (the run, the preview, the confirmation)."""
