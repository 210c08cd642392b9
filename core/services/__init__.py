"""Core's writes that have a status (the export jobs); core's older writers predate this package
(``core.notifications`` for outbound messages)."""
