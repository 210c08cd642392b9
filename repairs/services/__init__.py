"""Every write of the repairs app, one module per area: ``tickets`` (numbers and the one ticket status
writer), ``intake``, ``dispatch`` (the desk's moves), ``work`` (the engineer's), ``callbacks`` (with the
one callback status writer), ``clocks`` and ``escalation``, ``manage`` (settings), ``board`` (saved filters)."""
