"""The notice demo data: every state appears, loaded through the services (and a second run adds nothing)."""

import io

from frontdesk import demo
from frontdesk.models import Notice, NoticePosting, NoticeSms


def test_the_demo_has_a_notice_in_every_state(db):
    out = io.StringIO()
    demo.load(out)
    demo.load_notices(out)
    statuses = set(Notice.objects.values_list("status", flat=True))
    assert statuses == set(Notice.Status.values)
    assert NoticePosting.objects.filter(posted_at__isnull=False, taken_down_at__isnull=True).exists()
    assert NoticeSms.objects.exists()
    count = Notice.objects.count()
    demo.load_notices(out)
    assert Notice.objects.count() == count
