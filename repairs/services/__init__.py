"""Every write of the repairs app. ``tickets`` holds intake and the one status writer; ``clocks`` the
deadlines; other modules (dispatch, work orders, callbacks) call ``tickets.ticket_set_status``."""
