"""docker-compose.yml can't be started here (no Docker engine): check it agrees with settings."""

import re

import pytest
import yaml
from django.conf import settings
from django.urls import resolve

from tests.conftest import REPO_ROOT


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((REPO_ROOT / "docker-compose.yml").read_text())


def command_of(service: dict) -> str:
    command = service["command"]
    return " ".join(command) if isinstance(command, list) else command


def test_the_stack_has_the_six_services(compose):
    assert set(compose["services"]) == {"web", "worker", "beat", "postgres", "redis", "mailpit"}


def test_web_worker_and_beat_share_one_image(compose):
    images = {compose["services"][name]["image"] for name in ("web", "worker", "beat")}
    assert len(images) == 1


def test_each_service_runs_its_process(compose):
    services = compose["services"]
    assert "gunicorn newsdesk.wsgi:application" in command_of(services["web"])
    assert "celery -A newsdesk worker" in command_of(services["worker"])
    assert "celery -A newsdesk beat" in command_of(services["beat"])


def test_the_worker_consumes_every_queue_the_settings_route_to(compose):
    worker = command_of(compose["services"]["worker"])
    queues = set(re.search(r"-Q (\S+)", worker).group(1).split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert queues == set(settings.CELERY_QUEUE_NAMES)
    assert routed <= queues


def test_app_services_get_the_variables_settings_read_for_services_mode(compose):
    for name in ("web", "worker", "beat"):
        environment = compose["services"][name]["environment"]
        assert environment["DATABASE_URL"].startswith("postgres://")
        assert environment["DATABASE_URL"].endswith("@postgres:5432/newsdesk")
        assert environment["REDIS_URL"] == "redis://redis:6379/0"
        assert "DJANGO_SECRET_KEY" in environment


def test_database_credentials_match_the_postgres_service(compose):
    pg = compose["services"]["postgres"]["environment"]
    url = compose["services"]["web"]["environment"]["DATABASE_URL"]
    expected = (
        f"postgres://{pg['POSTGRES_USER']}:{pg['POSTGRES_PASSWORD']}@postgres:5432/"
        f"{pg['POSTGRES_DB']}"
    )
    assert url == expected


def test_services_have_health_checks_and_postgres_keeps_its_data(compose):
    services = compose["services"]
    for name in ("web", "worker", "postgres", "redis", "mailpit"):
        assert "healthcheck" in services[name], name
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert resolve("/healthz").url_name == "healthz"
    volume = services["postgres"]["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]


def test_app_services_wait_for_healthy_postgres_and_redis(compose):
    for name in ("web", "worker", "beat"):
        depends = compose["services"][name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_redis_keeps_its_queues_in_an_append_only_file_on_a_volume(compose):
    redis = compose["services"]["redis"]
    assert "--appendonly yes" in redis["command"]
    assert any(volume.endswith(":/data") for volume in redis["volumes"])
    assert redis["volumes"][0].split(":")[0] in compose["volumes"]


def test_app_services_send_their_mail_to_the_mail_catcher(compose):
    """Newsletters and account mail reach Mailpit's SMTP port, read on its web port."""
    mailpit = compose["services"]["mailpit"]
    assert "8025:8025" in mailpit["ports"]
    for name in ("web", "worker", "beat"):
        environment = compose["services"][name]["environment"]
        assert environment["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
        assert environment["EMAIL_HOST"] == "${EMAIL_HOST:-mailpit}"
        assert environment["EMAIL_PORT"] == "${EMAIL_PORT:-1025}"
        assert environment["EMAIL_USE_TLS"] == "${EMAIL_USE_TLS:-0}"
        assert compose["services"][name]["depends_on"]["mailpit"]["condition"] == "service_healthy"
