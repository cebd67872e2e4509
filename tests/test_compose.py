"""The production layout stays a valid compose file (no Docker engine runs here)."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent


def test_compose_file_describes_the_production_stack():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"migrate", "web", "worker", "worker-pdf", "beat", "postgres", "redis"}
    assert "gunicorn" in services["web"]["command"]
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]
    assert services["web"]["environment"]["DEBUG"] == "0"
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "fonts-noto-cjk" in dockerfile
    assert "libpango" in dockerfile


def test_everything_waits_for_the_one_shot_migrate_and_restarts_by_itself():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["migrate"]["restart"] == "no"
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}
    for name in ("web", "worker", "worker-pdf", "beat"):
        assert "migrate" not in services[name]["command"], name  # only the one-shot service migrates
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}, name
        assert services[name]["restart"] == "unless-stopped", name
    assert services["postgres"]["restart"] == services["redis"]["restart"] == "unless-stopped"


def test_exactly_one_beat_and_the_pdf_queue_has_its_own_worker():
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    assert [name for name, service in services.items() if " beat" in service.get("command", "")] == ["beat"]
    assert services["web"]["environment"]["CELERY_PDF_QUEUE"] == "pdf"
    assert "-Q pdf" in services["worker-pdf"]["command"]
    assert "-Q celery" in services["worker"]["command"]


def test_site_url_and_a_real_host_list_are_required():
    environment = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["web"]["environment"]
    assert environment["SITE_URL"].startswith("${SITE_URL:?")
    assert environment["ALLOWED_HOSTS"].startswith("${ALLOWED_HOSTS:?")


@pytest.mark.django_db
def test_the_health_probe_passes_the_tls_redirect_and_host_check_but_nothing_else_does(settings):
    from django.test import Client

    settings.ALLOWED_HOSTS = ["safety.example.cn"]
    settings.SECURE_SSL_REDIRECT = True
    client = Client()  # a fresh handler: the middleware reads these settings when it loads
    probe = client.get("/healthz", HTTP_HOST="127.0.0.1:8000")
    assert probe.status_code == 200
    assert probe.json()["status"] == "ok"
    assert client.head("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 200
    assert client.post("/healthz", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/healthz/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    assert client.get("/accounts/login/", HTTP_HOST="127.0.0.1:8000").status_code == 400
    redirected = client.get("/accounts/login/", HTTP_HOST="safety.example.cn")
    assert (redirected.status_code, redirected["Location"]) == (301, "https://safety.example.cn/accounts/login/")


def test_docker_compose_config_accepts_the_file():
    docker = shutil.which("docker")
    if not docker or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("the docker compose client is not installed on this machine")
    result = subprocess.run(
        [docker, "compose", "-f", str(ROOT / "docker-compose.yml"), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={
            "SECRET_KEY": "x" * 60,
            "ALLOWED_HOSTS": "safety.example.cn",
            "SITE_URL": "https://safety.example.cn",
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
    )
    assert result.returncode == 0, result.stderr
