"""Models of the renovation app: see its issue. Depends on frontdesk (units, people), never the reverse."""
