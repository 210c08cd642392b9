"""Shared helpers of the renovation rounds/acceptance/ledger tests: an active site with its deposit paid."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import Role
from renovation.demo import active_renovation
from tests.factories import OccupancyFactory


def png(name="site.png", size=(8, 8), color=(200, 30, 30)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def active_site(community, users, *, deposit="2000.00", **kwargs):
    """An owner-occupied room of ``community`` with a renovation under way (permit issued, deposit paid at the
    counter through billing's interface)."""
    unit = OccupancyFactory(unit__entrance__building__community=community).unit
    return active_renovation(unit=unit, actor=users[Role.CLERK], cashier=users[Role.CASHIER], deposit=deposit,
                             **kwargs)
