"""Models of the duty app: see its issue. Depends on frontdesk (units, people), never the reverse."""
