"""stories.headline: clean, neutral, representative titles."""

from stories.headline import HeadlineCandidate, choose_headline, clean_title, side_headlines


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


def test_a_question_loses_to_a_statement_of_the_event():
    candidates = [
        HeadlineCandidate("Could Trump end the AUKUS submarine pact?", bias="center"),
        HeadlineCandidate("Trump review puts the AUKUS submarine pact in doubt", bias="center"),
    ]
    assert not choose_headline(candidates).endswith("?")


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
