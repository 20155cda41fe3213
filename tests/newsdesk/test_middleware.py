from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connection

from newsdesk.middleware import CONTENT_SECURITY_POLICY

# Any page that reads the database; this one needs no data to exist.
STORY_URL = "/stories/no-such-story/"


@pytest.mark.django_db
def test_every_response_forbids_scripts_from_anywhere_but_us(client):
    response = client.get("/healthz")
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY.split("script-src")[1].split(";")[0]


@contextmanager
def database_down() -> Iterator[None]:
    """Point the connection at a port where nothing listens: a real connection failure."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a server database to take away")
    original_port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "1"
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["PORT"] = original_port


@pytest.mark.django_db(transaction=True)
def test_pages_answer_503_with_a_friendly_page_while_the_database_is_down(client):
    with database_down():
        response = client.get(STORY_URL)

    assert response.status_code == 503
    assert b"We'll be right back" in response.content
    assert b"Traceback" not in response.content
    assert response["Retry-After"] == "30"


@pytest.mark.django_db(transaction=True)
def test_the_site_recovers_without_a_restart_when_the_database_is_back(client):
    with database_down():
        assert client.get(STORY_URL).status_code == 503

    # 404 = the view queried the database again and found no such story.
    assert client.get(STORY_URL).status_code == 404
