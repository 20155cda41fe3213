"""API token sign-in, and per-reader caching headers on the API.

``ApiTokenMiddleware`` goes right after Django's ``AuthenticationMiddleware``. On API paths,
and on views that declare ``accepts_api_token = True`` (the feeds), a request with
``Authorization: Bearer <token>`` is made as the token's owner (read-only methods only); an
unknown or revoked token gets 401 rather than silently becoming anonymous, so a client
notices. Views that also declare ``accepts_query_token = True`` take the same token as
``?token=<token>``, for feed readers that cannot send headers; the API does not, so tokens
stay out of URLs (and logs) wherever a header can be sent. Either way the token is the same
``ApiToken``, looked up by its SHA-256 digest (``members.selectors.api_token_user``), so no
comparison ever runs over the secret itself, and signing in by token never starts a session.

API responses depend on who asks (premium fields), so they are marked private and vary on
``Authorization`` and ``Cookie``; the feeds set the same headers themselves. Any other
response made for a signed-in reader (session) is marked private too, so a shared cache never
keeps a page that may carry one reader's premium figures or name, whatever the view did.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth import SESSION_KEY
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from members import ratelimit
from members.clientaddr import client_address, limit_bucket
from members.selectors import api_token_user
from members.tokens import bearer_token

API_PATH_PREFIX = "/api/"
TOKEN_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
QUERY_TOKEN_PARAMETER = "token"  # noqa: S105 (a parameter name, not a secret)
REFUSED = "invalid or revoked API token"
TOO_MANY_REQUESTS = "too many requests: try again in a minute"


def _client(request: HttpRequest) -> str:
    """Whom an API request counts against: the token's (or session's) owner, else the address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"address:{limit_bucket(client_address(request))}"


def _signed_in_by_session(request: HttpRequest) -> bool:
    # Only a session the view already read: loading one here would cost every page a query.
    session = getattr(request, "session", None)
    return bool(session is not None and session.accessed and SESSION_KEY in session)


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PATH_PREFIX):
            self._private(response)
        elif _signed_in_by_session(request):
            patch_cache_control(response, private=True)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        on_api = request.path.startswith(API_PATH_PREFIX)
        if not (on_api or getattr(view_func, "accepts_api_token", False)):
            return None
        refusal = self._sign_in_by_token(request, view_func, on_api=on_api)
        if (
            refusal is None
            and on_api
            and not ratelimit.api_request_allowed(client=_client(request))
        ):
            return self._too_many()
        return refusal

    def _sign_in_by_token(
        self, request: HttpRequest, view_func: Callable[..., Any], *, on_api: bool
    ) -> HttpResponse | None:
        header = request.headers.get("Authorization", "")
        if header:
            token = bearer_token(header)
        elif getattr(view_func, "accepts_query_token", False) and (
            QUERY_TOKEN_PARAMETER in request.GET
        ):
            token = request.GET[QUERY_TOKEN_PARAMETER].strip() or None
        else:
            return None
        user = api_token_user(token=token) if token else None
        if user is None or request.method not in TOKEN_METHODS:
            return self._refused(on_api=on_api)
        request.user = user
        return None

    def _too_many(self) -> HttpResponse:
        response = JsonResponse({"error": TOO_MANY_REQUESTS}, status=429)
        response["Retry-After"] = str(ratelimit.API_WINDOW_SECONDS)
        return self._private(response)

    def _refused(self, *, on_api: bool) -> HttpResponse:
        response: HttpResponse = (
            JsonResponse({"error": REFUSED}, status=401)
            if on_api
            else HttpResponse(REFUSED, status=401, content_type="text/plain; charset=utf-8")
        )
        response["WWW-Authenticate"] = 'Bearer realm="newsdesk"'
        return self._private(response)

    @staticmethod
    def _private(response: HttpResponse) -> HttpResponse:
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response
