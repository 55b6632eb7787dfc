"""Every user-facing string has its Simplified Chinese translation, and the pages use it.

The catalogue must hold every translatable string of the code and templates (`makemessages` is run on a
copy of the project in a temporary folder and its strings compared), each translated and none fuzzy: a new
`_("…")` or `{% translate %}` without its Chinese fails here."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

BASE = Path(settings.BASE_DIR)
CATALOGUE = BASE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# Not part of the product's interface: the virtualenv, tests, benchmarks, vendored files, the catalogue.
NOT_SCANNED = (".venv", ".git", "node_modules", "tests", "bench", "locale", "staticfiles", "vendor", "artifacts",
               "*.sqlite3*", "__pycache__")


def entries(catalogue: polib.POFile) -> dict[tuple[str, str], polib.POEntry]:
    return {(entry.msgctxt or "", entry.msgid): entry for entry in catalogue if not entry.obsolete}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> polib.POFile:
    """The catalogue `makemessages` writes today for a copy of the project (the real one is untouched)."""
    copy = tmp_path_factory.mktemp("messages") / "project"
    shutil.copytree(BASE, copy, ignore=shutil.ignore_patterns(*NOT_SCANNED), symlinks=True)
    (copy / "locale").mkdir()
    subprocess.run([sys.executable, "manage.py", "makemessages", "--locale", "zh_Hans", "--no-location",
                    "--verbosity", "0"], cwd=copy, check=True, env={"DEBUG": "1", "PATH": "/usr/bin:/bin"},
                   capture_output=True)
    return polib.pofile(str(copy / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))


def test_every_translatable_string_is_in_the_catalogue(extracted):
    missing = sorted(set(entries(extracted)) - set(entries(polib.pofile(str(CATALOGUE)))))
    assert missing == [], "run `manage.py makemessages -l zh_Hans` and translate these"


def test_every_entry_is_translated_and_none_is_fuzzy():
    catalogue = entries(polib.pofile(str(CATALOGUE)))
    untranslated = [msgid for (_, msgid), entry in catalogue.items() if not entry.translated()]
    fuzzy = [msgid for (_, msgid), entry in catalogue.items() if "fuzzy" in entry.flags]
    assert (untranslated, fuzzy) == ([], [])


def test_plural_entries_have_every_form(extracted):
    catalogue = entries(polib.pofile(str(CATALOGUE)))
    for key, entry in entries(extracted).items():
        if entry.msgid_plural and key in catalogue:
            assert catalogue[key].msgid_plural == entry.msgid_plural, key
            assert catalogue[key].msgstr_plural.get(0), key


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(CATALOGUE)):
        if entry.obsolete:
            continue
        for translated in [entry.msgstr, *entry.msgstr_plural.values()]:
            if not translated:
                continue
            for placeholder in ("%(", "{{", "{"):
                names = sorted(part.split(")")[0].split("}")[0] for part in entry.msgid.split(placeholder)[1:])
                names_t = sorted(part.split(")")[0].split("}")[0] for part in translated.split(placeholder)[1:])
                assert names == names_t, entry.msgid


@pytest.mark.django_db
def test_the_compiled_catalogue_is_in_use(client, people):
    with translation.override("zh-hans"):
        assert translation.gettext("My regions") != "My regions"
    client.force_login(people["official"])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    with translation.override("zh-hans"):
        assert translation.gettext("My regions") in page
