"""The embedded app's tests fetch through the same loopback server as the ingestion tests, and
send mail to the same loopback SMTP server as the newsletter tests."""

from tests.ingestion.conftest import make_feed, server, test_server
from tests.newsletters.conftest import smtp

__all__ = ["make_feed", "server", "smtp", "test_server"]
