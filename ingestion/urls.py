"""Include from the root URLconf: ``path("ops/", include("ingestion.urls"))``."""

from django.urls import path

from ingestion import views

urlpatterns = [path("", views.ops, name="ingestion_ops")]
