"""Entity extraction against the hand annotations: precision and recall per kind.

    python bench/extraction.py [--corpus ../shared/corpus] [--show]

`bench/entities/annotations.jsonl` holds 60 articles read by hand (how: its
README). The rules in `search/text/entities/` were tuned on the *dev* half only
(articles whose SHA-1 of the id starts with an even hex digit); the *held-out*
half was not looked at while tuning, so its figures are the honest ones.
A found name counts when it equals an annotated name of its kind, both
normalised (简繁, full-width) as search normalises them. The baseline, in the
same run, is jieba's dictionary tags alone (nr/nrfg/nrt, ns, nt).
"""

from __future__ import annotations

import argparse
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import jieba.posseg

from search.ingest.jsonl import Line, read_jsonl
from search.models import ENTITY_KINDS, Article
from search.text.analysed import analyse
from search.text.analysis import normalize, squeeze

BENCH = Path(__file__).resolve().parent
ANNOTATIONS = BENCH / "entities" / "annotations.jsonl"
FILES = {"pd1998": "pd1998.jsonl", "xwlb": "xwlb.jsonl", "chinatimes": "chinatimes_tw.jsonl"}
_BASELINE_TAGS = {"nr": "person", "nrfg": "person", "nrt": "person", "ns": "place", "nt": "org"}

Found = dict[str, set[str]]  # kind -> names


def half(article_id: str) -> str:
    return "dev" if hashlib.sha1(article_id.encode()).hexdigest()[0] in "02468ace" else "held-out"


def baoku(article: Article) -> Found:
    found: Found = {kind: set() for kind in ENTITY_KINDS}
    for mention in analyse(article).article.mentions:
        found[mention.kind].add(mention.name)
    return found


def tags_only(article: Article) -> Found:
    """The baseline: every dictionary word of two or more characters tagged as a name."""
    found: Found = {kind: set() for kind in ENTITY_KINDS}
    tags = jieba.posseg.dt.word_tag_tab
    analysed = analyse(article)
    for unit in analysed.units:
        for piece in unit.pieces:
            kind = _BASELINE_TAGS.get(tags.get(piece, ""))
            if kind and len(piece) > 1:
                found[kind].add(piece)
    return found


def load(corpus: Path) -> list[tuple[dict[str, object], Article]]:
    wanted = [json.loads(line) for line in ANNOTATIONS.read_text("utf-8").splitlines()]
    ids = {str(a["id"]) for a in wanted}
    articles: dict[str, Article] = {}
    for name in {FILES[str(a["source"])] for a in wanted}:
        for line in read_jsonl(corpus / name):
            if isinstance(line, Line) and isinstance(line.item, Article) and line.item.id in ids:
                articles[line.item.id] = line.item
    return [(a, articles[str(a["id"])]) for a in wanted]


def score(
    data: list[tuple[dict[str, object], Article]], extractor: Callable[[Article], Found], show: bool
) -> dict[str, tuple[int, int, int]]:
    """kind -> (true positives, found, annotated)."""
    totals: dict[str, tuple[int, int, int]] = {kind: (0, 0, 0) for kind in ENTITY_KINDS}
    for annotation, article in data:
        found = extractor(article)
        for kind in ENTITY_KINDS:
            gold = {squeeze(normalize(str(n))) for n in annotation[kind]}  # type: ignore[attr-defined]
            right = found[kind] & gold
            tp, n_found, n_gold = totals[kind]
            totals[kind] = (tp + len(right), n_found + len(found[kind]), n_gold + len(gold))
            if show and (found[kind] - gold or gold - found[kind]):
                extra, missed = sorted(found[kind] - gold), sorted(gold - found[kind])
                print(f"{article.id} {kind}: +{extra} -{missed}")
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=BENCH.parent.parent / "shared" / "corpus")
    parser.add_argument("--show", action="store_true", help="misses and false finds (dev half)")
    args = parser.parse_args()
    data = load(args.corpus)
    halves = {h: [d for d in data if half(d[1].id) == h] for h in ("dev", "held-out")}
    print("| extractor | half | articles | kind | precision | recall | F1 | found | annotated |")
    print("| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for name, extractor in (("baoku", baoku), ("baseline: jieba tags", tags_only)):
        for which, rows in halves.items():
            show = args.show and name == "baoku" and which == "dev"
            for kind, (tp, n_found, n_gold) in score(rows, extractor, show).items():
                p = tp / n_found if n_found else 0.0
                r = tp / n_gold if n_gold else 0.0
                f1 = 2 * p * r / (p + r) if p + r else 0.0
                print(
                    f"| {name} | {which} | {len(rows)} | {kind} | {p:.2f} | {r:.2f} | {f1:.2f} "
                    f"| {n_found} | {n_gold} |"
                )


if __name__ == "__main__":
    main()
