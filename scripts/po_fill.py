#!/usr/bin/env python
"""Fill Chinese texts into the catalogue: reads a JSON object {msgid: msgstr} on stdin.

Only the entries named are touched; a fuzzy flag on them is cleared. Prints the
msgids still empty afterwards, so a developer sees what is left to translate.
Usage: .venv/bin/python scripts/po_fill.py < my-strings.json   (after `make messages`)
A msgid with a context (``pgettext("verb", "Open")``, ``{% translate "Open" context "verb" %}``) is
keyed as context + U+0004 + msgid, the way gettext stores it: {"verb\u0004Open": "查看"}.
"""

import json
import subprocess
import sys
from pathlib import Path

import polib

CATALOGUE = Path(__file__).resolve().parent.parent / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def main() -> int:
    texts = json.load(sys.stdin)
    po = polib.pofile(str(CATALOGUE))
    for entry in po:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if key in texts:
            value = texts[key]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: value}
            else:
                entry.msgstr = value
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
                # Drop every "#|" line of the old text, or compilemessages refuses the catalogue.
                entry.previous_msgid = None
                entry.previous_msgid_plural = None
                entry.previous_msgctxt = None
    po.save(str(CATALOGUE))
    # Re-wrap the way makemessages (msgmerge) does, so the two tools never fight over line breaks.
    subprocess.run(["msgcat", "--output-file", str(CATALOGUE), str(CATALOGUE)], check=True)  # noqa: S603, S607
    left = [e.msgid for e in po if not e.obsolete and (not e.translated())]
    for msgid in left:
        print(json.dumps(msgid, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
