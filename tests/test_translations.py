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
    target = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    target.mkdir(parents=True)
    shutil.copy(CATALOGUE, target / "django.po")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(ROOT)
    call_command("makemessages", locale=["zh_Hans"], ignore_patterns=IGNORE, no_obsolete=True, verbosity=0)

    catalogue = polib.pofile(str(target / "django.po"))
    missing = [entry.msgid for entry in catalogue if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"{len(missing)} messages have no Chinese text: {missing[:20]}"
    assert not fuzzy, f"fuzzy Chinese texts: {fuzzy[:20]}"
    assert len(catalogue) > 20


@pytest.mark.django_db
def test_english_is_available(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Sign in" in response.content.decode()
