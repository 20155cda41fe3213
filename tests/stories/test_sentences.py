"""stories.sentences on the real sentences that made bad bullets. No database."""

import pytest

from stories.sentences import (
    bullet_defect,
    is_boilerplate,
    lead_sentence,
    main_clause,
    split_sentences,
    strip_lead,
    usable_sentences,
)


def test_a_date_abbreviation_does_not_end_a_sentence():
    """Guards "Israel says 91 hostages abducted on Oct." (a bullet cut at "Oct. 7")."""
    text = "Israel says 91 hostages abducted on Oct. 7 remain in Gaza. Talks resume on Monday."

    assert split_sentences(text)[0] == "Israel says 91 hostages abducted on Oct. 7 remain in Gaza."


def test_a_sentence_already_cut_at_an_abbreviation_is_refused():
    assert bullet_defect("Israel says 91 hostages abducted on Oct.") == "cut at an abbreviation"


@pytest.mark.parametrize(
    "sentence",
    [
        # TIME's Abilene housing story: its first bullet, whose speaker is named later.
        "\"Nobody can find a place to live. Our city fathers didn't think that AI center "
        'through very well."',
        # AllAfrica's Kadugli siege story: the second half of a quotation.
        '"Since the living were the ones who suffered under this unbearable reality."',
    ],
)
def test_a_quotation_with_no_one_saying_it_is_refused(sentence):
    assert bullet_defect(sentence) == "unattributed quotation"


def test_a_quotation_whose_speaker_the_sentence_names_is_a_bullet():
    sentence = (
        '"Time is running out," says Anthony Aguirre, the FLI\'s executive director, in an '
        "interview with TIME."
    )
    assert bullet_defect(sentence) is None


def test_a_clock_time_does_not_cut_a_sentence():
    """Guards the demo's fragment "Monday as evacuation orders spread …" (cut after "p.m.")."""
    text = (
        "Families fleeing the Hollow Creek Fire began arriving around 9 p.m. Monday as "
        "evacuation orders spread from Cinder Ridge to Ostby Flats. About 2,300 people spent "
        "the night here."
    )

    assert len(split_sentences(text)) == 2
    assert "p.m. Monday as evacuation" in split_sentences(text)[0]


def test_the_tail_of_a_cut_sentence_is_a_fragment():
    sentence = "Monday as evacuation orders spread from Cinder Ridge to Ostby Flats."

    assert bullet_defect(sentence) == "fragment"


def test_a_byline_glued_to_a_reuters_dateline_is_stripped():
    """Guards "By Laila Bassam and Tala RamadanDUBAI, Feb 17 (Reuters) - …" (Al-Monitor feed)."""
    sentence = (
        "By Laila Bassam and Tala RamadanDUBAI, Feb 17 (Reuters) - Armed group Hezbollah "
        "rejected on Tuesday the Lebanese government's decision to grant the army more time."
    )

    assert strip_lead(sentence).startswith("Armed group Hezbollah rejected on Tuesday")


def test_a_dateline_with_a_place_and_region_is_stripped():
    sentence = "PORT HALLORAN, Kestrel Islands - A magnitude 6.8 earthquake struck before dawn."

    assert strip_lead(sentence) == "A magnitude 6.8 earthquake struck before dawn."


@pytest.mark.parametrize(
    ("opening", "news"),
    [
        (
            "[Capital FM] Nairobi -- Aviation workers have suspended their strike.",
            "Aviation workers have suspended their strike.",
        ),
        (
            "[Premium Times] A wedding ceremony ended in grief.",
            "A wedding ceremony ended in grief.",
        ),
        ('[allAfrica] "In a single decade, the world has changed."', '"In a single decade, the'),
        ("[The company] will appeal the ruling, she said.", "[The company] will appeal"),
    ],
)
def test_an_aggregators_outlet_tag_and_dateline_are_stripped(opening, news):
    """AllAfrica opens every entry with the outlet it carries, so its leads were all refused
    as fragments. An editor's bracket that starts a sentence is not such a tag."""
    assert strip_lead(opening).startswith(news)


# Al-Monitor's Reuters lead for the Hezbollah story, the story's only complete lead sentence.
HEZBOLLAH_LEAD = (
    "Armed group Hezbollah rejected on Tuesday the Lebanese government's decision to grant the "
    "army at least four months to advance the second phase of a nationwide disarmament plan, "
    "saying it would not accept what it sees as a move serving Israel."
)


def test_a_lead_too_long_for_a_bullet_gives_its_main_clause():
    """The Hezbollah story had no bullet: its one complete lead is 243 characters."""
    assert bullet_defect(HEZBOLLAH_LEAD) == "too long"

    assert usable_sentences(HEZBOLLAH_LEAD) == [
        (
            HEZBOLLAH_LEAD,
            "Armed group Hezbollah rejected on Tuesday the Lebanese government's decision to "
            "grant the army at least four months to advance the second phase of a nationwide "
            "disarmament plan.",
        )
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        # after "including …" the sentence comes back to its verb: an aside, not a modifier
        "More than 80 actors, directors and other artists who have taken part in the Berlin "
        "Film Festival, including Tilda Swinton and Javier Bardem, signed an open letter to the "
        "organisers published on Tuesday calling for them to take a clear stance on the war.",
        # who says so would be cut off with the modifier before it
        "A virtually rainless fall has left brush bone-dry and forecasts called for low humidity "
        "and winds gusting at times to 55 mph, which might fling tree branches or other debris "
        "into power lines and set catastrophic fires in the region, PG&E officials said.",
        # the opening phrase never reaches its main clause before the cut
        "Out of 17 observations by the W. M. Keck Observatory in Hawaii, which uses a "
        "spectrograph to detect the chemical compositions of other planets' atmospheres by "
        "scanning the infrared light they release or absorb, the scientists found four worth a "
        "closer look.",
        # a list of nouns in -ing, not a participle phrase
        "The agency said the convoy of forty lorries carried food for the displaced families "
        "of the northern districts who fled the fighting last month, clothing and shelter for "
        "the winter, and medicine for the clinics that are still open in the hills near town.",
    ],
)
def test_a_long_sentence_is_not_cut_where_the_rest_is_needed(sentence):
    assert len(sentence) > 240
    assert main_clause(sentence) == ""


def test_a_byline_alone_is_never_a_bullet():
    assert bullet_defect("By Matt Spetalnick, Olivia Le Poidevin and Parisa Hafezi") is not None


def test_a_question_is_never_a_bullet():
    sentence = "Historic trade deals put India on global stage, but what challenges remain?"

    assert bullet_defect(sentence) == "question"


def test_a_teaser_is_never_a_bullet():
    """Guards BBC's gallery standfirst, which was a bullet of the Jesse Jackson story."""
    sentence = (
        "A look back at the remarkable life of the US civil rights activist, who died on "
        "Tuesday aged 84."
    )

    assert bullet_defect(sentence) == "teaser"


def test_a_running_record_is_a_teaser():
    """The Washington Post's standing strike map, filed beside its report of the strikes."""
    sentence = (
        "An ongoing record of U.S. strikes in the Caribbean and eastern Pacific in the leadup "
        "to the attack on Venezuela and apprehension of President Nicolás Maduro."
    )

    assert bullet_defect(sentence) == "teaser"


def test_the_wordpress_footer_is_boilerplate():
    """Guards "The post … appeared first on Boston.com." (a bullet in about ten stories)."""
    footer = (
        "The post Obama shuts down alien buzz and says there's no evidence they've made "
        "contact appeared first on Boston.com."
    )

    assert is_boilerplate(footer)


@pytest.mark.parametrize(
    "sentence",
    [
        "It was the first time Iran has announced the closure of the key international waterway.",
        "But almost every one of the 31 deaths counted by Wednesday evening happened in the "
        "same place.",
        "Despite hosting a global summit, it is a bystander in the race to develop frontier "
        "models.",
        "On Tuesday the federal Drug Pricing Authority fined it $95 million for doing so.",
        "On Saturday her tactical switch late in the game helped the Mariners come back.",
        # El País on Robert Duvall: "these words" are the quotation before it.
        "With these words, Luciana Duvall announced on social media that her husband, acting "
        "legend Robert Duvall, had passed away on Sunday at the age of 95 at his ranch in "
        "Virginia.",
        # El País on the West Bank: who "she" is was said in the sentence before.
        '"I feel," she said, "like someone who stops at a traffic light and suddenly the light '
        'turns green."',
        # El País on Robert Duvall: an unattributed quotation about an unnamed "he".
        '"To the world, he was an Academy Award-winning actor, a director, a storyteller. To '
        'me, he was simply everything."',
    ],
)
def test_a_sentence_whose_referent_is_in_the_sentence_before_does_not_stand_alone(sentence):
    assert bullet_defect(sentence) == "needs the sentence before"


def test_a_phrase_pointing_at_the_sentence_before_is_dropped_when_the_rest_stands_alone():
    text = (
        '"To the world, he was an Academy Award-winning actor." With these words, Luciana '
        "Duvall announced on social media that her husband, acting legend Robert Duvall, had "
        "passed away on Sunday at the age of 95 at his ranch in Virginia.\n\nMore follows."
    )

    bullets = [bullet for _, bullet in usable_sentences(text)]

    assert bullets == [
        "Luciana Duvall announced on social media that her husband, acting legend Robert "
        "Duvall, had passed away on Sunday at the age of 95 at his ranch in Virginia."
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Iran says it temporarily closed the Strait of Hormuz as it entered a new round of talks.",
        "Odile Vantross, the chief executive, says she is sorry for the breach of the accounts.",
        "Peru's Congress has voted to remove interim President José Jerí from office.",
        "After this month's vote, Peru's Congress named José María Balcázar interim president.",
        # A name that opens with an accented capital is a referent too.
        "Ángela said her 22-year-old son had been detained by immigration agents in Texas.",
    ],
)
def test_a_pronoun_with_its_referent_in_the_sentence_is_fine(sentence):
    assert bullet_defect(sentence) is None


def test_a_writer_speaking_in_the_first_person_is_not_a_bullet():
    """Rest of World's standfirst: one writer's experience, not the news."""
    sentence = "For bigger choices, I still trust myself more."

    assert bullet_defect(sentence) == "first person"


def test_first_person_inside_a_quotation_is_reporting():
    sentence = '"We knew exactly which streets would fall," said Maren Ostrow, a tenant leader.'

    assert bullet_defect(sentence) is None


@pytest.mark.parametrize(
    "description",
    [
        "The government's inaction runs counter to its goals",  # The Economist, Asia
        "Swiss watchmaking giant Omega has been at the finish line of every Olympic Games for "
        "nearly 100 years",  # The Week
    ],
)
def test_a_one_sentence_description_without_a_full_stop_is_usable(description):
    assert usable_sentences(description) == [(description, f"{description}.")]


def test_an_unpunctuated_heading_inside_an_article_is_not_usable():
    text = (
        "Lebanon's cabinet met on Tuesday to discuss the army's plan.\n\n"
        "What Comes Next For Lebanon"
    )

    assert [bullet for _raw, bullet in usable_sentences(text)] == [
        "Lebanon's cabinet met on Tuesday to discuss the army's plan."
    ]


def test_the_lead_sentence_skips_the_byline_paragraph():
    text = (
        "By Olivia Le Poidevin\n\nGENEVA, Feb 17 (Reuters) - An independent United Nations "
        "body on Tuesday condemned attacks by several European ministers on its rapporteur."
    )

    assert lead_sentence(text).startswith("An independent United Nations body on Tuesday")
