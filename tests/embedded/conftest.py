"""The embedded app's tests fetch through the same loopback server as the ingestion tests."""

from tests.ingestion.conftest import make_feed, server, test_server

__all__ = ["make_feed", "server", "test_server"]
