"""The counter's registers in the handover: every registered source's lines are snapshotted when the
outgoing clerk starts, shown on the page, and the lines to confirm (keys out) are confirmed by the
incoming clerk — or noted as found otherwise — before the handover completes."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.models import Role
from duty.models import DutyLogEntry, Handover, HandoverRegisterLine
from duty.services.handover import handover_accept, handover_sign_outgoing, handover_start
from frontdesk import registry
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def clerk2(make_user, community_a):
    return make_user(role=Role.CLERK, communities=[community_a], username="clerk2_a")


@pytest.fixture
def sources(community_a):
    """Two test registers: visitors on site (read only) and keys out (to confirm); lines per community."""
    seen = []

    def visitors(community):
        seen.append(community)
        return [registry.HandoverLine("3-2-1502 访客 张** 09:12 进入", "/visitors/1/")] if community == community_a else []

    def keys(community):
        return [registry.HandoverLine("K-012 1-1-101 借出 王师傅"), registry.HandoverLine("K-013 机房 借出 李工")]

    registry.register_handover_source(registry.HandoverSource("t_visitors", "访客在场", visitors, order=1))
    registry.register_handover_source(registry.HandoverSource("t_keys", "钥匙借出", keys, confirm=True, order=2))
    yield seen
    registry.unregister_handover_source("t_visitors")
    registry.unregister_handover_source("t_keys")


def _signed(community, clerk, clerk2):
    handover = handover_start(community=community, incoming=clerk2, actor=clerk)
    handover_sign_outgoing(handover=handover, password=PASSWORD, actor=clerk)
    return handover


def test_start_snapshots_every_source_in_order(community_a, clerk, clerk2, sources):
    handover = handover_start(community=community_a, incoming=clerk2, actor=clerk)
    lines = list(handover.register_lines.values_list("label", "text", "url", "confirm_required"))
    assert lines == [("访客在场", "3-2-1502 访客 张** 09:12 进入", "/visitors/1/", False),
                     ("钥匙借出", "K-012 1-1-101 借出 王师傅", "", True),
                     ("钥匙借出", "K-013 机房 借出 李工", "", True)]
    assert sources == [community_a]


def test_keys_out_must_be_confirmed_or_noted(community_a, clerk, clerk2, sources):
    handover = _signed(community_a, clerk, clerk2)
    k1, k2 = handover.register_lines.filter(confirm_required=True)
    with pytest.raises(Exception) as refused:
        handover_accept(handover=handover, counts={}, taken={}, read_up_to=0, password=PASSWORD, actor=clerk2,
                        confirmed={k1.pk: (True, "")})
    assert f"confirm_{k2.pk}" in refused.value.message_dict
    handover_accept(handover=handover, counts={}, taken={}, read_up_to=0, password=PASSWORD, actor=clerk2,
                    confirmed={k1.pk: (True, ""), k2.pk: (False, "钥匙已归还但未登记")})
    k1.refresh_from_db()
    k2.refresh_from_db()
    assert k1.confirmed and not k2.confirmed and k2.note == "钥匙已归还但未登记"
    log = DutyLogEntry.objects.get(kind=DutyLogEntry.Kind.HANDOVER).content
    assert "1 of 2" in log and "钥匙已归还但未登记" in log


def test_pages_show_the_registers_and_confirm_them(client, community_a, clerk, clerk2, sources):
    handover = _signed(community_a, clerk, clerk2)
    client.force_login(clerk2)
    url = reverse("duty:handover_detail", args=[handover.pk])
    html = client.get(url).content.decode()
    assert "访客在场" in html and 'href="/visitors/1/"' in html and "K-013 机房" in html
    k1, k2 = HandoverRegisterLine.objects.filter(confirm_required=True)
    data = {"read_up_to": 0, "password": PASSWORD, f"confirm_{k1.pk}": "on", f"cnote_{k2.pk}": ""}
    response = client.post(reverse("duty:handover_accept", args=[handover.pk]), data)
    assert response.status_code == 200 and f"confirm_{k2.pk}" in response.context["accept_form"].errors
    assert 'checked' in response.content.decode()  # the tick already given is kept
    data[f"confirm_{k2.pk}"] = "on"
    assert client.post(reverse("duty:handover_accept", args=[handover.pk]), data).status_code == 302
    handover.refresh_from_db()
    assert handover.status == Handover.Status.COMPLETED
    assert HandoverRegisterLine.objects.filter(confirmed=True).count() == 2
    html = client.get(url).content.decode()  # in the clerk's own language
    assert "confirmed" in html or "已核对" in html
    pdf = client.get(reverse("duty:handover_pdf", args=[handover.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_without_sources_the_page_says_nothing_is_open(client, community_a, clerk, clerk2):
    handover = handover_start(community=community_a, incoming=clerk2, actor=clerk)
    client.force_login(clerk2)
    html = client.get(reverse("duty:handover_detail", args=[handover.pk])).content.decode()
    assert "Nothing open in the counter" in html or "前台登记簿中没有未了事项" in html
