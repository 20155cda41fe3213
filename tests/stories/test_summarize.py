"""stories.summarize on real article text (aeb ground truth, the outlet feeds) and the demo."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ingestion.feeds import parse_feed
from stories.sentences import is_boilerplate, split_sentences, strip_lead
from stories.summarize import (
    MAX_BULLET_CHARS,
    SourceText,
    bullet_texts,
    bullets_from_json,
    standfirst_of,
    summarize,
)
from tests.conftest import SHARED_DATA


def texts_of(bullets):
    return [bullet.text for bullet in bullets]


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
    assert all(len(bullet) <= MAX_BULLET_CHARS for bullet in texts_of(summarize(texts)))


def test_a_real_news_article_gives_three_to_five_bullets(bodies):
    bullets = summarize([SourceText(1, "Outlet", "", bodies[1])])
    assert 3 <= len(bullets) <= 5


def test_a_first_person_essay_gives_no_bullets(bodies):
    """aeb's gaming essay ("We'd buy a game, …"): a writer's view is not news to summarise."""
    assert summarize([SourceText(1, "Outlet", "", bodies[0])]) == []


def test_bullets_are_drawn_from_several_outlets(bodies):
    texts = [SourceText(i, f"Outlet {i}", "", body) for i, body in enumerate(bodies)]
    bullets = summarize(texts)
    assert len({bullet.sources[0].source for bullet in bullets}) >= 2


def test_a_wire_copy_run_by_two_outlets_does_not_repeat_bullets(bodies):
    texts = [SourceText(1, "Outlet A", "", bodies[2]), SourceText(2, "Outlet B", "", bodies[2])]
    bullets = texts_of(summarize(texts))
    assert len(bullets) == len(set(bullets))


def test_the_agency_tag_is_removed_from_a_lead():
    """Guards the VentureBeat copy of a Reuters story: "(Reuters) — The New York State …"."""
    assert strip_lead("(Reuters) - The New York State Attorney General is investigating.") == (
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


def iran_talks_reports(first_published_at: datetime) -> list[SourceText]:
    """The Iran talks story of the replayed outlet feeds: Japan Today's report of the minister
    on his way, then three reports of the talks' outcome (feed texts as the feeds gave them)."""
    outcome = datetime(2026, 2, 17, 19, 49, tzinfo=UTC)
    return [
        SourceText(
            571,
            "Japan Today",
            "Iran\u2019s top diplomat to attend 'indirect' talks with U.S. in Geneva",
            "Iran\u2019s top diplomat was traveling Sunday from Tehran to Geneva, where the second "
            "round of nuclear negotiations with the U.S. will take place, Iranian state media "
            "reported.",
            published_at=first_published_at,
        ),
        SourceText(
            157,
            "The Christian Science Monitor",
            "Progress but not compromise as latest U.S.-Iran nuclear talks end",
            "As tensions between Iran and the U.S. mount, renewed talks over Tehran\u2019s nuclear "
            "program ended without a clear path forward.",
            published_at=outcome,
        ),
        SourceText(
            826,
            "The Washington Post",
            "Amid threat of U.S. attack, Iran nuclear talks proceed without breakthrough",
            "The meeting Tuesday occurred against the backdrop of an expanded U.S. military "
            "presence in the Middle East, as President Donald Trump threatens to attack Iran if "
            "a deal cannot be reached.",
            published_at=outcome,
        ),
        SourceText(
            608,
            "The New York Times",
            "U.S. and Iran Make \u2018Good Progress\u2019 in Geneva Talks, Foreign Minister Says",
            "The Iranian minister, Abbas Araghchi, said both sides had agreed on a \u201cset of "
            "guiding principles.\u201d President Trump has called on Iran to make an immediate "
            "accord or face a possible U.S. attack.",
            published_at=outcome,
        ),
    ]


def test_what_an_earlier_days_report_said_would_happen_is_no_bullet_once_it_happened():
    """The home page's lead story said the talks "will take place" under its headline that
    they had ended: Japan Today's report of two days before."""
    bullets = summarize(iran_talks_reports(datetime(2026, 2, 15, 21, 36, tzinfo=UTC)))

    assert len(bullets) >= 3
    assert not any("will take place" in text for text in texts_of(bullets))
    assert 571 not in {source.article_id for bullet in bullets for source in bullet.sources}


def test_a_same_days_report_of_what_will_happen_is_still_a_bullet():
    bullets = summarize(iran_talks_reports(datetime(2026, 2, 17, 9, 0, tzinfo=UTC)))

    assert any("will take place" in text for text in texts_of(bullets))


def nancy_guthrie_reports() -> list[SourceText]:
    """The Nancy Guthrie story of the replayed outlet feeds, as the feeds gave it. El País's
    feed carries the article's opening as its content and, beside it, a standfirst."""
    el_pais_text = (
        "There is no television program in the United States that is not talking about the "
        "disappearance in Tucson, Arizona of Nancy Guthrie the 84-year-old mother of Savannah "
        "Guthrie, one of NBC\u2019s star journalists."
    )
    el_pais_description = (
        "Police are working on the theory that the mother of the NBC host has been kidnapped. "
        "The erratic investigation and Trump\u2019s statements are fueling the morbid "
        "fascination with the story"
    )
    return [
        SourceText(
            115,
            "BBC News",
            "No DNA matches on glove found in Nancy Guthrie case, police say",
            "It's been two weeks since the 84 year old's disappearance and authorities say there "
            "have not been any arrests",
        ),
        SourceText(
            409,
            "El Pa\u00eds English Edition",
            "Nancy Guthrie case continues to captivate the public three weeks after her "
            "disappearance",
            el_pais_text,
            standfirst=standfirst_of(el_pais_description, el_pais_text),
        ),
        SourceText(
            33,
            "Japan Today",
            "What to know about the investigation into Nancy Guthrie's disappearance",
            "A glove containing DNA found a couple of miles from the Arizona home of "
            "\u201cToday\u201d show host Savannah Guthrie \u2019s missing mother appears to "
            "match those worn by\u2026",
        ),
    ]


def test_an_outlets_standfirst_beside_its_text_gives_bullets():
    """The story had one bullet: El País's standfirst, its best sentence, was never read."""
    bullets = summarize(nancy_guthrie_reports())

    police = [b for b in bullets if b.text.startswith("Police are working on the theory")]
    assert len(bullets) >= 2
    assert [source.source for source in police[0].sources] == ["El Pa\u00eds English Edition"]


@pytest.mark.parametrize(
    "text",
    [
        # The feed gives one text as both description and summary.
        "Police are working on the theory that the mother of the NBC host has been kidnapped.",
        # A page's text that opens with the description, its end reworded.
        "Police are working on the theory that the mother of the NBC host has been kidnapped, "
        "officers said.\n\nThe investigation has drawn wide attention.",
    ],
)
def test_a_description_the_text_opens_with_is_no_standfirst(text):
    description = (
        "Police are working on the theory that the mother of the NBC host has been kidnapped."
    )

    assert standfirst_of(description, text) == ""
    assert standfirst_of("", text) == ""


def test_a_teaser_is_no_standfirst():
    """The Week's answers its headline's question and means nothing alone."""
    answer = "Possibilities include to curry favor with Trump or to try to end financial losses"
    text = "The digital age has killed off thousands of American newspapers."
    question = "Media: Why did Bezos gut \u2018The Washington Post\u2019?"

    assert standfirst_of(answer, text, question) == ""
    assert standfirst_of(f"Why did Bezos gut the Post? {answer}.", text) == ""
    assert standfirst_of(answer, text, "Bezos cuts a third of the Post's staff") == answer


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


def test_each_bullet_names_the_article_it_comes_from():
    texts = [
        SourceText(
            7,
            "Outlet A",
            "",
            "Peru's Congress voted on Tuesday to remove the interim "
            "president from office over corruption allegations.",
            url="https://a.example/7",
        ),
    ]

    (bullet,) = summarize(texts)

    assert [(s.article_id, s.source, s.url) for s in bullet.sources] == [
        (7, "Outlet A", "https://a.example/7")
    ]
    assert bullet.text in texts[0].text


def quake(article_id, outlet, sentence):
    return SourceText(article_id, outlet, "Kestrel Islands quake", sentence)


def test_the_figure_most_outlets_give_is_stated_and_the_others_attributed():
    """Guards the demo's quake story, whose bullets said both 19 and 31 dead."""
    texts = [
        quake(
            1,
            "Continental Press",
            "A magnitude 6.8 earthquake struck off the Kestrel "
            "Islands before dawn, killing at least 19 people, officials said.",
        ),
        quake(
            2,
            "Heartland Herald",
            "The earthquake off the Kestrel Islands killed at least 19 "
            "people and brought down buildings in Port Halloran.",
        ),
        quake(
            3,
            "Plainview Post",
            "At least 19 people died when the earthquake hit the Kestrel "
            "Islands and damaged the main hospital in the capital.",
        ),
        quake(
            4,
            "Meridian Times",
            "Officials in the Kestrel Islands said 31 people were killed "
            "as aftershocks hampered rescue work in the harbour district.",
        ),
    ]

    bullets = summarize(texts)

    stated = " ".join(texts_of(bullets))
    assert "19" in stated and "31" not in stated
    others = [
        (o.measure, o.figure, [s.source for s in o.sources])
        for b in bullets
        for o in b.other_figures
    ]
    assert others == [("deaths", "31", ["Meridian Times"])]


def test_an_opinion_piece_is_not_summarised_when_reports_say_enough():
    reports = [
        SourceText(i, f"Wire {i}", "Kestrel Islands earthquake kills 19", body)
        for i, body in enumerate(
            [
                "A magnitude 6.8 earthquake struck the Kestrel Islands before dawn on Wednesday.",
                "Chief Minister Rowan Tessely declared a state of emergency across the islands.",
                "A section of the main ferry pier in Halloran harbour collapsed into the water.",
            ]
        )
    ]
    column = SourceText(
        9,
        "Vanguard Review",
        "Kestrel Islands quake exposes the cost of decades of neglect in Port Halloran",
        "The earthquake on the Kestrel Islands struck hardest where governments broke promises.",
    )

    bullets = summarize([*reports, column])

    assert all(bullet.sources[0].source != "Vanguard Review" for bullet in bullets)
    assert len(bullets) == 3


PORT_ALDER_LEAD = (
    "A ransomware attack early Tuesday shut down the computerized controls at the main water "
    "treatment plant in Port Alder, forcing operators to run pumps and chemical dosing by hand, "
    "city officials said."
)
PORT_ALDER_REPORT = (
    f"Ransomware attack forces Port Alder water plant onto manual control\n"
    f"PORT ALDER (CPA) \u2014 {PORT_ALDER_LEAD} The plant supplies drinking water to about "
    "118,000 residents. The Port Alder Water Authority said staff detected the intrusion at "
    "about 3:40 a.m., when screens at the Kettle Point Treatment Plant began displaying a "
    "ransom message."
)


def port_alder(article_id, outlet, *, wire_origin_id=None):
    return SourceText(
        article_id,
        outlet,
        "Ransomware attack forces Port Alder water plant onto manual control",
        PORT_ALDER_REPORT,
        wire_origin_id=wire_origin_id,
    )


def test_the_lead_comes_first():
    """Guards the demo's water-plant story, which opened on "The plant supplies drinking water
    to about 118,000 residents." before any bullet had named the plant."""
    bullets = summarize([port_alder(10, "Continental Press Association")])

    assert bullets[0].text == PORT_ALDER_LEAD


def test_a_wire_copy_is_credited_to_the_report_it_copies():
    """The demo's Prairie Examiner ran the agency's story; its bullets were the copy's."""
    texts = [
        port_alder(61, "Prairie Examiner", wire_origin_id=10),
        port_alder(10, "Continental Press Association"),
    ]

    bullets = summarize(texts)

    assert {bullet.sources[0].source for bullet in bullets} == {"Continental Press Association"}


def test_copies_of_one_report_are_one_voice_among_the_outlets():
    copies = [port_alder(i, f"Copy {i}", wire_origin_id=10) for i in (58, 61, 91)]
    weekly = SourceText(
        31,
        "Lakeside Weekly",
        "Kettle Point plant hit by computer attack",
        "The authority posted a short notice on its website at 6:15 a.m. saying the water "
        'remains safe to drink and that operators "have full manual control of treatment." '
        "Eastbank families can pick up bottled water at the Alder Street fire station until "
        "further notice.",
    )

    bullets = summarize([*copies, port_alder(10, "Continental Press Association"), weekly])

    quoted = [bullet.sources[0].source for bullet in bullets]
    assert quoted.count("Continental Press Association") == 2
    assert quoted.count("Lakeside Weekly") == 2


def test_the_headline_repeated_atop_the_text_is_not_a_bullet():
    """The demo's Liberty Daily: its page text opens on its headline, which became a bullet."""
    title = "Brandvold holds at 4.25% and hints at cuts. Don't thank the government for it"
    text = SourceText(
        36,
        "Liberty Daily",
        title,
        f"{title}\nThe central bank of the Federal Republic kept its key interest rate at 4.25% "
        "on Wednesday, and Governor Ottilie Brandvold said cuts could come in the coming "
        "quarters.",
    )

    assert [bullet.text for bullet in summarize([text])] == [
        "The central bank of the Federal Republic kept its key interest rate at 4.25% on "
        "Wednesday, and Governor Ottilie Brandvold said cuts could come in the coming quarters."
    ]


def test_a_short_sentence_does_not_crowd_out_the_one_that_says_more():
    """Guards the demo's shelter story: "The city's three shelters have 640 beds." was taken
    first and then kept out, as its repeat, the sentence giving how many people they house."""
    texts = [
        SourceText(
            92,
            "The Patriot Standard",
            "Brenton Falls overwhelmed: mayor declares emergency as migrant shelters overflow",
            "The city's three shelters have 640 beds.",
        ),
        SourceText(
            60,
            "Prairie Examiner",
            "U.S. city of Brenton Falls declares emergency over migrant shelter overflow",
            "Mayor Gideon Prater said the city's three shelters, with 640 beds, are housing "
            "1,180 people.",
        ),
    ]

    bullets = texts_of(summarize(texts))

    assert any("1,180 people" in bullet for bullet in bullets)


def test_stories_summarised_before_bullets_had_sources_still_read():
    stored = ["An old bullet.", {"text": "A new bullet.", "sources": [{"article_id": 1}]}, 3]

    assert bullet_texts(stored) == ["An old bullet.", "A new bullet."]
    assert bullets_from_json(stored)[0] == {
        "text": "An old bullet.",
        "sources": [],
        "other_figures": [],
    }


@pytest.fixture(scope="module")
def outlet_feed_texts() -> list[SourceText]:
    now = datetime(2026, 2, 20, tzinfo=UTC)
    texts = []
    for path in sorted((SHARED_DATA / "feeds" / "outlets").glob("*.xml")):
        for entry in parse_feed(path.read_bytes(), now=now).entries:
            texts.append(SourceText(len(texts), path.stem, entry.title, entry.summary))
    return texts


def test_no_real_feed_entry_gives_a_question_boilerplate_or_dateline_bullet(outlet_feed_texts):
    """Every entry of the 20 outlet feeds summarised alone: what once came out as bullets
    ("…appeared first on Boston.com.", "(Reuters) -", questions) never comes out."""
    bullets = [b for text in outlet_feed_texts for b in texts_of(summarize([text]))]

    assert len(bullets) > 500  # the feeds' text is used, not thrown away
    assert not [b for b in bullets if "?" in b or "appeared first on" in b]
    assert not [b for b in bullets if "(Reuters)" in b or b.startswith("By ")]


def test_allafrica_entries_give_bullets_without_their_outlet_tag(outlet_feed_texts):
    """AllAfrica opens every entry with "[Outlet] City -- ": 5 of its 32 entries gave a bullet."""
    allafrica = [t for t in outlet_feed_texts if t.source_name == "allafrica_latest.rss"]
    bullets = [texts_of(summarize([text])) for text in allafrica]

    assert sum(1 for found in bullets if found) > len(allafrica) * 2 / 3
    assert not [b for found in bullets for b in found if b.startswith("[") or " -- " in b[:40]]


def test_a_story_whose_only_complete_lead_is_too_long_gets_its_main_clause(outlet_feed_texts):
    """The Hezbollah story (Al-Monitor's Reuters copy, Japan Today's cut-short summary) had no
    bullet at all."""
    texts = [t for t in outlet_feed_texts if t.title.startswith("Hezbollah rejects disarmament")]
    assert {t.source_name for t in texts} == {"al_monitor.rss", "japantoday_world.rss"}

    bullets = summarize(texts)

    assert texts_of(bullets) == [
        "Armed group Hezbollah rejected on Tuesday the Lebanese government's decision to grant "
        "the army at least four months to advance the second phase of a nationwide disarmament "
        "plan."
    ]
    assert bullets[0].sources[0].source == "al_monitor.rss"


# The feed entries of the story (by feed, the title's opening).
JESSE_JACKSON_ENTRIES = {
    "elpais_english.rss": "Jesse Jackson, veteran US civil rights activist, dies at 84",
    "bbc_news_world.rss": "US civil rights leader Jesse Jackson dies aged 84",
    "abc_net_au_topstories.rss": "Civil rights leader Jesse Jackson dies, aged 84",
    "csmonitor_all.rss": "Jesse Jackson\u2019s journey from a South Carolina protest",
    "japantoday_world.rss": "Jesse Jackson, civil rights leader and U.S. presidential hopeful",
}


def test_one_outlet_does_not_give_most_bullets_when_others_offer_sentences(outlet_feed_texts):
    """Guards the Jesse Jackson story, three of whose five bullets were El País's."""
    texts = [
        text
        for text in outlet_feed_texts
        if text.title.startswith(JESSE_JACKSON_ENTRIES.get(text.source_name, "\0"))
    ]
    assert len(texts) == len(JESSE_JACKSON_ENTRIES)

    bullets = summarize(texts)

    quoted = [bullet.sources[0].source for bullet in bullets]
    assert len(bullets) >= 3
    assert max(quoted.count(outlet) for outlet in quoted) * 2 <= len(bullets)


def test_the_week_and_economist_descriptions_without_a_full_stop_give_bullets(outlet_feed_texts):
    economist = [t for t in outlet_feed_texts if t.source_name == "economist_asia.rss"]

    assert sum(1 for text in economist if summarize([text])) > len(economist) / 2


def test_a_sentence_the_headline_already_says_is_no_bullet():
    """Foreign Policy's lead heads the Munich Security Conference story (its title is a bare
    quotation); The Week's sentences are the bullets below it."""
    lead = (
        "The Munich Security Conference ends with no new answers on how to end the war in Ukraine."
    )
    texts = [
        SourceText(1, "Foreign Policy", "\u2018An Existential Question for Europe\u2019", lead),
        SourceText(
            2,
            "The Week",
            "Munich Security Conference: a showdown between Europe and Trump?",
            "J.D. Vance opened last year's Munich Security Conference with an attack on the US' "
            "European allies, stunning the world's biggest defence summit.",
        ),
    ]

    assert lead in texts_of(summarize(texts))
    bullets = texts_of(summarize(texts, headline=lead.removesuffix(".")))
    assert lead not in bullets
    assert [bullet[:11] for bullet in bullets] == ["J.D. Vance "]


# The feed entries of Peru's impeachment story (by feed, the title's opening).
PERU_ENTRIES = {
    "abcnews_international.rss": "Peru's Congress removes interim President Jer",
    "mercopress.rss": "Peru\u2019s Congress ousts interim President",
    "japantoday_world.rss": "Peru's Congress removes interim President Jer",
    "ndtv.rss": "Peru President Impeached After 4 Months",
    "nytimes_world.rss": "Peru Votes to Impeach President",
}


def test_a_lead_that_words_the_headline_again_is_no_bullet(outlet_feed_texts):
    """ABC's lead under ABC's title, which heads the story, said nothing more: "Peru's Congress
    has voted to remove interim President José Jerí from office as he faces corruption
    allegations." The other outlets' leads add the facts."""
    texts = [
        text
        for text in outlet_feed_texts
        if text.title.startswith(PERU_ENTRIES.get(text.source_name, "\0"))
    ]
    assert len(texts) == len(PERU_ENTRIES)
    headline = next(t.title for t in texts if t.source_name == "abcnews_international.rss")

    bullets = texts_of(summarize(texts, headline=headline))

    assert not [b for b in bullets if "from office as he faces corruption allegations" in b]
    assert any("four months after he replaced Dina Boluarte" in b for b in bullets)
    assert len(bullets) >= 3


def test_a_lead_that_adds_to_the_headline_is_a_bullet(outlet_feed_texts):
    """The BBC's title heads the Iran talks story; NDTV's lead says it again and adds what the
    principles are for, where, when and who said so."""
    openings = ("Iran says 'guiding principles'", "'Agreed On Guiding Principles For Deal'")
    texts = [t for t in outlet_feed_texts if t.title.startswith(openings)]
    assert {t.source_name for t in texts} == {"bbc_news_world.rss", "ndtv.rss"}
    headline = next(t.title for t in texts if t.source_name == "bbc_news_world.rss")

    bullets = texts_of(summarize(texts, headline=headline))

    assert [b for b in bullets if b.startswith("Iran and the United States agreed to")]


# The Nancy Guthrie story as its page read it: two outlets' leads equally central.
GUTHRIE_STORY = [
    {
        "source_name": "BBC News",
        "title": "No DNA matches on glove found in Nancy Guthrie case, police say",
        "text": "It's been two weeks since the 84 year old's disappearance and authorities say "
        "there have not been any arrests",
    },
    {
        "source_name": "El Pa\u00eds English Edition",
        "title": "Nancy Guthrie case continues to captivate the public three weeks after her "
        "disappearance",
        "text": "There is no television program in the United States that is not talking about "
        "the disappearance in Tucson, Arizona of Nancy Guthrie the 84-year-old mother of "
        "Savannah Guthrie, one of NBC\u2019s star journalists.",
        "standfirst": "Police are working on the theory that the mother of the NBC host has been "
        "kidnapped. The erratic investigation and Trump's statements are fueling the morbid "
        "fascination with the story",
    },
    {
        "source_name": "Japan Today",
        "title": "What to know about the investigation into Nancy Guthrie's disappearance",
        "text": "A glove containing DNA found a couple of miles from the Arizona home of "
        "\u201cToday\u201d show host Savannah Guthrie \u2019s missing mother appears to match "
        "those worn by\u2026",
    },
]

_SUMMARIZE_IN_A_NEW_PROCESS = """
import json, sys
from stories.summarize import SourceText, summarize
texts = [SourceText(i, **row) for i, row in enumerate(json.loads(sys.argv[1]))]
print(json.dumps([bullet.text for bullet in summarize(texts)]))
"""


def test_bullets_keep_their_order_in_every_worker_process():
    """Each process orders a set of words its own way (string hashing is seeded per process).
    The Guthrie story's first two bullets swapped places from one refresh to the next."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    summaries = set()
    for seed in range(1, 9):
        env["PYTHONHASHSEED"] = str(seed)
        done = subprocess.run(
            [sys.executable, "-c", _SUMMARIZE_IN_A_NEW_PROCESS, json.dumps(GUTHRIE_STORY)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        summaries.add(done.stdout)

    assert len(summaries) == 1
    assert len(json.loads(summaries.pop())) == 3
