"""The root URLconf plus the ops page, as the integrator will include it."""

from django.urls import include, path

from newsdesk.urls import urlpatterns as root_urlpatterns

urlpatterns = [*root_urlpatterns, path("ops/", include("ingestion.urls"))]
