from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path

from newsdesk.health import healthz
from newsdesk.media import MEDIA_PATH_PATTERN, media_file

urlpatterns: list[URLPattern | URLResolver] = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("ops/", include("ingestion.urls")),
    path("", include("members.urls")),
    path("", include("newsletters.urls")),
    path("", include("stories.urls")),
]

if settings.SERVE_MEDIA:
    media_prefix = settings.MEDIA_URL.strip("/")
    urlpatterns.append(re_path(rf"^{media_prefix}/{MEDIA_PATH_PATTERN}$", media_file, name="media"))
