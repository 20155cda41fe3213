"""What a fetch raises: one :class:`FetchError` subclass per kind of failure."""

from __future__ import annotations


class FetchError(Exception):
    """A request that did not produce a usable response. ``str(error)`` is readable."""

    permanent: bool = True
    kind: str = "fetch"

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after


class BlockedAddressError(FetchError):
    kind = "blocked_address"


class UnsupportedSchemeError(FetchError):
    kind = "unsupported_scheme"


class TooManyRedirectsError(FetchError):
    kind = "too_many_redirects"


class BodyTooLargeError(FetchError):
    kind = "too_large"


class DecodingError(FetchError):
    kind = "bad_encoding"


class RobotsDisallowedError(FetchError):
    kind = "robots"


class HostBusyError(FetchError):
    permanent = False
    kind = "host_busy"


class TimeoutFetchError(FetchError):
    permanent = False
    kind = "timeout"


class ConnectionFetchError(FetchError):
    permanent = False
    kind = "connection"


class HTTPStatusError(FetchError):
    kind = "http_status"

    def __init__(
        self, message: str, *, status: int | None = None, retry_after: str | None = None
    ) -> None:
        super().__init__(message, status=status, retry_after=retry_after)
        # Rate limiting and server errors pass; 4xx (gone, forbidden, not found) does not.
        self.permanent = not (status == 429 or (status is not None and status >= 500))
