import pytest
from django.core.exceptions import ImproperlyConfigured

from safetybank.env import env_bool, env_database, env_int, env_list, env_str


@pytest.mark.parametrize("raw,expected", [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)])
def test_env_bool_reads_common_spellings(raw, expected):
    assert env_bool("X", default=not expected, environ={"X": raw}) is expected


def test_env_bool_refuses_a_typo():
    with pytest.raises(ImproperlyConfigured, match="X='ture' is not a boolean"):
        env_bool("X", default=False, environ={"X": "ture"})


def test_env_int_refuses_words_and_values_below_minimum():
    assert env_int("N", 5, environ={"N": "42"}) == 42
    assert env_int("N", 5, environ={}) == 5
    with pytest.raises(ImproperlyConfigured, match="not a whole number"):
        env_int("N", 5, environ={"N": "thirty"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 5, environ={"N": "0"}, minimum=1)


def test_env_list_splits_and_trims():
    assert env_list("H", [], environ={"H": "a.example, b.example,,"}) == ["a.example", "b.example"]


def test_env_str_required_and_file_variant(tmp_path):
    with pytest.raises(ImproperlyConfigured, match="SECRET is required"):
        env_str("SECRET", environ={})
    secret = tmp_path / "secret"
    secret.write_text("s3cr3t\n")
    assert env_str("SECRET", environ={"SECRET_FILE": str(secret)}) == "s3cr3t"
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        env_str("SECRET", environ={"SECRET_FILE": str(tmp_path / "missing")})


def test_env_database_parses_postgres_and_refuses_other_schemes():
    config = env_database("DB", {}, environ={"DB": "postgres://postgres@127.0.0.1:5432/safetybank"})
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "safetybank"
    assert config["HOST"] == "127.0.0.1"
    assert env_database("DB", {"ENGINE": "sqlite"}, environ={}) == {"ENGINE": "sqlite"}
    with pytest.raises(ImproperlyConfigured, match="postgres:// or sqlite"):
        env_database("DB", {}, environ={"DB": "mysql://root@localhost/db"})
