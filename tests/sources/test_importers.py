"""Parsing raters' files: formats, line-numbered rejections, failures of a whole file."""

from datetime import date
from decimal import Decimal

import pytest

from sources.importers import (
    ImportFileError,
    build_name_index,
    detect_format,
    match_name,
    name_keys,
    parse_ratings_file,
)
from sources.scales import Rater

SHARED_FORMATS = [
    ("adfontes_2022.csv", "adfontes_2022", Rater.AD_FONTES),
    ("allsides_2019.csv", "allsides_2019", Rater.ALLSIDES),
    ("allsides_domains_2023.csv", "allsides_domains_2023", Rater.ALLSIDES),
    ("mbfc_2024.csv", "mbfc_2024", Rater.MBFC),
    ("mbfc_emnlp18.tsv", "mbfc_emnlp18", Rater.MBFC),
    ("mbfc_factual_2025.json", "mbfc_factual_2025", Rater.MBFC),
]


@pytest.mark.parametrize(("file_name", "format_name", "rater"), SHARED_FORMATS)
def test_each_shared_file_format_is_detected_from_its_header(
    shared_data, file_name, format_name, rater
):
    text = (shared_data / "ratings" / file_name).read_text(encoding="utf-8")
    assert detect_format(text) == format_name


def test_allsides_2019_rows_keep_the_published_label_url_and_confidence(shared_data):
    text = (shared_data / "ratings" / "allsides_2019.csv").read_text(encoding="utf-8")
    parsed = parse_ratings_file(text, rater=Rater.ALLSIDES)
    abc = next(row for row in parsed.rows if row.name == "ABC News")
    assert abc.line == 3
    assert abc.values == {
        "bias_label": "left-center",
        "url": "https://www.allsides.com/news-source/abc-news-media-bias",
        "confidence": "High",
    }


def test_ad_fontes_rows_carry_the_two_scores(shared_data):
    text = (shared_data / "ratings" / "adfontes_2022.csv").read_text(encoding="utf-8")
    parsed = parse_ratings_file(text, rater=Rater.AD_FONTES)
    abc = next(row for row in parsed.rows if row.name == "ABC News")
    assert abc.values == {"bias_score": Decimal("-4.66"), "reliability_score": Decimal("46.64")}


def test_mbfc_2025_json_rows_know_their_line_in_the_file(shared_data):
    text = (shared_data / "ratings" / "mbfc_factual_2025.json").read_text(encoding="utf-8")
    parsed = parse_ratings_file(text, rater=Rater.MBFC)
    second = parsed.rows[1]
    assert (second.line, second.host) == (9, "montrealgazette.com")
    assert second.values["factuality_label"] == "Objective Reporting 5"


def test_a_rated_section_keeps_its_path(shared_data):
    text = (shared_data / "ratings" / "mbfc_factual_2025.json").read_text(encoding="utf-8")
    parsed = parse_ratings_file(text, rater=Rater.MBFC)
    section = next(row for row in parsed.rows if row.host == "theadvocate.com" and row.path)
    assert section.path == "/acadiana"


def test_mbfc_2024_rows_without_a_domain_are_rejected_with_their_line(shared_data):
    text = (shared_data / "ratings" / "mbfc_2024.csv").read_text(encoding="utf-8")
    parsed = parse_ratings_file(text, rater=Rater.MBFC)
    lines = text.splitlines()
    for rejected in parsed.rejected:
        assert "no usable domain" in rejected.reason
        assert lines[rejected.line - 1].split(",")[0] in rejected.reason


def test_a_bad_row_is_rejected_with_its_line_number_and_the_rest_is_kept():
    text = (
        "domain,bias_label\n"
        "good.example,Lean Left\n"
        "bad.example,Somewhat Left\n"
        "also-good.example,Right\n"
    )
    parsed = parse_ratings_file(text, rater=Rater.ALLSIDES)
    assert [row.host for row in parsed.rows] == ["good.example", "also-good.example"]
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (3, "unknown AllSides bias value 'Somewhat Left'")
    ]


def test_a_quoted_cell_over_two_lines_does_not_shift_later_line_numbers():
    text = 'name,bias_label\n"Two\nLines",Center\nThird,Nonsense\n'
    parsed = parse_ratings_file(text, rater=Rater.ALLSIDES)
    assert parsed.rows[0].line == 2
    assert parsed.rejected[0].line == 4


def test_generic_rows_are_checked_for_numbers_and_dates():
    text = (
        "name,bias_score,reliability_score,rated_on\n"
        "A,-5,40,2022-01-01\n"
        "B,left,40,2022-01-01\n"
        "C,-5,70,2022-01-01\n"
        "D,-5,40,last year\n"
    )
    parsed = parse_ratings_file(text, rater=Rater.AD_FONTES)
    assert parsed.rows[0].values["rated_on"] == date(2022, 1, 1)
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (3, "bias_score 'left' is not a number"),
        (4, "Ad Fontes reliability 70.0 is outside 0 … 64"),
        (5, "rated_on 'last year' is not a YYYY-MM-DD date"),
    ]


def test_a_row_that_gives_no_rating_is_rejected():
    parsed = parse_ratings_file("domain,url\nx.example,https://r.example\n", rater=Rater.MBFC)
    assert parsed.rejected[0].reason == "the row gives no rating"


def test_a_rating_url_that_is_not_a_web_address_is_rejected():
    text = (
        "domain,bias_label,url\nx.example,Left,javascript:alert(1)\ny.example,Left,http://[bad/x\n"
    )
    parsed = parse_ratings_file(text, rater=Rater.ALLSIDES)
    assert [(r.line, r.reason) for r in parsed.rejected] == [
        (2, "url 'javascript:alert(1)' is not an http(s) address"),
        (3, "url 'http://[bad/x' is not an http(s) address"),
    ]


def test_editor_rows_use_our_own_labels():
    text = "domain,bias_label,factuality_label\nx.example,lean_right,very_high\ny.example,Lean,\n"
    parsed = parse_ratings_file(text, rater=Rater.EDITOR)
    assert len(parsed.rows) == 1
    assert parsed.rejected[0].line == 3


def test_a_file_of_unknown_columns_fails_as_a_whole():
    with pytest.raises(ImportFileError, match="fits no known format"):
        parse_ratings_file("outlet,score\nx,1\n", rater=Rater.MBFC)


def test_a_generic_file_without_domain_or_name_fails_as_a_whole():
    with pytest.raises(ImportFileError, match="missing columns"):
        parse_ratings_file(
            "title,bias_label\nx,Left\n", rater=Rater.ALLSIDES, format_name="generic"
        )


def test_a_format_of_another_rater_fails_as_a_whole(shared_data):
    text = (shared_data / "ratings" / "adfontes_2022.csv").read_text(encoding="utf-8")
    with pytest.raises(ImportFileError, match="holds adfontes ratings"):
        parse_ratings_file(text, rater=Rater.MBFC)


def test_truncated_json_fails_as_a_whole():
    with pytest.raises(ImportFileError, match="line 3: invalid JSON"):
        parse_ratings_file('[\n{"URL": "x.com", \n', rater=Rater.MBFC)


def test_name_keys_fold_case_punctuation_the_and_news():
    assert name_keys("The Guardian") == ("the guardian", "guardian", "theguardian")
    assert name_keys("Fox News") == ("fox news", "fox", "foxnews")


def test_a_name_matches_an_outlet_by_its_domain_label():
    index = build_name_index([(1, "Fox News Channel", ["foxnews.com"])])
    assert match_name(index, "Fox News") == {1}


def test_an_exact_name_beats_looser_matches():
    index = build_name_index([(1, "BBC News", ["bbc.co.uk"]), (2, "BBC", ["bbc.example"])])
    assert match_name(index, "BBC") == {2}
    assert match_name(index, "BBC News") == {1}


def test_a_name_that_fits_two_outlets_loosely_is_ambiguous():
    index = build_name_index([(1, "CBS News", ["cbsnews.com"]), (2, "CBS", ["cbs.com"])])
    assert match_name(index, "CBS Online") == {1, 2}
