"""Which PDF library reads newspaper pages: pypdfium2 against pdfplumber (pdfminer.six)
as the character source of the same pipeline (`layout.page_text`, the page parser).

    .venv/bin/python bench/pdf_readers.py [--pages 50]

Random pages of tests/render_pdf.py (three corpus articles each, 2-4 columns, side by
side or stacked, kickers, bylines, images with captions, justified or ragged). Per
library: milliseconds per page to read the characters, images and rules, and the
articles that come back exactly (title, every paragraph, byline, page). pdfplumber is
not a baoku dependency: `.venv/bin/pip install pdfplumber` to run this.
"""

from __future__ import annotations

import argparse
import io
import random
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pdfplumber  # noqa: E402
import render_pdf  # noqa: E402
from pagekit import read_back  # noqa: E402
from render_pdf import Piece  # noqa: E402

from search.ingest import pdfpages  # noqa: E402
from search.ingest.layout import Box, PrintedPage, TextLine, page_text  # noqa: E402
from search.ingest.pages import read_page_text  # noqa: E402


def plumber_pages(data: bytes) -> list[PrintedPage]:
    pages = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            chars = [
                TextLine(
                    c["text"], c["x0"], c["top"], c["x1"], c["bottom"], c["size"],
                    bool(pdfpages._BOLD_NAME.search(c["fontname"].split("+")[-1])),
                )
                for c in page.chars
                if c.get("upright", True)
            ]  # fmt: skip
            images = tuple(Box(i["x0"], i["top"], i["x1"], i["bottom"]) for i in page.images)
            rules = tuple(
                Box(o["x0"], o["top"], o["x1"], o["bottom"])
                for o in page.lines + page.rects
                if min(o["x1"] - o["x0"], o["bottom"] - o["top"]) <= pdfpages.RULE_POINTS
            )
            lines = tuple(pdfpages._lines(chars, rules))
            pages.append(PrintedPage(float(page.width), float(page.height), lines, images, rules))
    return pages


def pdfium_pages(data: bytes) -> list[PrintedPage]:
    return pdfpages.read_pdf(data)[0]


def renders(count: int) -> list[render_pdf.Rendered]:
    rng = random.Random(5)
    pool = render_pdf.round_trip_pool()
    out = []
    for _ in range(count):
        pieces = []
        for article in rng.sample(pool, 3):
            figure = rng.random() if rng.random() < 0.5 else None
            caption = (
                None if figure is None else render_pdf.caption_for(article, rng.randint(0, 12))
            )
            pieces.append(
                Piece(
                    article,
                    columns=rng.randint(2, 4),
                    beside=rng.random() < 0.5,
                    kicker=rng.choice([None, *render_pdf.KICKERS]),
                    byline=rng.random() < 0.5,
                    figure_at=figure,
                    caption=caption,
                )
            )
        out.append(render_pdf.render_one(pieces, justify=rng.random() < 0.5))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=50)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    pages = renders(args.pages)
    readers: dict[str, Callable[[bytes], list[PrintedPage]]] = {
        "pypdfium2": pdfium_pages,
        "pdfplumber": plumber_pages,
    }
    print("| library | ms per page (median) | articles exact |")
    print("| --- | ---: | ---: |")
    for name, reader in readers.items():
        times, exact, total = [], 0, 0
        for rendered in pages:
            started = time.perf_counter()
            printed = reader(rendered.pdf)
            times.append((time.perf_counter() - started) * 1000)
            text = "\n".join(page_text(p) for p in printed)
            got = {a["id"]: a for a in read_back(read_page_text(text, "p1.pdf").articles)}
            for want in rendered.expected("p1"):
                total += 1
                article = got.get(want["id"])
                exact += article is not None and all(article[k] == v for k, v in want.items())
        print(f"| {name} | {statistics.median(times):.1f} | {exact}/{total} |")


if __name__ == "__main__":
    main()
