"""The one settings module in its two modes, and production's deploy checks."""

import os
import subprocess
import sys

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from tests.conftest import REPO_ROOT

SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DJANGO_SECRET_KEY",
    "DJANGO_HTTPS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
)


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def clean_environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    return {**env, **extra}


def test_embedded_default_boots_and_serves_with_no_environment(tmp_path):
    env = clean_environment(SQLITE_PATH=str(tmp_path / "embedded.sqlite3"))
    migrate = run_manage("migrate", "--noinput", env=env)
    assert migrate.returncode == 0, migrate.stderr

    probe = (
        "from django.conf import settings;"
        "from django.test import Client;"
        "r = Client().get('/healthz', HTTP_HOST='127.0.0.1');"
        "print(settings.DATABASES['default']['ENGINE'], settings.CELERY_TASK_ALWAYS_EAGER,"
        " settings.CACHES['default']['BACKEND'].rsplit('.', 1)[1], r.status_code, r.json())"
    )
    result = run_manage("shell", "--no-imports", "-c", probe, env=env)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:4] == [
        "django.db.backends.sqlite3",
        "True",
        "LocMemCache",
        "200",
    ]
    assert "'broker': 'in-process'" in result.stdout


def test_services_mode_refuses_to_start_without_a_secret_key():
    env = clean_environment(DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres")
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_is_off_unless_asked_for():
    assert settings.DEBUG is False


@pytest.mark.django_db
def test_services_mode_uses_the_real_postgresql():
    if not settings.DATABASE_URL:
        pytest.skip("DATABASE_URL is not set")
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        (version,) = cursor.fetchone()
    assert connection.vendor == "postgresql"
    assert version.startswith("PostgreSQL")


def test_services_mode_caches_in_the_real_redis():
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set")
    cache.set("settings-test-key", "stored", timeout=30)
    raw = redis.Redis.from_url(settings.REDIS_URL)
    assert any(raw.scan_iter(match="*settings-test-key*"))
    assert cache.get("settings-test-key") == "stored"
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def test_production_settings_pass_the_deploy_checks():
    env = clean_environment(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/postgres",
        REDIS_URL="redis://127.0.0.1:6379/15",
        DJANGO_SECRET_KEY="a-production-like-secret-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="news.example.org",
    )
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_celery_is_json_only_and_survives_lost_workers():
    assert settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert settings.CELERY_TASK_SERIALIZER == "json"
    assert settings.CELERY_TASK_ACKS_LATE is True
    assert settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert settings.CELERY_TASK_SOFT_TIME_LIMIT < settings.CELERY_TASK_TIME_LIMIT
    assert (
        settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > settings.CELERY_TASK_TIME_LIMIT
    )


def test_each_kind_of_work_has_its_own_queue():
    from newsdesk.celery import app

    router = app.amqp.router
    queue_of = {
        name: router.route({}, name)["queue"].name
        for name in (
            "ingestion.tasks.feed_fetch",
            "ingestion.tasks.article_extract",
            "stories.tasks.article_cluster",
        )
    }
    assert queue_of == {
        "ingestion.tasks.feed_fetch": "feeds",
        "ingestion.tasks.article_extract": "articles",
        "stories.tasks.article_cluster": "clustering",
    }
