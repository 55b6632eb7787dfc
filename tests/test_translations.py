"""Every user-facing string has its Simplified Chinese translation, and the pages use it."""

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def test_the_chinese_catalogue_is_complete():
    catalogue = polib.pofile(str(CATALOGUE))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue if "fuzzy" in entry.flags]
    assert missing == [] and fuzzy == []


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete or not entry.msgstr:
            continue
        for placeholder in ("%(", "{{"):
            names = sorted(part.split(")")[0] for part in entry.msgid.split(placeholder)[1:])
            translated = sorted(part.split(")")[0] for part in entry.msgstr.split(placeholder)[1:])
            assert names == translated, entry.msgid


@pytest.mark.django_db
def test_the_compiled_catalogue_is_in_use(client, people):
    with translation.override("zh-hans"):
        assert translation.gettext("My regions") != "My regions"
    client.force_login(people["official"])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("My regions") in page
