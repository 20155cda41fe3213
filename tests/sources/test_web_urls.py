"""One answer to "is this a web address we may keep or link to?" for every caller."""

import pytest

from sources.domains import is_web_url


@pytest.mark.parametrize(
    "url",
    ["https://news.example/a/1?x=1#y", "http://news.example/a", "HTTPS://News.Example/a"],
)
def test_absolute_http_and_https_urls_are_web_urls(url):
    assert is_web_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//evil.example/path",
        "/admin/",
        "ftp://files.example/a",
        "https://",
        "https:///evil.example",
        "https://news.example/a b",
        "https://news.example/\r\nSet-Cookie: x=1",
        "\thttps://news.example/",
        "http://[bad/x",
        "http://news.example:99999/a",
        "",
        None,
    ],
)
def test_anything_else_is_refused(url):
    assert not is_web_url(url)
