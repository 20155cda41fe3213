"""CSRF on every form and every POST URL; production cookie, HSTS and redirect settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib import admin
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from members.models import ApiToken
from tests.conftest import REPO_ROOT, database_url_for_current_test_db
from tests.members.factories import ReadEventFactory, StaffFactory, UserFactory

TEMPLATES = REPO_ROOT / "templates"
POST_FORM = re.compile(r"<form\b[^>]*\bmethod=\"post\"[^>]*>(.*?)</form>", re.I | re.S)
TOKEN_INPUT = re.compile(r"<input[^>]+name=\"csrfmiddlewaretoken\"", re.I)


def post_forms(html: str) -> list[str]:
    return POST_FORM.findall(html)


# --- every POST form in the templates carries the token ------------------------------------


def templates_with_post_forms() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*.html") if post_forms(p.read_text()))


@pytest.mark.parametrize(
    "template", templates_with_post_forms(), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_every_post_form_in_a_template_has_a_csrf_token(template: Path):
    forms = post_forms(template.read_text())

    assert all("{% csrf_token %}" in form for form in forms)


@pytest.fixture
def member(db):
    return UserFactory()


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


def _rendered_post_forms(client: Client, path: str) -> list[str]:
    response = client.get(path)
    assert response.status_code == 200, path
    return post_forms(response.content.decode())


@pytest.mark.parametrize(
    "name",
    ["login", "signup", "password_reset", "upgrade"],
)
def test_anonymous_pages_with_forms_render_a_csrf_token_in_each(db, name):
    forms = _rendered_post_forms(Client(), reverse(name))

    assert forms
    assert all(TOKEN_INPUT.search(form) for form in forms)


@pytest.mark.parametrize("name", ["profile", "password_change", "reading_history"])
def test_member_pages_with_forms_render_a_csrf_token_in_each(member, member_client, name):
    ReadEventFactory(user=member)

    forms = _rendered_post_forms(member_client, reverse(name))

    assert forms
    assert all(TOKEN_INPUT.search(form) for form in forms)


def test_the_password_reset_confirm_form_renders_a_csrf_token(member):
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    token = default_token_generator.make_token(member)
    # The first GET swaps the token for a session value and redirects to the form.
    response = client.get(
        reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}), follow=True
    )

    forms = post_forms(response.content.decode())
    assert forms
    assert all(TOKEN_INPUT.search(form) for form in forms)


# --- and the middleware refuses every POST that lacks it ------------------------------------


def member_post_urls(member) -> list[str]:
    token = ApiToken.objects.create(user=member, name="t", digest="0" * 64)
    event = ReadEventFactory(user=member)
    uid = urlsafe_base64_encode(force_bytes(member.pk))
    return [
        reverse("login"),
        reverse("logout"),
        reverse("signup"),
        reverse("profile"),
        reverse("password_change"),
        reverse("password_reset"),
        reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": "set-password"}),
        reverse("email_confirm", kwargs={"claim": "a-signed-claim"}),
        reverse("api_token_create"),
        reverse("api_token_revoke", kwargs={"token_id": token.pk}),
        reverse("reading_history_delete_all"),
        reverse("reading_history_delete", kwargs={"event_id": event.pk}),
        reverse("upgrade"),
    ]


def test_every_member_post_url_refuses_a_post_without_a_csrf_token(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)

    statuses = {
        url: client.post(url, {"name": "x"}).status_code for url in member_post_urls(member)
    }

    assert statuses == dict.fromkeys(statuses, 403)


def test_every_admin_form_refuses_a_post_without_a_csrf_token(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(StaffFactory())
    urls = [reverse("admin:login"), reverse("admin:logout"), reverse("admin:password_change")]
    urls.append(reverse("admin:sources_source_import_ratings"))
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))

    statuses = {url: client.post(url, {"action": "delete_selected"}).status_code for url in urls}

    assert statuses == dict.fromkeys(statuses, 403)


def test_a_post_with_the_csrf_token_is_accepted(member):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    client.get(reverse("profile"))  # sets the CSRF cookie
    token = client.cookies["csrftoken"].value

    response = client.post(reverse("api_token_create"), {"name": "x", "csrfmiddlewaretoken": token})

    assert response.status_code != 403


# --- production settings ------------------------------------------------------------------


def production_env() -> dict[str, str]:
    """Services mode as deployed: no DJANGO_HTTPS, DEBUG or HSTS override in the environment."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "INGESTION_")) and k not in ("DATABASE_URL", "REDIS_URL")
    }
    env.update(
        DATABASE_URL=database_url_for_current_test_db(),
        REDIS_URL=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/5"),
        DJANGO_SECRET_KEY="production-like-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="news.example.org",
    )
    return env


def manage(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.django_db
def test_production_settings_make_cookies_secure_and_turn_on_hsts_and_the_https_redirect():
    names = (
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    )
    script = "from django.conf import settings; " + "; ".join(
        f"print({name!r}, getattr(settings, {name!r}))" for name in names
    )

    result = manage("shell", "--no-imports", "-c", script)

    assert result.returncode == 0, result.stderr
    values = dict(line.split(" ", 1) for line in result.stdout.splitlines() if " " in line)
    assert values == {
        "SESSION_COOKIE_SECURE": "True",
        "CSRF_COOKIE_SECURE": "True",
        "SECURE_HSTS_SECONDS": "31536000",
        "SECURE_SSL_REDIRECT": "True",
        "SESSION_COOKIE_HTTPONLY": "True",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "True",
    }


@pytest.mark.django_db
def test_the_deployment_checklist_is_clean_in_production():
    result = manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr + result.stdout
