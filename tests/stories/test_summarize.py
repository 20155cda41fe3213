"""stories.summarize on real article text (aeb ground truth) and real page boilerplate."""

import json
from pathlib import Path

import pytest

from stories.summarize import (
    MAX_BULLET_CHARS,
    SourceText,
    clean_sentence,
    is_boilerplate,
    split_sentences,
    summarize,
)

# English news bodies of the article-extraction benchmark (ids from ground-truth.json).
AEB_ENGLISH_NEWS = (
    "042bb7b5fedab6eac7db576522b89b93904c237d344bcbe14a6a5ab7f7335856",
    "04a6711caa7c687592777718866e781e976e0fe684faebe8b3cedcef8cd0ea34",
    "06e5123e4ef7cfb4533250dc45d1e03d0838fc66223f45c583c4d12f48b4da85",
)


@pytest.fixture(scope="module")
def bodies(shared_data: Path) -> list[str]:
    truth = json.loads((shared_data / "pages" / "aeb" / "ground-truth.json").read_text())
    return [truth[key]["articleBody"] for key in AEB_ENGLISH_NEWS]


def test_bullets_are_short_enough(bodies):
    texts = [SourceText(i, f"Outlet {i}", "", body) for i, body in enumerate(bodies)]
    assert all(len(bullet) <= MAX_BULLET_CHARS for bullet in summarize(texts))


def test_a_real_article_gives_three_to_five_bullets(bodies):
    bullets = summarize([SourceText(1, "Outlet", "", bodies[0])])
    assert 3 <= len(bullets) <= 5


def test_bullets_are_drawn_from_several_outlets(bodies):
    texts = [SourceText(i, f"Outlet {i}", "", body) for i, body in enumerate(bodies)]
    bullets = summarize(texts)
    sources = {text.source_name for text in texts for b in bullets if b in text.text}
    assert len(sources) >= 2


def test_a_wire_copy_run_by_two_outlets_does_not_repeat_bullets(bodies):
    texts = [SourceText(1, "Outlet A", "", bodies[2]), SourceText(2, "Outlet B", "", bodies[2])]
    bullets = summarize(texts)
    assert len(bullets) == len(set(bullets))


def test_the_agency_tag_is_removed_from_a_lead():
    """Guards the VentureBeat copy of a Reuters story: "(Reuters) — The New York State …"."""
    assert clean_sentence("(Reuters) - The New York State Attorney General is investigating.") == (
        "The New York State Attorney General is investigating."
    )


@pytest.mark.parametrize(
    "phrase",
    [
        "Sign up to our free daily newsletter",
        "Subscribe To Our Newsletter",
        "© 2020 Vox Media, LLC. All rights reserved.",
        "Getty Images",
        "Read More",
        "Follow us on",
        "Notify me when new comments are added.",
        "You are using a browser version with limited support for CSS.",
    ],
)
def test_boilerplate_seen_on_real_pages_is_recognised(phrase):
    assert is_boilerplate(phrase)


@pytest.mark.parametrize(
    "sentence",
    [
        "These messages include links to the ransomware",
        "In the middle of the day on Monday, the sky above São Paulo, Brazil went dark.",
        "Thousands of academic staff at British universities are being treated as second-class"
        " citizens on precarious contracts, says a report.",
    ],
)
def test_news_sentences_are_not_boilerplate(sentence):
    assert not is_boilerplate(sentence)


def test_nothing_usable_gives_no_bullets():
    assert summarize([SourceText(1, "Outlet", "", "Sign up for our newsletter.")]) == []


def test_abbreviations_do_not_end_a_sentence():
    """Guards "… peace talks in Geneva on Tuesday, with U.S. officials …" (ABC News feed)."""
    text = "Talks ended in Geneva, with U.S. officials saying more work is needed. Both sides left."
    assert len(split_sentences(text)) == 2


def test_a_summary_cut_short_by_the_feed_is_not_a_bullet():
    text = (
        "Peru's Congress on Tuesday voted to remove interim President Jose Jeri from office as "
        "he faces corruption allegations, triggering a fresh wave of..."
    )
    assert summarize([SourceText(1, "Outlet", "", text)]) == []


def test_two_outlets_saying_the_same_thing_give_one_bullet():
    """Guards the Peru story: four outlets, one fact, worded four ways."""
    texts = [
        SourceText(1, "A", "", "Peru's Congress on Tuesday impeached interim president Jose Jeri."),
        SourceText(
            2,
            "B",
            "",
            "Peru's Congress voted to impeach President José Jerí, four months after he replaced"
            " Dina Boluarte, who had also been removed from the presidency.",
        ),
    ]
    assert len(summarize(texts)) == 1
