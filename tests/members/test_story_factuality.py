"""The story page's premium factuality panel: counts, chart data and sentence, premium only."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from stories.reader import NO_FACTUALITY_SENTENCE, factuality_sentence
from tests.members.gating import FACTUALITY_COUNTS, gated_world, log_in, persona_user

pytestmark = pytest.mark.django_db

CHART_DATA = re.compile(
    r'<script id="factuality-chart-data" type="application/json">(.*?)</script>'
)


def story_page_as(persona: str) -> str:
    world = gated_world()
    client = Client()
    log_in(client, persona_user(persona))
    return client.get(world.story.get_absolute_url()).text


def test_the_sentence_names_the_largest_rated_level_and_its_share():
    counts = {"very_high": 1, "high": 3, "mixed": 1, "unrated": 9}

    assert factuality_sentence(counts) == "60% of the rated sources have High factuality"


def test_a_tie_goes_to_the_higher_level():
    assert factuality_sentence({"mixed": 2, "high": 2}) == (
        "50% of the rated sources have High factuality"
    )


def test_with_no_rated_source_the_sentence_says_so():
    assert factuality_sentence({"unrated": 4}) == NO_FACTUALITY_SENTENCE


def test_a_premium_reader_gets_the_factuality_chart_data_and_sentence():
    html = story_page_as("premium")

    levels = {row["key"]: row["count"] for row in json.loads(CHART_DATA.search(html).group(1))}
    assert levels.items() >= FACTUALITY_COUNTS.items()
    assert 'id="factuality-chart"' in html
    assert "of the rated sources have Mixed factuality" in html


@pytest.mark.parametrize("persona", ["anonymous", "free", "expired premium"])
def test_readers_without_premium_get_no_factuality_chart_data_or_sentence(persona):
    html = story_page_as(persona)

    assert CHART_DATA.search(html) is None
    assert 'id="factuality-chart"' not in html
    assert "of the rated sources have" not in html
