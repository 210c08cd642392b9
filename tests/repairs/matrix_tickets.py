"""Access matrix rows of intake, the board, the ticket page, the desk's moves and the settings."""

from core.models import Role
from repairs.models import Category, Team
from repairs.services import intake, manage

DESK = frozenset({Role.CLERK, Role.SUPERVISOR, Role.MANAGER, Role.ADMIN})
VIEW = DESK | {Role.ENGINEER}
MANAGE = frozenset({Role.MANAGER, Role.ADMIN})


ENTRIES = {
    "repairs:board": (None, VIEW, "get", False),
    "repairs:board_filter_save": (None, VIEW, "post", False),
    # A saved filter is the user's own: anyone else's (or a missing one) is left alone, with a redirect.
    "repairs:board_filter_delete": (lambda o: {"pk": 999999999}, VIEW, "post", False),
    "repairs:bulk_dispatch": (None, DESK, "post", False),
    "repairs:ticket_create": (None, DESK, "get", False),
    "repairs:ticket_detail": (lambda o: {"pk": o["intake_ticket"].pk}, VIEW, "get", True),
    "repairs:ticket_history": (lambda o: {"pk": o["intake_ticket"].pk}, VIEW, "get", True),
    "repairs:ticket_photo": (lambda o: {"pk": o["intake_photo"].pk}, VIEW, "get", True),
    "repairs:ticket_move": (lambda o: {"pk": o["intake_ticket"].pk, "move": "cancel"}, DESK, "get", True),
    "repairs:manage": (None, MANAGE, "get", False),
    "repairs:manage_categories_default": (None, MANAGE, "post", False),
    "repairs:manage_category_create": (None, MANAGE, "get", False),
    "repairs:manage_category_edit": (lambda o: {"pk": o["intake_category"].pk}, MANAGE, "get", True),
    "repairs:manage_team_create": (None, MANAGE, "get", False),
    "repairs:manage_team_edit": (lambda o: {"pk": o["intake_team"].pk}, MANAGE, "get", True),
    "repairs:manage_clocks": (None, MANAGE, "get", False),
}


def objects(community, users):
    from tests.factories import BuildingFactory, EntranceFactory, UnitFactory

    manage.categories_ensure(community=community)
    category = Category.objects.filter(community=community).first()
    # "T9": a name the factory's sequence never produces (the other matrix modules build theirs too)
    unit = UnitFactory(entrance=EntranceFactory(building=BuildingFactory(community=community, name="T9"), name="1"),
                       number="901")
    ticket = intake.ticket_create(community=community, kind="repair", channel="phone", unit=unit, contact_name="张三",
                                  contact_phone="13800000000", category=category, description="水管漏水",
                                  urgency="normal", actor=users[Role.CLERK], photos=[_photo()])
    team = Team.objects.create(community=community, name="工程部")
    return {"intake_ticket": ticket, "intake_category": category, "intake_team": team,
            "intake_photo": ticket.photos.get()}


def _photo():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile("matrix.png", buf.getvalue(), content_type="image/png")
