"""What billing adds to other apps' pages: the unit page's billing panel and the lookup's "pay" action
(``frontdesk.extensions``), and the demo-data loader (``core.demo``)."""


def register():
    """Called from ``BillingConfig.ready()``."""
