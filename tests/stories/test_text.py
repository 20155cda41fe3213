"""stories.text: tokens, stems and names in headlines."""

from stories.text import content_terms, is_title_case, stem, words


def test_plural_and_possessive_share_a_stem():
    assert stem("bitcoins") == stem("bitcoin's") == stem("bitcoin")


def test_files_and_filing_share_a_stem():
    """Guards "Sbarro files …" against "Pizza-maker Sbarro filing …" (one event)."""
    assert stem("files") == stem("filing")


def test_stop_words_are_not_terms():
    terms, _ = content_terms("Sbarro files for bankruptcy for the second time")
    assert "for" not in terms and "the" not in terms


def test_title_case_headline_is_recognised():
    assert is_title_case(words("Sbarro Files For Second Bankruptcy Protection"))


def test_capitalised_words_in_a_sentence_case_headline_are_names():
    _, entities = content_terms("Bitcoin exchange Mt. Gox files US bankruptcy")
    assert "gox" in entities


def test_typographic_apostrophes_are_read_as_plain_ones():
    assert words("Peru\u2019s Congress") == words("Peru's Congress")


def test_accented_and_plain_spellings_are_one_term():
    """Guards "José Jerí" (NYT) against "Jose Jeri" (ABC News)."""
    assert content_terms("Peru ousts José Jerí")[0] == content_terms("Peru ousts Jose Jeri")[0]
