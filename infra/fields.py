"""Text cut to the length of the column it is stored in, read from the model field."""

from __future__ import annotations

from django.db.models import Model


def clip_to_field(model: type[Model], field_name: str, value: str) -> str:
    """``value`` cut to ``model.field_name``'s ``max_length`` (unchanged if it has none)."""
    max_length = getattr(model._meta.get_field(field_name), "max_length", None)
    return value[:max_length] if max_length else value
