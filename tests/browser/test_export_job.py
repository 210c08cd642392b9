"""Issue 14 §5 in a real browser: a large people export runs as a background job on a real Celery worker; the
page polls its progress (htmx, no inline script) and then offers the download, which opens as the same rows."""

import io
import re
import uuid
from unittest import mock

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from core.models import ExportJob
from tests.factories import OccupancyFactory, PersonFactory

pytestmark = pytest.mark.django_db(transaction=True)

QUEUE = f"test-browser-exports-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def desk_clerk(clerk):
    clerk.language = "en"  # English source strings (the Chinese catalogue is filled in later)
    clerk.save(update_fields=["language"])
    return clerk


def test_a_large_export_shows_progress_and_downloads(page, live_server, login, desk_clerk, community_a, settings):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app
    from core.tasks import export_run

    settings.EXPORT_TASK_THRESHOLD = 5
    for i in range(30):
        OccupancyFactory(unit__entrance__building__community=community_a,
                         person=PersonFactory(community=community_a, name=f"住户{i:02d}"))
    login(page, desk_clerk)
    page.goto(f"{live_server.url}/frontdesk/people/")
    page.get_by_role("link", name="Export to Excel").click()
    expect(page.locator("main")).to_contain_text("This export has 30 rows")
    with (mock.patch("core.tasks.export_run.delay",
                     side_effect=lambda pk: export_run.apply_async(args=[pk], queue=QUEUE)),
          start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10, queues=[QUEUE])):
        page.get_by_role("button", name="Prepare the export").click()
        page.wait_for_url(re.compile(r"/exports/[0-9a-f-]{36}/$"))
        expect(page.locator("progress#export-bar")).to_have_count(1)
        link = page.get_by_role("link", name=re.compile("Download"))
        expect(link).to_be_visible(timeout=30_000)  # appears by polling, without reloading the page
    job = ExportJob.objects.get()
    assert job.status == "done" and job.rows_done == 30
    expect(page.locator("progress#export-bar")).to_have_attribute("value", "30")
    with page.expect_download() as download:
        link.click()
    path = download.value.path()
    rows = list(load_workbook(io.BytesIO(path.read_bytes()), read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 31 and {r[1] for r in rows[1:]} == {f"住户{i:02d}" for i in range(30)}
