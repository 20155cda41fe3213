from django.contrib import admin
from django.urls import include, path

from newsdesk.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("ops/", include("ingestion.urls")),
    path("", include("members.urls")),
    path("", include("newsletters.urls")),
    path("", include("stories.urls")),
]
