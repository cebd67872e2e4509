"""Messages stored as codes with parameters, rendered in the reader's language.

A notification, a timeline entry or a generated text is stored as the message id of a
lazy translatable string (``gettext_lazy`` / ``pgettext_lazy``) plus its parameters, not
as a sentence: whoever reads it later gets it in their own language, whatever the language
of the person whose action produced it. A parameter that is itself a lazy string (a
grade, a status, an escalation level) is stored as its code too and translated when read.

    code = encode(gettext_lazy("Hidden danger %(code)s is yours by %(date)s"))
    params = encode_params({"code": hazard.code, "date": deadline, "grade": hazard.get_grade_display()})
    render(code, params)   # in the active language

A plain ``str`` (text a person typed, or an old row) is kept as it is and never translated.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext

# A code is {"t": msgid} or {"t": msgid, "c": context}; a plain text is {"s": text}.
Code = dict


def encode(text) -> Code:
    """The storable form of ``text``: the message id of a lazy string, or the text itself."""
    if isinstance(text, Promise):
        args = getattr(text, "_args", ())
        if len(args) == 1 and isinstance(args[0], str):
            return {"t": args[0]}
        if len(args) == 2 and all(isinstance(arg, str) for arg in args):
            return {"t": args[1], "c": args[0]}
    if isinstance(text, dict) and ("t" in text or "s" in text):
        return text  # already a code
    return {"s": str(text)}


def _encode_value(value):
    if isinstance(value, Promise):
        return encode(value)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int | float | bool) or value is None:
        return value
    if isinstance(value, dict):
        return encode(value)
    return str(value)


def encode_params(params: dict | None) -> dict:
    """JSON-safe parameters: lazy strings become codes, dates ISO text, anything else text."""
    return {str(key): _encode_value(value) for key, value in (params or {}).items()}


def _translate(code) -> str:
    if isinstance(code, dict):
        if "t" in code:
            return pgettext(code["c"], code["t"]) if code.get("c") else gettext(code["t"])
        return str(code.get("s", ""))
    return "" if code is None else str(code)


def render(code, params: dict | None = None) -> str:
    """``code`` with ``params`` filled in, in the active language. A broken placeholder never raises:
    the sentence is shown without its parameters rather than a 500."""
    text = _translate(code)
    if not params or not isinstance(code, dict) or "t" not in code:
        return text
    values = {key: _translate(value) if isinstance(value, dict) else value for key, value in params.items()}
    try:
        return text % values
    except (KeyError, TypeError, ValueError):
        return text


def digest(*parts) -> str:
    """A short stable fingerprint of codes and parameters: identical messages have the same one."""
    raw = json.dumps(parts, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()[:16]
