from sources.domains import candidate_domains, host_of, registered_domain


def test_host_of_drops_scheme_port_and_www():
    assert host_of("https://WWW.BBC.co.uk:443/news") == "bbc.co.uk"


def test_host_of_accepts_a_bare_host():
    assert host_of("feeds.bbci.co.uk") == "feeds.bbci.co.uk"


def test_registered_domain_knows_multi_label_suffixes():
    assert registered_domain("https://feeds.bbci.co.uk/news/rss.xml") == "bbci.co.uk"


def test_candidates_go_from_the_host_up_to_the_registered_domain():
    assert candidate_domains("https://abcnews.go.com/US") == ["abcnews.go.com", "go.com"]


def test_an_empty_url_has_no_candidates():
    assert candidate_domains("") == []
