"""Keeping the uploaded workbook between the dry run and the confirmation."""

from __future__ import annotations

import datetime
import io
import re
import secrets
import time
from pathlib import Path

from django.conf import settings

STASH_DIR = "imports"
STASH_MAX_AGE = datetime.timedelta(days=1)

# ---------------------------------------------------------------------------
# Keeping the uploaded file between the dry run and the confirmation
# ---------------------------------------------------------------------------


def _stash_dir(user) -> Path:
    return Path(settings.MEDIA_ROOT) / STASH_DIR / str(user.pk)


def stash_upload(*, user, file) -> str:
    """Keep an uploaded workbook for its owner; returns a random token naming it."""
    folder = _stash_dir(user)
    folder.mkdir(parents=True, exist_ok=True)
    cutoff = time.time() - STASH_MAX_AGE.total_seconds()
    for old in folder.glob("*.xlsx"):  # forgotten dry runs
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_hex(16)
    file.seek(0)
    with open(folder / f"{token}.xlsx", "wb") as out:
        for chunk in file.chunks() if hasattr(file, "chunks") else [file.read()]:
            out.write(chunk)
    return token


def stashed_file(*, user, token: str) -> io.BytesIO | None:
    """The workbook stashed under ``token`` by this user, or None (another user's token finds nothing)."""
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        return None
    path = _stash_dir(user) / f"{token}.xlsx"
    if not path.is_file():
        return None
    return io.BytesIO(path.read_bytes())


def discard_stash(*, user, token: str) -> None:
    if re.fullmatch(r"[0-9a-f]{32}", token or ""):
        (_stash_dir(user) / f"{token}.xlsx").unlink(missing_ok=True)
