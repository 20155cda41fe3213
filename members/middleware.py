"""API token sign-in, and per-reader caching headers on the API.

``ApiTokenMiddleware`` goes right after Django's ``AuthenticationMiddleware``. On API paths,
a request with ``Authorization: Bearer <token>`` is made as the token's owner (read-only
methods only: the API has nothing else); an unknown or revoked token gets 401 rather than
silently becoming anonymous, so a client notices. API responses depend on who asks (premium
fields), so they are marked private and vary on ``Authorization`` and ``Cookie``.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import patch_cache_control, patch_vary_headers

from members.selectors import api_token_user
from members.tokens import bearer_token

API_PATH_PREFIX = "/api/"
TOKEN_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ApiTokenMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(API_PATH_PREFIX):
            return self.get_response(request)
        header = request.headers.get("Authorization", "")
        if header:
            token = bearer_token(header)
            user = api_token_user(token=token) if token else None
            if user is None or request.method not in TOKEN_METHODS:
                response: HttpResponse = JsonResponse(
                    {"error": "invalid or revoked API token"}, status=401
                )
                response["WWW-Authenticate"] = 'Bearer realm="newsdesk"'
                return self._private(response)
            request.user = user
        return self._private(self.get_response(request))

    @staticmethod
    def _private(response: HttpResponse) -> HttpResponse:
        patch_cache_control(response, private=True)
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response
