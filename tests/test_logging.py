"""Log lines carry time, level, logger and the request id; LOG_FORMAT=json gives one object a line."""

import io
import json
import logging
import logging.config
import re

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from safetybank.log import logging_config


@pytest.fixture
def log_stream():
    """Applies a LOGGING config and hands back what the console handler writes."""
    stream = io.StringIO()

    def _apply(fmt):
        logging.config.dictConfig(logging_config(level="INFO", fmt=fmt))
        for handler in logging.getLogger().handlers:
            handler.setStream(stream)
        return stream

    yield _apply
    logging.config.dictConfig(settings.LOGGING)


def _refused_request(client, org):
    client.force_login(org.officer)
    response = client.get(reverse("branches:staff_list"))
    assert response.status_code == 403
    return response


def test_every_line_of_a_request_has_time_level_logger_and_its_request_id(client, org, log_stream):
    stream = log_stream("text")
    response = _refused_request(client, org)
    request_id = response["X-Request-ID"]
    line = next(line for line in stream.getvalue().splitlines() if " refused " in line)
    assert re.match(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ WARNING safetybank\.access \[" + request_id + r"\] ", line)


def test_json_log_lines_are_objects_with_the_request_id(client, org, log_stream):
    stream = log_stream("json")
    response = _refused_request(client, org)
    records = [json.loads(line) for line in stream.getvalue().splitlines() if line.startswith("{")]
    refusal = next(r for r in records if r["name"] == "safetybank.access")
    assert refusal["level"] == "WARNING"
    assert refusal["request_id"] == response["X-Request-ID"]
    assert refusal["asctime"][:4].isdigit()


def test_a_proxy_request_id_is_kept_and_a_hostile_one_replaced(client, org):
    client.force_login(org.officer)
    kept = client.get(reverse("home"), headers={"X-Request-ID": "edge-42.a"})
    assert kept["X-Request-ID"] == "edge-42.a"
    replaced = client.get(reverse("home"), headers={"X-Request-ID": "bad id\nInjected: 1"})
    assert re.fullmatch(r"[0-9a-f]{32}", replaced["X-Request-ID"])


def test_unknown_log_format_fails_loudly():
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT must be 'text' or 'json'"):
        logging_config(level="INFO", fmt="xml")
