"""Who is signed in (sessions, through ``members.reader_cache``), API token sign-in, and
per-reader caching headers on the API.

``ReaderAuthenticationMiddleware`` replaces Django's ``AuthenticationMiddleware``: the same
lazy ``request.user``, but a session's account is taken from the reader cache when it is kept
there and the session's hash matches it, so a signed-in page costs no account or membership
query. Anything else (no entry, a hash that does not match: a password changed, a rotated
secret) goes through Django's ``get_user``, which checks, rotates or ends the session as
always, and the account it returns is kept for the next request.

``ApiTokenMiddleware`` goes right after ``ReaderAuthenticationMiddleware``. On API paths,
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

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from members import ratelimit, reader_cache
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


# The backend whose ``get_user`` the reader cache stands in for (the only one the site uses).
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def session_reader(request: HttpRequest) -> User | AnonymousUser:
    """The account the request's session is signed in as, from the reader cache when kept."""
    session = request.session
    user_id = session.get(SESSION_KEY)
    session_hash = session.get(HASH_SESSION_KEY)
    by_model_backend = (
        session.get(BACKEND_SESSION_KEY) == MODEL_BACKEND
        and MODEL_BACKEND in settings.AUTHENTICATION_BACKENDS
    )
    if not (user_id and session_hash and by_model_backend):
        return get_user(request)
    member = reader_cache.member_get(user_id=int(user_id))
    if member is not None and constant_time_compare(session_hash, member.get_session_auth_hash()):
        return member
    user = get_user(request)
    if isinstance(user, User):
        reader_cache.member_keep(user)
    return user


class ReaderAuthenticationMiddleware(AuthenticationMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: session_reader(request))  # type: ignore[assignment]


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
