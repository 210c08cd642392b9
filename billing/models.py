"""Models of the billing app: see its issue. Depends on frontdesk (units, people), never the reverse."""
