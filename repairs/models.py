"""Models of the repairs app: see its issue. Depends on frontdesk (units, people), never the reverse."""
