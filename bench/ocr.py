"""OCR engines side by side on rendered newspaper pages: accuracy, speed, load time, size.

The pages are tests/render_pdf.py's (real People's Daily articles of January 1998 set
on A4 pages of three articles in 2-4 columns, with masthead, bylines, images, captions
and rules), rasterised at each `--dpi` by tests/render_scan.py, clean and degraded
(turned 0.5-1.5 degrees, blurred, noisy, yellowed, JPEG). Both engines' lines go
through the same reader (`scans.printed_page`: levelling, gutters, type sizes, images
and rules, Chinese punctuation; `layout.page_text`; the page parser), so the figures
compare what an archive would get from each, not only their recognisers.

* accuracy: 1 - edit distance / truth length over the page's articles (titles and
  paragraphs in order, as the index matches text: render_scan.char_accuracy); the
  mean over pages. titles: articles whose title came back exactly (matching form).
* chars/s: truth characters per second of recognition on one core (onnxruntime with
  one thread; Tesseract with OMP_THREAD_LIMIT=1); layout and parsing are not timed.
* load: RapidOCR builds its ONNX sessions once per process (its first call, on a blank
  image, imports included); the Tesseract CLI loads chi_sim on every call (the time of
  a call on a blank 64 x 64 image).

    PYTHONPATH=. .venv/bin/python bench/ocr.py [--pages 4] [--dpi 200 300]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import os
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

import render_pdf  # noqa: E402
from render_pdf import Piece, Rendered, render_one  # noqa: E402
from render_scan import char_accuracy, degrade, matching, rasterise  # noqa: E402

from search.ingest import scans  # noqa: E402
from search.ingest.pages import read_page_text  # noqa: E402
from search.ingest.scans import OcrLine  # noqa: E402

Engine = Callable[[Image.Image], list[OcrLine]]
TESSERACT = ["tesseract", "stdin", "stdout", "-l", "chi_sim", "--psm", "3", "tsv"]
TESSERACT_PACKAGES = ("tesseract-ocr", "libtesseract5", "tesseract-ocr-chi-sim", "liblept5")
RAPIDOCR_PACKAGES = ("rapidocr-onnxruntime", "onnxruntime", "opencv-python")


def pages(count: int) -> list[Rendered]:
    """`count` A4 pages of three pool articles each, in 2-4 columns, every second article
    with an image and caption."""
    pool = render_pdf.round_trip_pool()
    out = []
    for n in range(count):
        ids = pool[3 * n * 7 % len(pool) :][:3]
        pieces = [
            Piece(
                article_id,
                columns=2 + (n + k) % 3,
                figure_at=0.5 if k % 2 else None,
                caption=render_pdf.caption_for(article_id, n + k) if k % 2 else None,
            )
            for k, article_id in enumerate(ids)
        ]
        out.append(render_one(pieces, page=n + 1))
    return out


def tesseract(image: Image.Image) -> list[OcrLine]:
    """Tesseract's TSV words grouped into its lines: the line's box, its words joined
    (without spaces between Han characters, which chi_sim splits at will), the mean
    word confidence."""
    png = io.BytesIO()
    image.save(png, "PNG")
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    tsv = subprocess.run(
        TESSERACT, input=png.getvalue(), capture_output=True, env=env, timeout=600, check=True
    ).stdout.decode()
    words: dict[tuple[str, ...], list[list[str]]] = defaultdict(list)
    for row in tsv.splitlines()[1:]:
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip() and float(cells[10]) >= 0:
            words[tuple(cells[1:5])].append(cells)
    lines = []
    for line in words.values():
        x0 = min(int(w[6]) for w in line)
        top = min(int(w[7]) for w in line)
        x1 = max(int(w[6]) + int(w[8]) for w in line)
        bottom = max(int(w[7]) + int(w[9]) for w in line)
        text = ""
        for word in (w[11] for w in line):
            glue = text and not (_han(text[-1]) and _han(word[0]))
            text += (" " if glue else "") + word
        confidence = sum(float(w[10]) for w in line) / len(line) / 100
        corners = ((x0, top), (x1, top), (x1, bottom), (x0, bottom))
        lines.append(OcrLine(corners, text, confidence, ()))
    return lines


def _han(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff"


def truth_text(rendered: Rendered) -> tuple[str, list[str]]:
    stories = [s for page in rendered.stories for s in page]
    text = "".join(s.title + "".join(p for _, p in s.paragraphs) for s in stories)
    return text, [s.title for s in stories]


def measure(engine: Engine, image: Image.Image, rendered: Rendered) -> tuple[float, float, int]:
    """(accuracy, seconds of recognition, titles read exactly) for one page."""
    started = time.perf_counter()
    lines = engine(image)
    seconds = time.perf_counter() - started
    text = scans.scan_text(scans.printed_page(image, lines))
    articles = read_page_text(text, "bench.png").articles
    got = "".join(a.title + "".join(p.text for p in a.paragraphs) for a in articles)
    truth, titles = truth_text(rendered)
    found = {matching(a.title) for a in articles}
    return char_accuracy(got, truth), seconds, sum(matching(t) in found for t in titles)


def load_seconds() -> dict[str, float]:
    blank = io.BytesIO()
    Image.new("L", (64, 64), 255).save(blank, "PNG")
    started = time.perf_counter()
    scans.recognise(Image.new("RGB", (64, 64), "white"))
    rapid = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run(TESSERACT, input=blank.getvalue(), capture_output=True, check=True)
    return {"rapidocr": rapid, "tesseract": time.perf_counter() - started}


def install_mb() -> dict[str, float]:
    """Bytes installed: the wheels' files (RapidOCR with onnxruntime and OpenCV), the
    Debian packages' Installed-Size (Tesseract with Leptonica and chi_sim)."""
    wheels = 0
    for name in RAPIDOCR_PACKAGES:
        files = importlib.metadata.distribution(name).files or []
        wheels += sum(f.size or 0 for f in files)
    sizes = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Installed-Size}\n", *TESSERACT_PACKAGES],
        capture_output=True,
        text=True,
    ).stdout.split()
    return {"rapidocr": wheels / 1e6, "tesseract": sum(int(k) for k in sizes) * 1024 / 1e6}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=4)
    parser.add_argument("--dpi", type=int, nargs="+", default=[200, 300])
    parser.add_argument("--engines", nargs="+", default=["rapidocr", "tesseract"])
    args = parser.parse_args()
    scans.OCR_THREADS = 1  # chars/s on one core: the figure that scales with the cores
    engines: dict[str, Engine] = {"rapidocr": scans.recognise, "tesseract": tesseract}
    loads, sizes = load_seconds(), install_mb()
    rendered = pages(args.pages)
    rows = []
    for dpi in args.dpi:
        for condition in ("clean", "degraded"):
            images = [rasterise(r.pdf, dpi)[0] for r in rendered]
            if condition == "degraded":
                images = [degrade(image, seed=n) for n, image in enumerate(images)]
            images = [image.convert("RGB") for image in images]
            for name in args.engines:
                results = [
                    measure(engines[name], i, r) for i, r in zip(images, rendered, strict=True)
                ]
                chars = sum(len(matching(truth_text(r)[0])) for r in rendered)
                titles = sum(len(truth_text(r)[1]) for r in rendered)
                rows.append(
                    (
                        name,
                        dpi,
                        condition,
                        sum(a for a, _, _ in results) / len(results),
                        f"{sum(t for _, _, t in results)}/{titles}",
                        chars / sum(s for _, s, _ in results),
                    )
                )
                print(*rows[-1], file=sys.stderr)
    print(f"pages: {args.pages} (A4, 3 articles each), {time.strftime('%Y-%m-%d %H:%M')}\n")
    print("| engine | dpi | scan | accuracy | titles | chars/s (1 core) |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for name, dpi, condition, accuracy, found, speed in rows:
        print(f"| {name} | {dpi} | {condition} | {accuracy:.2%} | {found} | {speed:.0f} |")
    print("\n| engine | load (s) | installed (MB) |")
    print("| --- | ---: | ---: |")
    for name in args.engines:
        print(f"| {name} | {loads[name]:.2f} | {sizes[name]:.0f} |")


if __name__ == "__main__":
    main()
