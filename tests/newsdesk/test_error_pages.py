"""The 404 and 500 pages look like the rest of the site and keep its navigation."""

import pytest
from django.test import Client
from django.views.defaults import server_error


@pytest.mark.django_db
def test_a_missing_page_is_a_styled_404_with_the_sites_navigation(client: Client) -> None:
    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert "<h1>Page not found</h1>" in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert 'href="/blindspot/"' in html
    assert "/static/css/site." in html


def test_the_500_page_renders_without_a_database_or_request_context(rf) -> None:
    # No django_db mark: any query would fail the test.
    response = server_error(rf.get("/"))

    html = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong on our side" in html
    assert '<nav class="site-nav" aria-label="Main">' in html
    assert 'href="/accounts/login/"' in html
