"""No English leaks into the Chinese UI: the zh_Hans catalogue covers every marked string, none fuzzy."""

import shutil

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

CATALOGUE = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Where marked strings live (tests, bench and scripts are not translated).
SOURCE_DIRS = ["config", "core", "frontdesk", "repairs", "billing", "renovation", "duty", "templates"]


def test_catalogue_translates_every_string_in_the_code(tmp_path, monkeypatch):
    # makemessages writes into every locale/ it finds under the working directory, so it runs on a
    # copy of the source: the committed catalogue is never touched by this test.
    source = tmp_path / "src"
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "vendor", "fonts")
    for name in SOURCE_DIRS:
        shutil.copytree(settings.BASE_DIR / name, source / name, ignore=skip)
    target = source / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    monkeypatch.chdir(source)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [source / "locale"])
    call_command("makemessages", locale=["zh_Hans"], no_location=True, verbosity=0)
    po = polib.pofile(str(target / "django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not untranslated, f"Untranslated in zh_Hans ({len(untranslated)}): {untranslated[:30]}"
    assert not fuzzy, f"Fuzzy in zh_Hans ({len(fuzzy)}): {fuzzy[:30]}"


def test_committed_catalogue_has_no_fuzzy_header_or_entries():
    po = polib.pofile(str(CATALOGUE))
    assert not po.metadata_is_fuzzy and not po.fuzzy_entries()
    assert po.percent_translated() == 100


@pytest.mark.parametrize("msgid", ["Log in", "Units", "Front-desk clerk",
                                   "The check digit is wrong: please check the number again."])
def test_compiled_catalogue_is_active(msgid):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) != msgid


def test_rooms_read_the_chinese_way(clerk_client, unit_a):
    html = clerk_client.get(reverse("frontdesk:unit_detail", args=[unit_a.pk])).content.decode()
    assert "3栋2单元1502" in html
