"""Site-wide request and response policies: query strings without NUL bytes,
Content-Security-Policy, and a friendly page when the DB is down."""

import logging
from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

# Only our own scripts run: chart data reaches JavaScript through json_script (inert JSON), never
# inline code, so a feed that smuggles markup into a title cannot execute anything.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        # Style attributes (bar widths) are allowed; style cannot run code in current browsers.
        "style-src 'self' 'unsafe-inline'",
        # Pictures are fetched by ingestion and served from our own media: a page never makes a
        # reader's browser call an outlet or its image host (no hot-linking, no tracking).
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


class RejectNulQueryMiddleware:
    """Answer 400 to a query string holding a NUL byte (``%00``), in a name or a value.

    PostgreSQL cannot store or compare text with NUL, so such a value would fail in whatever
    query a view builds from it; no page or API parameter means anything with one.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any("\x00" in text for key, values in request.GET.lists() for text in (key, *values)):
            raise BadRequest("NUL byte in the query string")
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class DatabaseUnavailableMiddleware:
    """Answer 503 with a plain page, not a traceback, while the database can't be reached.

    Django reconnects on the next request (CONN_HEALTH_CHECKS), so the site recovers by itself
    when the database is back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error("database unavailable while serving %s: %s", request.path, exception)
        # The template extends nothing and needs no context: rendering it touches no database.
        body = render_to_string("503.html")
        response = HttpResponse(body, status=503)
        response["Retry-After"] = "30"
        return response
