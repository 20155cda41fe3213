"""Canonical URLs: one spelling per article."""

from ingestion.canonical import accept_rel_canonical, canonicalize_url


def test_tracking_parameters_and_fragment_are_dropped_and_others_kept_in_order():
    url = "HTTPS://www.Example.com:443/a/b?z=1&utm_source=x&a=2&gclid=y&fbclid=z#frag"

    assert canonicalize_url(url) == "https://www.example.com/a/b?z=1&a=2"


def test_a_non_default_port_is_kept():
    assert canonicalize_url("http://example.com:8080/x") == "http://example.com:8080/x"


def test_non_web_schemes_are_refused():
    assert canonicalize_url("javascript:alert(1)") is None
    assert canonicalize_url("ftp://example.com/x") is None


def test_urls_with_credentials_are_refused():
    assert canonicalize_url("https://user:pw@example.com/x") is None


def test_a_rel_canonical_on_the_same_site_is_adopted():
    current = "https://www.example.com/story?id=1"

    assert (
        accept_rel_canonical(current, "https://example.com/news/story-1?utm_medium=x")
        == "https://example.com/news/story-1"
    )


def test_a_rel_canonical_on_another_site_is_ignored():
    assert accept_rel_canonical("https://example.com/a", "https://other.org/a") is None


def test_a_rel_canonical_pointing_at_the_home_page_is_ignored():
    assert accept_rel_canonical("https://example.com/a", "https://example.com/") is None
