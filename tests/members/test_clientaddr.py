import pytest
from django.test import RequestFactory

from members.clientaddr import client_address, forwarded_client_address, limit_bucket

PEER = "10.0.0.2"


def client(forwarded_for: str, trusted_proxies: int, remote_addr: str = PEER) -> str:
    return forwarded_client_address(
        remote_addr=remote_addr, forwarded_for=forwarded_for, trusted_proxies=trusted_proxies
    )


def test_without_trusted_proxies_the_header_is_ignored():
    assert client("198.51.100.7", 0) == PEER


def test_behind_one_proxy_the_rightmost_entry_is_the_client():
    assert client("198.51.100.7", 1) == "198.51.100.7"


def test_entries_a_client_wrote_itself_on_the_left_are_ignored():
    assert client("1.2.3.4, 5.6.7.8, 198.51.100.7", 1) == "198.51.100.7"


def test_behind_two_proxies_the_second_entry_from_the_right_is_the_client():
    assert client("1.2.3.4, 198.51.100.7, 10.0.0.9", 2) == "198.51.100.7"


def test_empty_entries_from_the_client_do_not_shift_the_count():
    assert client("1.2.3.4,, 198.51.100.7", 1) == "198.51.100.7"


@pytest.mark.parametrize("forwarded_for", ["", "198.51.100.7"])
def test_fewer_entries_than_proxies_falls_back_to_the_peer(forwarded_for):
    assert client(forwarded_for, 2) == PEER


def test_an_entry_that_is_not_an_address_falls_back_to_the_peer():
    assert client("unknown", 1) == PEER


@pytest.mark.parametrize(
    ("entry", "address"),
    [("198.51.100.7:4431", "198.51.100.7"), ("[2001:db8::1]:443", "2001:db8::1")],
)
def test_a_port_after_the_address_is_dropped(entry, address):
    assert client(entry, 1) == address


def test_the_setting_decides_for_a_request(settings):
    request = RequestFactory().get("/", REMOTE_ADDR=PEER, HTTP_X_FORWARDED_FOR="198.51.100.7")

    settings.NEWSDESK_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == PEER
    settings.NEWSDESK_TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "198.51.100.7"


def test_ipv6_addresses_are_limited_per_64_network():
    assert limit_bucket("2001:db8:1:2::5") == limit_bucket("2001:db8:1:2:ffff::9")
    assert limit_bucket("2001:db8:1:2::5") != limit_bucket("2001:db8:1:3::5")


def test_ipv4_addresses_are_limited_one_by_one():
    assert limit_bucket("198.51.100.7") != limit_bucket("198.51.100.8")
    assert limit_bucket("::ffff:198.51.100.7") == limit_bucket("198.51.100.7")
