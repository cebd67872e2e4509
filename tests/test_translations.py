"""The Chinese catalogue is complete: every message in the source has a zh-Hans text."""

import shutil
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
IGNORE = [".venv", "staticfiles", "var", "static", "tests", "bench", "docs"]


def test_zh_hans_catalogue_has_no_empty_or_fuzzy_message(settings, tmp_path, monkeypatch):
    # makemessages writes into every "locale" folder it finds, so it runs on a copy of the source
    # with a copy of the catalogue: the real one is never touched and every new message is seen.
    before = CATALOGUE.read_bytes()
    source = tmp_path / "src"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(*IGNORE, ".*", "__pycache__", "*.mo", "*.sqlite3", "node_modules"),
    )
    target = source / "locale" / "zh_Hans" / "LC_MESSAGES"
    assert (target / "django.po").exists()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["zh_Hans"], ignore_patterns=IGNORE, no_obsolete=True, verbosity=0)

    catalogue = polib.pofile(str(target / "django.po"))
    assert CATALOGUE.read_bytes() == before  # the real catalogue was not rewritten
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} messages have no Chinese text: {missing[:20]}"
    assert not fuzzy, f"fuzzy Chinese texts: {fuzzy[:20]}"
    assert len(catalogue) > 20


@pytest.mark.django_db
def test_english_is_available(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in" in response.content.decode()
