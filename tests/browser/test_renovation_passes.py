"""Issue 10 §2–3 in the browser: on an active renovation (made with the factory), the clerk registers two
workers (photo and ID copy uploaded), the cashier takes their deposit and card fee through billing, the
clerk issues the cards against the lead's signature and prints them (the PDF has the Chinese font and the
numbers); the guard's check page says valid; an extension is filed, reviewed by the engineer and approved
by the manager; the old cards then say revoked at the gate and the re-issued ones valid."""

import pytest

from core.models import Role
from tests.browser.renovation_flow import passes_to_extension
from tests.renovation.helpers import active_renovation

pytestmark = pytest.mark.django_db(transaction=True)


def test_passes_issued_paid_printed_checked_and_reissued_by_an_extension(page, live_server, login, users, unit_a):
    renovation = active_renovation(unit_a, users[Role.CLERK])
    reissued = passes_to_extension(page, live_server, login, users, renovation)
    assert len(reissued) == 2
