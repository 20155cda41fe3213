"""Serving stored pictures (``MEDIA_ROOT``) when no web server in front does it.

Every file name holds a key derived from the picture's bytes (``infra.media``), so a name
never changes its content and browsers and caches may keep it for a year without asking again.
Only names of that shape are routed here; anything else under ``/media/`` is a 404.
"""

from django.conf import settings
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.views.static import serve

# A year: the longest lifetime HTTP caches honour, and the name changes before the content can.
MEDIA_MAX_AGE_SECONDS = 365 * 24 * 3600
# The names infra.media makes: img/ab/<32 hex>-card.webp, icons/ab/<32 hex>-64.webp.
MEDIA_PATH_PATTERN = r"(?P<path>(?:img|icons)/[0-9a-f]{2}/[0-9a-f]{32}-[a-z0-9]{1,8}\.webp)"


def media_file(request: HttpRequest, path: str) -> HttpResponseBase:
    # A 304 (If-Modified-Since) or the file; a missing file raises Http404.
    response = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = f"public, max-age={MEDIA_MAX_AGE_SECONDS}, immutable"
    return response
