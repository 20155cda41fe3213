"""manage.py import_ratings on the shared rater files: matching, report, idempotency, rollback."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from sources.models import Rating, Source, SourceChange, SourceDomain
from sources.scales import BiasLabel, FactualityLabel, Rater
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def _outlet(name: str, domain: str, *aliases: str) -> Source:
    source = SourceFactory(
        name=name, domain=domain, bias=BiasLabel.UNRATED, factuality=FactualityLabel.UNRATED
    )
    for alias in aliases:
        SourceDomain.objects.create(source=source, domain=alias)
    return source


@pytest.fixture
def outlets() -> dict[str, Source]:
    """A few real outlets, as the catalogue would hold them."""
    return {
        "abc": _outlet("ABC News", "abcnews.go.com"),
        "bbc": _outlet("BBC News", "bbc.co.uk", "bbc.com"),
        "fox": _outlet("Fox News", "foxnews.com"),
        "guardian": _outlet("The Guardian", "theguardian.com"),
        "breitbart": _outlet("Breitbart", "breitbart.com"),
    }


def _import(path: Path, rater: str, *args: str) -> str:
    out = StringIO()
    call_command("import_ratings", str(path), "--rater", rater, *args, stdout=out)
    return out.getvalue()


def _ratings(rater: str) -> dict[str, tuple]:
    return {
        r.source.name: (r.bias_label, r.factuality_label, r.bias_score, r.reliability_score)
        for r in Rating.objects.filter(rater=rater).select_related("source")
    }


def test_allsides_2019_matches_outlets_by_name(shared_data, outlets):
    output = _import(shared_data / "ratings" / "allsides_2019.csv", Rater.ALLSIDES)
    assert "created 4, updated 0, unchanged 0" in output
    assert _ratings(Rater.ALLSIDES)["Breitbart"][0] == "right"  # "Breitbart News" in the file
    outlets["abc"].refresh_from_db()
    assert outlets["abc"].bias == BiasLabel.LEAN_LEFT


def test_allsides_2023_matches_an_alias_domain(shared_data, outlets):
    _import(shared_data / "ratings" / "allsides_domains_2023.csv", Rater.ALLSIDES)
    outlets["bbc"].refresh_from_db()
    assert _ratings(Rater.ALLSIDES)["BBC News"][0] == "Center"  # the file lists bbc.com
    assert outlets["bbc"].bias == BiasLabel.CENTER


def test_a_sub_site_row_does_not_override_the_outlet_row(shared_data, outlets):
    output = _import(shared_data / "ratings" / "allsides_domains_2023.csv", Rater.ALLSIDES, "-v2")
    assert _ratings(Rater.ALLSIDES)["Fox News"][0] == "Lean Right"  # not latino.foxnews.com
    assert "latino.foxnews.com (a sub-site of Fox News" in output


def test_mbfc_2024_imports_bias_and_factual_reporting(shared_data, outlets):
    _import(shared_data / "ratings" / "mbfc_2024.csv", Rater.MBFC)
    outlets["breitbart"].refresh_from_db()
    assert _ratings(Rater.MBFC)["Breitbart"][:2] == ("right", "mixed")
    assert outlets["breitbart"].factuality == FactualityLabel.MIXED


def test_mbfc_emnlp18_imports_from_the_tsv(shared_data, outlets):
    output = _import(shared_data / "ratings" / "mbfc_emnlp18.tsv", Rater.MBFC)
    assert "created 2" in output
    assert set(_ratings(Rater.MBFC)) == {"Breitbart", "Fox News"}


def test_mbfc_2025_factuality_keeps_the_bias_another_file_gave(shared_data, outlets):
    _import(shared_data / "ratings" / "mbfc_2024.csv", Rater.MBFC)
    _import(shared_data / "ratings" / "mbfc_factual_2025.json", Rater.MBFC)
    bias, factuality, *_ = _ratings(Rater.MBFC)["Fox News"]
    assert bias == "right"
    assert factuality.startswith("Objective Reporting ")


def test_ad_fontes_imports_scores_by_name(shared_data, outlets):
    _import(shared_data / "ratings" / "adfontes_2022.csv", Rater.AD_FONTES)
    outlets["abc"].refresh_from_db()
    assert str(_ratings(Rater.AD_FONTES)["ABC News"][2]) == "-4.66"
    assert outlets["abc"].bias == BiasLabel.CENTER  # -4.66 is inside Ad Fontes' middle column
    assert outlets["abc"].factuality == FactualityLabel.HIGH


@pytest.mark.parametrize(
    ("file_name", "rater"),
    [
        ("allsides_2019.csv", Rater.ALLSIDES),
        ("allsides_domains_2023.csv", Rater.ALLSIDES),
        ("mbfc_2024.csv", Rater.MBFC),
        ("mbfc_factual_2025.json", Rater.MBFC),
        ("adfontes_2022.csv", Rater.AD_FONTES),
    ],
)
def test_importing_the_same_file_again_changes_nothing(shared_data, outlets, file_name, rater):
    path = shared_data / "ratings" / file_name
    _import(path, rater)
    history = SourceChange.objects.count()
    output = _import(path, rater)
    assert "created 0, updated 0, unchanged" in output
    assert SourceChange.objects.count() == history


def test_the_report_counts_unmatched_rows(shared_data, outlets):
    output = _import(shared_data / "ratings" / "adfontes_2022.csv", Rater.AD_FONTES)
    assert "created 5, updated 0, unchanged 0, unmatched 423, rejected 0" in output


def test_rejected_rows_are_listed_with_their_line_numbers(tmp_path, outlets):
    path = tmp_path / "editor.csv"
    path.write_text(
        "domain,bias_label\nfoxnews.com,right\nbbc.com,centre\nnowhere.example,left\n",
        encoding="utf-8",
    )
    output = _import(path, Rater.EDITOR)
    assert "created 1, updated 0, unchanged 0, unmatched 1, rejected 1" in output
    assert "rejected line 3: unknown Editor bias value 'centre'" in output


def test_a_dry_run_writes_nothing(shared_data, outlets):
    output = _import(shared_data / "ratings" / "mbfc_2024.csv", Rater.MBFC, "--dry-run")
    assert output.startswith("[dry run, nothing written]")
    assert "created 4" in output  # the dump has no abcnews.go.com
    assert not Rating.objects.exists()
    assert not SourceChange.objects.exists()
    assert Source.objects.filter(bias=BiasLabel.UNRATED).count() == 5


def test_a_strict_import_with_a_rejected_row_rolls_back_the_whole_file(tmp_path, outlets):
    path = tmp_path / "allsides.csv"
    path.write_text(
        "domain,bias_label\nfoxnews.com,Right\nbreitbart.com,Right\nbbc.com,Centrist\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="1 rejected rows; nothing imported"):
        _import(path, Rater.ALLSIDES, "--strict")
    assert not Rating.objects.exists()
    assert not SourceChange.objects.exists()


def test_a_file_of_another_rater_fails_and_changes_nothing(shared_data, outlets):
    with pytest.raises(CommandError, match="nothing was imported"):
        _import(shared_data / "ratings" / "adfontes_2022.csv", Rater.ALLSIDES)
    assert not Rating.objects.exists()


def test_a_file_that_is_not_utf8_fails(tmp_path, outlets):
    path = tmp_path / "latin1.csv"
    path.write_bytes("domain,bias_label\nlemonde.fr,Gauche modérée\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        _import(path, Rater.ALLSIDES)


def test_the_history_names_the_imported_file(shared_data, outlets):
    _import(shared_data / "ratings" / "adfontes_2022.csv", Rater.AD_FONTES)
    change = SourceChange.objects.filter(field="rating:adfontes").first()
    assert change.reason == "imported from adfontes_2022.csv (adfontes_2022)"


def test_rated_on_is_set_on_every_row(shared_data, outlets):
    _import(
        shared_data / "ratings" / "adfontes_2022.csv", Rater.AD_FONTES, "--rated-on", "2022-08-01"
    )
    dates = set(Rating.objects.values_list("rated_on", flat=True))
    assert [d.isoformat() for d in dates] == ["2022-08-01"]


LONG_URL = "https://mbfc.example/" + "a" * 480  # 501 characters
OVERLONG_VALUES = {
    "url": ("url", LONG_URL),
    "confidence": ("confidence", "c" * 65),
    "bias_score": ("bias_score", "123456.5"),
    "reliability_score": ("reliability_score", "1e9"),
    "nan score": ("bias_score", "NaN"),
    "nul byte": ("confidence", "hi\x00gh"),
}


@pytest.mark.parametrize("case", OVERLONG_VALUES)
def test_a_value_the_rating_cannot_hold_is_rejected_with_its_line_in_a_dry_run(
    tmp_path, outlets, case
):
    path = tmp_path / "mbfc.csv"
    column, value = OVERLONG_VALUES[case]
    path.write_text(
        f"domain,bias_label,{column}\nfoxnews.com,right,\nbbc.co.uk,left-center,{value}\n"
    )

    output = _import(path, Rater.MBFC, "--dry-run")

    assert "rejected line 3:" in output
    assert "created 1" in output


def test_a_row_with_an_overlong_url_is_rejected_and_the_others_are_imported(tmp_path, outlets):
    path = tmp_path / "mbfc.csv"
    path.write_text(
        f"domain,bias_label,url\nbbc.co.uk,left-center,{LONG_URL}\n"
        "foxnews.com,right,https://mbfc.example/fox\n"
    )

    output = _import(path, Rater.MBFC)

    assert "rejected line 2: url is longer than 500 characters" in output
    assert list(Rating.objects.values_list("source__name", flat=True)) == ["Fox News"]


def test_a_javascript_rating_url_is_rejected_with_its_line(tmp_path, outlets):
    path = tmp_path / "mbfc.csv"
    path.write_text("domain,bias_label,url\nbbc.co.uk,left-center,javascript:alert(1)\n")

    output = _import(path, Rater.MBFC)

    assert "rejected line 2: url 'javascript:alert(1)' is not an http(s) address" in output
    assert not Rating.objects.exists()
