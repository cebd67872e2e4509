"""Small typed readers for settings taken from the environment.

Each reader fails loudly with ImproperlyConfigured on a value it cannot parse,
so a typo in a deployment never silently becomes a default. A ``NAME_FILE``
variable, where set, is read instead of ``NAME`` (for secrets mounted as files).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def _raw(name: str, environ=None) -> str | None:
    environ = os.environ if environ is None else environ
    file_name = environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return environ.get(name)


def env_str(name: str, default=_UNSET, environ=None) -> str:
    value = _raw(name, environ)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    return value


def env_bool(name: str, default: bool, environ=None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean; use 1/0, true/false, yes/no or on/off.")


def env_int(name: str, default: int, environ=None, minimum: int | None = None) -> int:
    value = _raw(name, environ)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name}={value!r} is not a whole number.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} must be at least {minimum}.")
    return number


def env_list(name: str, default: list[str], environ=None) -> list[str]:
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_database(name: str, default: dict, environ=None) -> dict:
    """Parse a ``postgres://`` or ``sqlite:///`` URL into a DATABASES entry."""
    value = _raw(name, environ)
    if not value:
        return default
    if not value.startswith(("postgres://", "postgresql://", "sqlite:")):
        raise ImproperlyConfigured(f"{name} must be a postgres:// or sqlite:/// URL, not {value.split(':')[0]!r}.")
    import environ as django_environ

    try:
        config = django_environ.Env.db_url_config(value)
    except Exception as exc:  # the library raises several types for a malformed URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from exc
    if config["ENGINE"].endswith("postgresql"):
        config["ENGINE"] = "django.db.backends.postgresql"
        config.setdefault("CONN_MAX_AGE", 60)
        # A connection kept open is checked before a request reuses it: after PostgreSQL restarts (or drops
        # connections), the next request reconnects instead of failing (tests/test_stack.py).
        config.setdefault("CONN_HEALTH_CHECKS", True)
    return config
