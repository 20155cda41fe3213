"""infra.fields: text cut to its column's length."""

from infra.fields import clip_to_field
from sources.models import Feed
from stories.models import Story


def test_text_is_cut_to_the_fields_max_length():
    assert clip_to_field(Story, "headline", "x" * 400) == "x" * 300


def test_a_field_without_a_max_length_keeps_the_text():
    assert clip_to_field(Feed, "last_error", "x" * 4000) == "x" * 4000
