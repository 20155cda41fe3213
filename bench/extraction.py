"""Extraction quality: our stored article text against bare trafilatura, same pages, same run.

    .venv/bin/python bench/extraction.py [DIR]

DIR is laid out like ../shared/data/pages/aeb: ``html/<id>.html.gz`` and ``ground-truth.json``
(``{id: {url, articleBody}}``). "Ours" is exactly what the pipeline stores in ``Article.text``:
``ingestion.extraction.extract_article`` and, when it refuses a page (too little text), the
empty string, because the pipeline then keeps only the feed summary.
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import trafilatura  # noqa: E402

from ingestion.evaluation import TokenScores, mean_scores, token_scores  # noqa: E402
from ingestion.extraction import ExtractionFailedError, extract_article  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "data" / "pages" / "aeb"


def stored_text(html: bytes, url: str) -> str:
    try:
        return extract_article(html, url=url).text
    except ExtractionFailedError:
        return ""


def score_folder(folder: Path, limit: int | None = None) -> tuple[TokenScores, TokenScores, int]:
    truth = json.loads((folder / "ground-truth.json").read_text())
    ours: list[TokenScores] = []
    bare: list[TokenScores] = []
    for page_id in sorted(truth)[:limit]:
        path = folder / "html" / f"{page_id}.html.gz"
        if not path.exists():
            continue
        html = gzip.decompress(path.read_bytes())
        expected = truth[page_id]["articleBody"]
        url = truth[page_id].get("url", "")
        ours.append(token_scores(stored_text(html, url), expected))
        bare.append(token_scores(trafilatura.extract(html, url=url or None) or "", expected))
    return mean_scores(ours), mean_scores(bare), len(ours)


def main() -> None:
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_DIR
    ours, bare, pages = score_folder(folder)
    print(f"pages: {pages} from {folder}")
    print(f"{'':12} {'precision':>9} {'recall':>9} {'F1':>9}")
    for name, s in (("ours", ours), ("trafilatura", bare)):
        print(f"{name:12} {s.precision:9.4f} {s.recall:9.4f} {s.f1:9.4f}")
    print(f"extraction F1 ours={ours.f1:.4f} trafilatura={bare.f1:.4f}")


if __name__ == "__main__":
    main()
