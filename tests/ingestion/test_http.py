"""The outgoing-HTTP module against a real loopback server: limits, redirects, addresses."""

import ipaddress
import shutil
import ssl
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.cache import cache
from django.test import override_settings

from ingestion import http


def test_a_plain_feed_is_fetched_with_our_user_agent(server):
    result = http.fetch(server.url("/small.xml"))

    assert result.status == 200
    assert b"<rss" in result.body
    assert server.requests[-1][1]["User-Agent"] == http.USER_AGENT


def test_a_gzip_encoded_page_is_decoded(server, shared_data):
    page_id = next((shared_data / "pages" / "aeb" / "html").iterdir()).name.removesuffix(".html.gz")

    result = http.fetch(server.url(f"/pages/aeb/html/{page_id}.html"))

    assert result.body.lstrip().lower().startswith((b"<!doctype", b"<html", b"<!--"))


def test_matching_etag_gives_not_modified_without_a_body(server):
    first = http.fetch(server.url("/conditional.xml"))

    second = http.fetch(server.url("/conditional.xml"), etag=first.headers["etag"])

    assert second.not_modified
    assert second.body == b""


def test_a_declared_100_mb_body_is_refused_before_reading(server):
    with pytest.raises(http.BodyTooLargeError):
        http.fetch(server.url("/hostile/huge.xml"))


def test_an_undeclared_100_mb_body_is_cut_off_at_the_cap_while_streaming(server):
    with pytest.raises(http.BodyTooLargeError):
        http.fetch(server.url("/hostile/huge-undeclared.xml"))


def test_a_gzip_bomb_is_cut_off_at_the_cap(server):
    with pytest.raises(http.BodyTooLargeError, match="decompressed"):
        http.fetch(server.url("/hostile/gzip-bomb.xml"))


def test_a_slow_loris_server_hits_the_total_time_limit(server):
    with pytest.raises(http.TimeoutFetchError) as caught:
        http.fetch(server.url("/hostile/slow.xml"))

    assert not caught.value.permanent


def test_a_redirect_loop_is_refused(server):
    with pytest.raises(http.TooManyRedirectsError, match="loop"):
        http.fetch(server.url("/hostile/loop-a"))


def test_more_than_five_redirects_are_refused(server):
    with pytest.raises(http.TooManyRedirectsError, match="more than 5"):
        http.fetch(server.url("/hostile/chain/0"))


def test_five_redirects_are_followed(server):
    with pytest.raises(http.TooManyRedirectsError):
        http.fetch(server.url("/hostile/chain/0"))
    # Six requests: the first and five redirects, each checked; the sixth redirect is refused.
    assert server.hits("/hostile/chain/5") == 1
    assert server.hits("/hostile/chain/6") == 0


def test_a_redirect_to_another_loopback_port_is_refused(server):
    with pytest.raises(http.BlockedAddressError, match="loopback"):
        http.fetch(server.url("/hostile/to-loopback"))


def test_a_redirect_to_the_metadata_address_is_refused(server):
    with pytest.raises(http.BlockedAddressError, match="metadata"):
        http.fetch(server.url("/hostile/to-metadata"))


def test_a_redirect_to_a_decimal_spelling_of_loopback_is_refused(server):
    with pytest.raises(http.BlockedAddressError, match=r"127\.0\.0\.1"):
        http.fetch(server.url("/hostile/to-decimal-ip"))


def test_a_redirect_to_ipv6_loopback_is_refused(server):
    with pytest.raises(http.BlockedAddressError, match="::1"):
        http.fetch(server.url("/hostile/to-ipv6-loopback"))


def test_a_redirect_to_a_file_url_is_refused(server):
    with pytest.raises(http.UnsupportedSchemeError):
        http.fetch(server.url("/hostile/to-file"))


def test_loopback_is_refused_when_not_allowed(test_server):
    with override_settings(INGESTION_ALLOW_LOOPBACK=False), pytest.raises(http.BlockedAddressError):
        http.fetch(test_server.url("/small.xml"))


def test_a_429_is_transient_and_carries_retry_after(server):
    with pytest.raises(http.HTTPStatusError) as caught:
        http.fetch(server.url("/status/429"))

    assert not caught.value.permanent
    assert caught.value.retry_after == "7200"


def test_a_404_is_permanent(server):
    with pytest.raises(http.HTTPStatusError) as caught:
        http.fetch(server.url("/status/404"))

    assert caught.value.permanent


def test_robots_txt_disallowing_a_path_stops_page_fetches(server):
    with pytest.raises(http.RobotsDisallowedError):
        http.fetch(server.url("/private/aeb/html/x.html"), respect_robots=True)

    assert server.hits("/private/aeb/html/x.html") == 0


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1",
        "172.16.5.4",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "0.0.0.0",
        "224.0.0.1",
        "fe80::1",
        "fc00::1",
        "fd00:ec2::254",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "2002:7f00:1::",
        "64:ff9b::a9fe:a9fe",
        "ff02::1",
    ],
)
def test_non_public_addresses_are_refused(address):
    assert http.address_refusal(ipaddress.ip_address(address), 80) is not None


def test_public_addresses_are_allowed():
    assert http.address_refusal(ipaddress.ip_address("93.184.216.34"), 443) is None


def test_a_host_override_sends_an_outlet_domain_and_its_subdomains_to_the_replay_server(server):
    with override_settings(INGESTION_HOST_OVERRIDES={"news.example.org": server.host_port}):
        result = http.fetch("https://www.news.example.org/small.xml")

    assert result.status == 200
    assert server.requests[-1][1]["Host"].startswith("www.news.example.org")


def test_a_host_override_to_a_private_address_is_still_refused(server):
    with (
        override_settings(INGESTION_HOST_OVERRIDES={"news.example.org": "10.1.2.3:80"}),
        pytest.raises(http.BlockedAddressError),
    ):
        http.fetch("http://news.example.org/small.xml")


@pytest.mark.parametrize(
    "url",
    [
        "http://0177.0.0.1:9/",  # octal
        "http://0x7f.0.0.1:9/",  # hexadecimal
        "http://2130706433:9/",  # one decimal number
        "http://127.1:9/",  # short form
        "http://localhost:9/",  # a name that resolves to loopback
        "http://[::ffff:127.0.0.1]:9/",  # IPv4-mapped IPv6
        "http://[::1]:9/",
        "http://0.0.0.0:9/",
    ],
)
def test_odd_spellings_of_loopback_are_refused_before_connecting(server, url):
    with pytest.raises(http.BlockedAddressError):
        http.fetch(url)


def test_a_host_whose_slots_are_all_held_by_other_workers_is_busy_and_retried(server):
    keys = [
        f"ingestion:host-slot:127.0.0.1:{n}" for n in range(http.MAX_CONCURRENT_REQUESTS_PER_HOST)
    ]
    for key in keys:
        cache.set(key, 1, timeout=60)
    try:
        with (
            override_settings(INGESTION_HOST_SLOT_WAIT_SECONDS=0.2),
            pytest.raises(http.HostBusyError) as caught,
        ):
            http.fetch(server.url("/small.xml"))
    finally:
        cache.delete_many(keys)

    assert not caught.value.permanent
    assert server.hits("/small.xml") == 0


def test_a_request_releases_its_host_slot(server):
    http.fetch(server.url("/small.xml"))

    assert cache.get("ingestion:host-slot:127.0.0.1:0") is None


class _QuietTLSServer(HTTPServer):
    def handle_error(self, request, client_address) -> None:  # the refused handshake
        return None


@pytest.fixture
def untrusted_tls_server(tmp_path) -> Iterator[str]:
    """An HTTPS server on 127.0.0.1 with a self-signed certificate; yields "127.0.0.1:port"."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    server = _QuietTLSServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_certificate_nobody_vouches_for_is_refused_on_every_request(untrusted_tls_server):
    """The TLS context is built once per process; it must keep verifying for every request."""
    with override_settings(
        INGESTION_ALLOW_LOOPBACK={untrusted_tls_server}, INGESTION_HOST_DELAY_SECONDS=0
    ):
        for _ in range(2):
            with pytest.raises(http.ConnectionFetchError, match="CERTIFICATE_VERIFY_FAILED"):
                http.fetch(f"https://{untrusted_tls_server}/feed.xml")


def test_serve_hosts_from_routes_an_outlet_to_a_local_server_only_inside_the_block(test_server):
    url = "http://news.outlet.example/small.xml"

    with http.serve_hosts_from(test_server.host_port, ["outlet.example"]):
        assert b"<rss" in http.fetch(url, total_timeout_seconds=3).body
        # Only the routed address is allowed: another loopback port stays refused.
        with pytest.raises(http.BlockedAddressError):
            http.fetch("http://127.0.0.1:9/feed.xml", total_timeout_seconds=3)

    with pytest.raises(http.FetchError) as outside:
        http.fetch(f"http://{test_server.host_port}/small.xml", total_timeout_seconds=3)
    assert isinstance(outside.value, http.BlockedAddressError)
