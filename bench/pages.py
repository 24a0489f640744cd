"""How faithfully the page reader reads real articles back from rendered pages.

Every People's Daily page of January 1998 (`../shared/corpus/pd1998.jsonl`,
section `人民日报 第NN版`) is rendered as a scrape would give it: a header
(paper, date, weekday, page), the page's articles as `### title` and their
paragraphs separated by blank lines, an image line after each article's first
paragraph, and a footer (`责任编辑：…`). Each page is read back and compared
with the corpus: article count, titles, every paragraph exactly, the text as a
whole (paragraph boundaries aside), the page's date/paper/page.

The baseline is the page reader before issue 10 (`git show REV:search/ingest/pages.py`),
in the same run, on the same pages.

    .venv/bin/python bench/pages.py [--baseline-rev 7174389]
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from search.ingest.bylines import byline_line, trailing_credit
from search.ingest.pages import PageMeta, parse_page
from search.models import Article

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "pd1998.jsonl"
WEEKDAYS = "一二三四五六日"
_MARKS = re.compile(r"^[■□●◆▲★◇○☆△▼◎※•▶►◥◤◣◢]+\s*")
Reader = Callable[[str, str], list[Article]]


def pages() -> dict[tuple[str, str], list[dict[str, Any]]]:
    by_page: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    with CORPUS.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            by_page[(record["date"], record["section"].split("第")[-1].rstrip("版"))].append(record)
    return by_page


def render(date: str, page: str, records: list[dict[str, Any]]) -> str:
    day = datetime.date.fromisoformat(date)
    y, m, d = day.year, day.month, day.day
    lines = [f"人民日报 {y}年{m}月{d}日 星期{WEEKDAYS[day.weekday()]}", f"第{page}版", ""]
    for record in records:
        lines += [f"### {record['title']}", ""]
        for n, paragraph in enumerate(record["paragraphs"]):
            lines += [paragraph, ""]
            if n == 0:
                lines += ["![](http://example.com/photo.jpg)", ""]
    lines += ["责任编辑：王小明 美术编辑：李大为", ""]
    return "\n".join(lines)


def baseline_reader(rev: str) -> Reader:
    source = subprocess.run(
        ["git", "show", f"{rev}:search/ingest/pages.py"], capture_output=True, text=True, check=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "pages_before.py"
    path.write_text(source, "utf-8")
    spec = importlib.util.spec_from_file_location("pages_before", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["pages_before"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return lambda text, name: module.parse_page(text, name, module.PageMeta())


def expected(paragraphs: list[str]) -> list[str]:
    """What the reader should give back: the corpus paragraphs without those it moves to
    the authors by design (byline lines, credit-only paragraphs) and without decoration
    marks at a paragraph's start. pd1998 prints its bylines as paragraphs of their own."""
    kept = []
    for text in paragraphs:
        credit = trailing_credit(text)
        if byline_line(text) is None and not (credit and not credit[1]):
            kept.append(_MARKS.sub("", text))
    return kept


def score(read: Reader, rendered: list[tuple[str, str, list[dict[str, Any]]]]) -> dict[str, float]:
    counts = dict.fromkeys(
        (
            "pages",
            "pages_exact_count",
            "articles",
            "titles",
            "paragraphs_exact",
            "text_in_order",
            "text_kept",
            "metadata",
        ),
        0.0,
    )
    seconds = 0.0
    for name, text, records in rendered:
        started = time.perf_counter()
        articles = read(text, name)
        seconds += time.perf_counter() - started
        counts["pages"] += 1
        counts["articles"] += len(records)
        counts["pages_exact_count"] += len(articles) == len(records)
        counts["metadata"] += bool(articles) and all(
            a.date is not None and str(a.date) == records[0]["date"] and a.paper == "人民日报"
            for a in articles
        )
        for record, article in zip(records, articles, strict=False):
            if article.title != record["title"]:
                continue
            counts["titles"] += 1
            texts = [p.text for p in article.paragraphs]
            wanted = expected(record["paragraphs"])
            counts["paragraphs_exact"] += texts == wanted
            counts["text_in_order"] += "".join(texts) == "".join(wanted)
            counts["text_kept"] += sorted("".join(texts)) == sorted("".join(wanted))
    counts["seconds"] = seconds
    return counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline-rev", default="7174389")
    args = parser.parse_args()
    rendered = [
        (f"pd-{date}-{page}.txt", render(date, page, records), records)
        for (date, page), records in sorted(pages().items())
    ]
    readers: dict[str, Reader] = {
        "baoku": lambda text, name: parse_page(text, name, PageMeta()),
        "before": baseline_reader(args.baseline_rev),
    }
    results = {name: score(read, rendered) for name, read in readers.items()}
    print(
        f"| {len(rendered)} pages, {int(results['baoku']['articles'])} articles | "
        + " | ".join(results)
        + " |"
    )
    print("| --- |" + " ---: |" * len(results))
    rows = [
        ("pages read with the right article count", "pages_exact_count", "pages"),
        ("titles found", "titles", "articles"),
        ("articles with every paragraph exact", "paragraphs_exact", "articles"),
        ("articles with their text in order (boundaries aside)", "text_in_order", "articles"),
        ("articles with all their text (order aside)", "text_kept", "articles"),
        ("pages with the header's date and paper", "metadata", "pages"),
    ]
    for label, key, total in rows:
        cells = [f"{r[key] / r[total]:.1%} ({int(r[key])})" for r in results.values()]
        print(f"| {label} | " + " | ".join(cells) + " |")
    cells = [f"{r['pages'] / r['seconds']:.0f}" for r in results.values()]
    print("| pages read per second | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
