"""Every write of the duty app, one module per area: roster, log, handover, review (the daily sign-off), spotcheck."""
