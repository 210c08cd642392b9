"""Every non-trivial read of the archive, one module per area, scoped to the user's communities."""
