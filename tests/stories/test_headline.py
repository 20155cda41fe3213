"""stories.headline: clean, neutral, representative titles."""

import pytest

from stories.headline import (
    HeadlineCandidate,
    choose_headline,
    clean_title,
    side_headlines,
    style_weight,
    title_kind,
)


def test_outlet_suffix_after_a_dash_is_removed():
    assert clean_title("Civil rights leader Jesse Jackson dies, aged 84 - BBC News") == (
        "Civil rights leader Jesse Jackson dies, aged 84"
    )


def test_outlet_suffix_after_a_bar_is_removed():
    assert clean_title("First day of Russia-Ukraine peace talks ends in Geneva | Reuters") == (
        "First day of Russia-Ukraine peace talks ends in Geneva"
    )


def test_a_dash_inside_the_headline_is_kept():
    title = "Miley Cyrus - Miley Cyrus fan arrested after sneaking into dressing room"
    assert clean_title(title) == title


def test_trailing_ellipsis_is_removed():
    assert clean_title("UniCredit posts record Q4 loss of $21 billion due to  ...") == (
        "UniCredit posts record Q4 loss of $21 billion due to"
    )


def test_the_center_outlets_title_wins_among_equally_central_ones():
    candidates = [
        HeadlineCandidate("Peru's Congress removes interim President Jeri", bias="left"),
        HeadlineCandidate("Peru's Congress ousts interim President Jose Jeri", bias="center"),
        HeadlineCandidate("Peru's Congress removes interim President Jose Jeri", bias="right"),
    ]
    assert choose_headline(candidates) == "Peru's Congress ousts interim President Jose Jeri"


def test_a_label_naming_the_country_loses_to_the_title_that_says_what_happened():
    """The replayed outlet feeds headed Bangladesh's election story "A New Chapter for
    Bangladesh": two words, both of them the story's commonest, from a Center outlet."""
    candidates = [
        HeadlineCandidate("A New Chapter for Bangladesh", bias="center", factuality_value=4.0),
        HeadlineCandidate(
            "Key Bangladesh election returns old guard to power",
            bias="lean_left",
            factuality_value=3.5,
        ),
        HeadlineCandidate(
            "Can Bangladesh\u2019s old guard build a new democracy?",
            bias="center",
            factuality_value=4.0,
        ),
    ]
    assert choose_headline(candidates) == "Key Bangladesh election returns old guard to power"


def test_a_label_is_still_the_headline_when_no_article_says_more():
    """Foreign Policy's "Labubu Diplomacy", its story's only article."""
    assert choose_headline([HeadlineCandidate("Labubu Diplomacy", bias="center")]) == (
        "Labubu Diplomacy"
    )


def test_a_question_loses_to_a_statement_of_the_event():
    candidates = [
        HeadlineCandidate("Could Trump end the AUKUS submarine pact?", bias="center"),
        HeadlineCandidate("Trump review puts the AUKUS submarine pact in doubt", bias="center"),
    ]
    assert not choose_headline(candidates).endswith("?")


def test_a_title_capitalising_every_word_loses_to_one_in_sentence_case():
    """NDTV's title headed the Iran story as "…Strait Of Hormuz Amid US Nuclear Talks"."""
    candidates = [
        HeadlineCandidate("Iran Temporarily Closes Strait Of Hormuz Amid US Nuclear Talks"),
        HeadlineCandidate(
            "Iran temporarily closed the Strait of Hormuz as it held latest round of indirect "
            "talks with US"
        ),
        HeadlineCandidate("Iran announces closure of vital shipping route during US nuclear talks"),
    ]

    assert "Strait Of Hormuz" not in choose_headline(candidates)


def test_title_case_that_leaves_little_words_small_is_not_penalised():
    """The New York Times' style: "in" and "of" stay small."""
    title = "Iran Holds Exercises in Strait of Hormuz After Trump Threatens Military Action"

    assert style_weight(title) == 1.0


def test_side_headlines_need_two_sides():
    candidates = [HeadlineCandidate("Jesse Jackson dies aged 84", bias="center")] * 2
    assert side_headlines(candidates) == {}


def test_side_headlines_give_one_title_per_covering_side():
    candidates = [
        HeadlineCandidate("Civil rights leader Jesse Jackson dies, aged 84", bias="lean_left"),
        HeadlineCandidate("Jesse Jackson, civil rights leader, dies at 84", bias="center"),
        HeadlineCandidate("Jesse Jackson dead at 84", bias="right"),
        HeadlineCandidate("Jesse Jackson: a life in pictures", bias="unrated"),
    ]
    assert set(side_headlines(candidates)) == {"left", "center", "right"}


def test_a_question_title_is_not_the_headline_when_a_statement_exists():
    """Guards "Who Are the Israeli Hostages Released by Hamas?" (WSJ) as a story headline."""
    candidates = [
        HeadlineCandidate("Who Are the Israeli Hostages Released by Hamas?", bias="center"),
        HeadlineCandidate("Hamas releases four Israeli soldiers in second exchange", bias="left"),
    ]
    assert choose_headline(candidates) == "Hamas releases four Israeli soldiers in second exchange"


def test_an_opinion_title_is_not_the_headline_when_a_report_exists():
    """Guards El País's "… annexation frenzy" as the West Bank story's headline."""
    candidates = [
        HeadlineCandidate(
            "Israel upends the map of the West Bank upside with its annexation frenzy",
            bias="center",
        ),
        HeadlineCandidate("Israel approves land registration in the West Bank", bias="left"),
    ]
    assert choose_headline(candidates) == "Israel approves land registration in the West Bank"


def test_a_gallery_title_is_not_the_headline():
    """Guards "Jesse Jackson: A life in pictures" (BBC) as the story headline."""
    candidates = [
        HeadlineCandidate("Jesse Jackson: A life in pictures", bias="center"),
        HeadlineCandidate("Jesse Jackson: A life in pictures", bias="center"),
        HeadlineCandidate("Civil rights leader Jesse Jackson dies, aged 84", bias="unrated"),
    ]
    assert choose_headline(candidates) == "Civil rights leader Jesse Jackson dies, aged 84"


def test_an_appreciation_sweeping_from_one_thing_to_another_is_not_the_headline():
    """Guards CSM's appreciation as the headline of Robert Duvall's death (center outlets win
    ties, so it outranked El País's report)."""
    candidates = [
        HeadlineCandidate(
            "From \u2018The Godfather\u2019 to \u2018Tender Mercies,\u2019 Robert Duvall made "
            "each role his own",
            bias="center",
        ),
        HeadlineCandidate(
            "Hollywood legend Robert Duvall, star of \u2018The Godfather\u2019 and "
            "\u2018Apocalypse Now,\u2019 dies at 95",
            bias="lean_left",
        ),
    ]
    assert choose_headline(candidates).endswith("dies at 95")


def test_a_feature_alone_keeps_its_title_rather_than_its_opening_sentence():
    """El País's siesta feature opens on "Juan Antonio Madrid is a professor of physiology"."""
    candidate = HeadlineCandidate(
        "From \u2018pajamas and the chamber pot\u2019 to the \u2018coffee nap\u2019: In search of "
        "the perfect siesta",
        lead="Juan Antonio Madrid is a professor of physiology at the University of Murcia.",
    )
    assert choose_headline([candidate]).endswith("In search of the perfect siesta")


def test_an_explainer_alone_keeps_its_title_rather_than_its_opening_scene():
    """TIME's explainer was headed "One chilly day in November 2025, community worker Mike
    Prado drove through Abilene, Tex., handing out blankets …"."""
    candidate = HeadlineCandidate(
        "How the AI Boom Sparked a Housing Crisis in One Texas City",
        lead="One chilly day in November 2025, community worker Mike Prado drove through "
        "Abilene, Tex., handing out blankets, socks, and jackets to unhoused individuals "
        "across the city.",
    )
    assert choose_headline([candidate]) == (
        "How the AI Boom Sparked a Housing Crisis in One Texas City"
    )


def test_an_explainer_loses_to_the_report_of_the_event():
    """NDTV's explainer beside ABC's report of Bangladesh's swearing-in."""
    candidates = [
        HeadlineCandidate(
            "Why Jamaat, NCP Boycotted Tarique Rahman's Swearing-In As Bangladesh PM",
            bias="center",
        ),
        HeadlineCandidate(
            "Bangladesh's new prime minister is sworn in after his party's landslide election win",
            bias="lean_left",
        ),
    ]
    assert choose_headline(candidates).startswith("Bangladesh's new prime minister is sworn in")


def test_a_story_with_only_a_question_title_is_headed_by_its_lead_sentence():
    candidate = HeadlineCandidate(
        "Will increasing tensions with Iran boil over into war?",
        lead="The White House dispatched a second aircraft carrier to the Middle East.",
    )
    assert choose_headline([candidate]) == (
        "The White House dispatched a second aircraft carrier to the Middle East"
    )


def test_a_lead_longer_than_a_headline_does_not_replace_the_question_title():
    """TIME's piece was headed by its 155-character opening, which refers to the title."""
    candidate = HeadlineCandidate(
        "What Happens When Your Favorite Chatbot Dies?",
        lead="The question has become increasingly salient as people who form emotional "
        "attachments to their chatbots don't take kindly to having them suddenly disappear.",
    )
    assert choose_headline([candidate]) == "What Happens When Your Favorite Chatbot Dies?"


def test_a_bare_quotation_loses_to_the_lead_that_says_what_happened():
    """Foreign Policy's and The Week's titles of the Munich Security Conference's close."""
    candidates = [
        HeadlineCandidate(
            "\u2018An Existential Question for Europe\u2019",
            source_name="Foreign Policy",
            bias="lean_left",
            lead="The Munich Security Conference ends with no new answers on how to end the war "
            "in Ukraine.",
        ),
        HeadlineCandidate(
            "Munich Security Conference: a showdown between Europe and Trump?",
            source_name="The Week",
            bias="lean_left",
            lead="Report suggests European leaders believe they can no longer rely on the US.",
        ),
    ]
    assert choose_headline(candidates) == (
        "The Munich Security Conference ends with no new answers on how to end the war in Ukraine"
    )


# The 19 titles (with their outlets' bias and factuality) of the Iran-US talks story on 26
# real feeds, 15-18 February 2026: NPR's two run-up titles were the most central of them.
IRAN_TALKS_TITLES = [
    ('Iran calls talks with U.S. "more constructive" as Trump\'s threat looms', "lean_left", 4.0),
    ("U.S. and Iran wrap up second round of nuclear talks", "lean_left", 4.0),
    (
        "U.S. and Iran Make \u2018Good Progress\u2019 in Geneva Talks, Foreign Minister Says",
        "lean_left",
        4.0,
    ),
    ("Iran foreign minister says progress made in nuclear talks with U.S.", "unrated", 4.0),
    ("Iran says 'guiding principles' agreed with US at nuclear talks", "center", 3.5),
    ("US and Iran reach \u2018guiding principles\u2019 in Geneva nuclear talks", "lean_left", 3.0),
    ("Progress but not compromise as latest U.S.-Iran nuclear talks end", "center", 4.0),
    (
        "Military posturing alongside fragile diplomacy: What\u2019s next for US-Iran talks?",
        "lean_left",
        4.0,
    ),
    (
        "Amid threat of U.S. attack, Iran nuclear talks proceed without breakthrough",
        "lean_left",
        3.5,
    ),
    ("'Agreed On Guiding Principles For Deal': Iran On US Nuclear Talks", "lean_left", 2.0),
    ("Iran FM says agreed with US \u2018on guiding principles\u2019 for deal", "lean_left", 3.0),
    ("Former deputy special envoy for Iran discusses US-Iran nuclear talks", "center", 4.0),
    ("US and Iran to meet for second round of nuclear talks", "center", 4.0),
    ("U.S. and Iran to hold a second round of nuclear talks in Geneva", "center", 4.0),
    ("Trump says he will be involved indirectly in Iran talks", "lean_left", 3.0),
    (
        "Iran meets U.N. nuclear watchdog in Geneva ahead of a second round of U.S. talks",
        "unrated",
        4.0,
    ),
    (
        "Iran says US \u2018more realistic\u2019 on nuclear issue, as Guards begin drills in "
        "Hormuz Strait",
        "lean_left",
        3.0,
    ),
    (
        "Iran Holds Exercises in Strait of Hormuz After Trump Threatens Military Action",
        "lean_left",
        4.0,
    ),
    ("Iran\u2019s top diplomat to attend 'indirect' talks with U.S. in Geneva", "unrated", 4.0),
]


def test_a_title_announcing_the_talks_loses_to_the_reports_of_what_they_agreed():
    candidates = [
        HeadlineCandidate(title, bias=bias, factuality_value=factuality)
        for title, bias, factuality in IRAN_TALKS_TITLES
    ]
    assert choose_headline(candidates) == (
        "Iran says 'guiding principles' agreed with US at nuclear talks"
    )


def test_a_run_up_story_keeps_its_announcing_title():
    candidate = HeadlineCandidate(
        "Iran\u2019s top diplomat to attend 'indirect' talks with U.S. in Geneva",
        lead="Iran\u2019s foreign minister left for Geneva on Sunday for a second round of talks "
        "with the United States.",
    )
    assert choose_headline([candidate]) == (
        "Iran's top diplomat to attend 'indirect' talks with U.S. in Geneva"
    )


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Who Are the Israeli Hostages Released by Hamas?", "question"),
        ("Jesse Jackson: A life in pictures", "gallery"),
        ("Israel upends the map of the West Bank upside with its annexation frenzy", "opinion"),
        (
            "Solvane Power audit: where the $310 million went, according to investigators",
            "explainer",
        ),
        ("From Borges to Jennifer Aniston: Science begins to illuminate memory", "feature"),
        ("From the Senate floor, Rubio defended the deal to his critics", None),
        ("\u2018Those rights don\u2019t exist to protect criminals\u2019", "quote"),
        ("\u2018Sinners\u2019 wins best picture at the Oscars", None),
        ("Rubio to Europe: \u2018We Care Deeply\u2019", None),
        ("How the AI Boom Sparked a Housing Crisis in One Texas City", "explainer"),
        ("What to Know About Australia\u2019s Social Media Ban for Kids Under 16", "explainer"),
        ("Why we must stop pretending the ceasefire is working", "opinion"),
        ("Civil rights leader Jesse Jackson dies, aged 84", None),
        ("US and Iran to meet for second round of nuclear talks", "preview"),
        ("Ramadan to begin Wednesday in Saudi Arabia, while others start Thursday", "preview"),
        ("Rubio boosts Orb\u00e1n ahead of Hungary election", None),
        ("Taiwan\u2019s new opposition leader wants to talk to Xi Jinping", None),
        ("Peru's Congress removes interim President Jerí as he faces corruption allegations", None),
    ],
)
def test_titles_that_do_not_state_an_event_are_recognised(title, kind):
    assert title_kind(title) == kind
