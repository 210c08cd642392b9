"""The duty app's one plug into the others, called from ``DutyConfig.ready()``. Duty adds nothing to the
unit page, the lookup or the move-out checks; it registers its demo data loader (after frontdesk's)."""


def register() -> None:
    from core.demo import register_demo_loader

    from . import demo

    register_demo_loader(50, "duty", demo.load)
