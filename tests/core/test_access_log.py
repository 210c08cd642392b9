"""The personal-data access log: a supervisor reads their own communities' entries, an administrator all.
Core lists the log; the community scoping is frontdesk's, registered through core.privacy."""

from django.urls import reverse

from core.models import Role, SensitiveDataAccess
from core.privacy import access_log_entries


def _entry(user, community, label):
    return SensitiveDataAccess.objects.create(user=user, community_id=community.pk, record_type="frontdesk.person",
                                              record_id=1, record_label=label, field="phone", reason="回访")


def test_supervisor_reads_only_their_communities(client, users, clerk_b, community_a, community_b):
    _entry(users[Role.CLERK], community_a, "甲小区的记录")
    _entry(clerk_b, community_b, "乙小区的记录")
    supervisor = users[Role.SUPERVISOR]
    assert [e.record_label for e in access_log_entries(user=supervisor)] == ["甲小区的记录"]
    client.force_login(supervisor)
    html = client.get(reverse("core:access_log")).content.decode()
    assert "甲小区的记录" in html and "乙小区的记录" not in html


def test_administrator_reads_every_community(users, clerk_b, community_a, community_b):
    _entry(users[Role.CLERK], community_a, "甲")
    _entry(clerk_b, community_b, "乙")
    assert {e.record_label for e in access_log_entries(user=users[Role.ADMIN])} == {"甲", "乙"}
