"""Template helpers for readers' choices."""

from collections.abc import Container

from django import template

register = template.Library()


@register.filter
def is_in(value: object, choices: Container[object]) -> bool:
    """``{% include … with on=topic.slug|is_in:reader_choices.topics %}``."""
    try:
        return value in choices
    except TypeError:
        return False
