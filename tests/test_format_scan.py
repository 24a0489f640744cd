"""Scanned pages (search/ingest/scans.py), read by OCR like a reader reads a page.

The pages are tests/render_pdf.py's (real corpus articles in columns, with mastheads,
bylines, images, captions and rules), rasterised at 200 dpi by tests/render_scan.py,
clean or degraded like an old scan. OCR is slow on two cores, so the pages are small
(a column or two of a narrow page) and few. OCR never reads exactly: every title must
come back as the index matches it (full-width digits and the recogniser's ASCII ones are
one), every byline's authors, every paragraph in its place and kind, and the text of
each article within the goal: 98% of its characters on clean scans, 95% on degraded ones.
"""

from __future__ import annotations

import functools
import io
import json
import struct
import zlib
from pathlib import Path

import pagekit
import pytest
import render_pdf
from pagekit import han_phrase
from PIL import Image
from render_pdf import Piece, Rendered, render_one
from render_scan import char_accuracy, degrade, encoded, matching, rasterise, tiff
from reportlab.pdfgen import canvas
from support import reader_for, settings_for

from search import limits
from search.backends import backend_for
from search.ingest.formats import read_document
from search.ingest.pages import ParsedPage, read_page_text
from search.ingest.pipeline import import_paths
from search.ingest.scans import NOTHING_READ, render_pdf_scan
from search.models import Article, Skipped
from search.query.request import SearchRequest
from search.web import create_app

CLEAN, DEGRADED = 0.98, 0.95  # characters read right, at least
WIDTH = 360.0  # points: a narrow page of two columns keeps OCR to seconds


@functools.cache
def pool() -> tuple[str, ...]:
    """Short People's Daily articles that read back from page text as themselves."""
    return render_pdf.round_trip_pool(260)


def page(*ids: str, figure: bool = False, **spec: object) -> Rendered:
    """A narrow page of the articles in two columns, each with its byline; the last one
    with an image and a caption (`…（记者 赵明 摄）`) when `figure`."""
    pieces = [Piece(article_id, columns=2) for article_id in ids]
    if figure:
        pieces[-1].figure_at = 0.5
        pieces[-1].caption = render_pdf.caption_for(ids[-1], 7)
    return render_one(pieces, width=WIDTH, **spec)


def read(path: Path) -> ParsedPage:
    got = read_document(path)
    assert not isinstance(got, Skipped), got.reason
    assert got.format == "scan"
    return got


def assert_read_back(articles: tuple[Article, ...], rendered: Rendered, goal: float) -> None:
    """Titles as the index matches them, the masthead's metadata, bylines, paragraph
    kinds in order exactly; the text of each article within `goal`; the OCR mark set."""
    want = rendered.expected("p1")
    assert [matching(a.title) for a in articles] == [matching(w["title"]) for w in want]
    for article, story in zip(articles, want, strict=True):
        assert (article.date, article.paper, article.page) == (
            story["date"],
            story["paper"],
            story["page"],
        )
        assert tuple(article.authors) == story["authors"], article.title
        assert [p.kind for p in article.paragraphs] == [k for k, _ in story["paragraphs"]]
        got = "".join(p.text for p in article.paragraphs)
        truth = "".join(text for _, text in story["paragraphs"])
        assert char_accuracy(got, truth) >= goal, (article.title, got, truth)
        assert article.ocr is not None and 0.5 <= article.ocr <= 1, article.ocr


# ---------------------------------------------------------------------------
# 1. Round trip: a rendered page's picture read back


def test_a_clean_scan_reads_back(tmp_path: Path) -> None:
    rendered = page(pool()[0], pool()[4], figure=True)
    path = tmp_path / "p1.png"
    path.write_bytes(encoded(rasterise(rendered.pdf)[0], "PNG"))
    assert_read_back(read(path).articles, rendered, CLEAN)


def test_a_degraded_scan_reads_back(tmp_path: Path) -> None:
    """Turned about a degree, blurred, noisy, yellowed, a JPEG: the page is levelled and
    read as well as the goal asks."""
    rendered = page(pool()[13], pool()[15])
    path = tmp_path / "p1.jpg"
    path.write_bytes(encoded(degrade(rasterise(rendered.pdf)[0], seed=7), "JPEG", quality=90))
    assert_read_back(read(path).articles, rendered, DEGRADED)


def test_every_page_of_a_tiff_is_read(tmp_path: Path) -> None:
    """A multi-page TIFF is one file of several pages: the articles of both, in page
    order, each page named by its own masthead."""
    first, second = page(pool()[2]), page(pool()[3], page=2)
    path = tmp_path / "p1.tif"
    path.write_bytes(tiff([*rasterise(first.pdf), *rasterise(second.pdf)]))
    articles = read(path).articles
    titles = [matching(pagekit.title(a)) for a in (pool()[2], pool()[3])]
    assert [matching(a.title) for a in articles] == titles
    assert [(a.id, a.page) for a in articles] == [("p1-p1-01", "1"), ("p1-p2-01", "2")]


def test_a_pdf_of_page_pictures_reads_back(tmp_path: Path) -> None:
    """A scan saved as a PDF (no text layer): `render_pdf_scan` rasterises and reads it."""
    rendered = page(pool()[6], pool()[7])
    picture = rasterise(rendered.pdf, dpi=200)[0]
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=rendered.sizes[0])
    pdf.drawInlineImage(picture, 0, 0, *rendered.sizes[0])
    pdf.showPage()
    pdf.save()
    rendition = render_pdf_scan(out.getvalue(), tmp_path / "p1.pdf")
    articles = read_page_text(rendition.text, str(tmp_path / "p1.pdf")).articles
    assert rendition.ocr_confidence is not None and rendition.ocr_confidence > 0.5
    want = rendered.expected("p1")
    assert [matching(a.title) for a in articles] == [matching(w["title"]) for w in want]


# ---------------------------------------------------------------------------
# 2. Hostile and damaged images: reported and skipped, the good scan indexed


def _png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims `width` x `height` pixels (one compressed row of
    zeros follows): decoded, it would take gigabytes."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = zlib.compress(b"\0" * (width + 1))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


def _read_right(article: Article, truth: str, size: int = 6) -> str:
    """A phrase of `size` Han characters of the truth that the OCR read exactly."""
    read = matching("".join(p.text for p in article.paragraphs))
    for start in range(len(truth) - size):
        try:
            phrase = han_phrase(truth[start:], size)
        except AssertionError:
            break
        if matching(phrase) in read:
            return phrase
    raise AssertionError(f"no phrase of {size} characters read right in {read}")


@pytest.fixture(scope="module")
def good_scan() -> tuple[Rendered, bytes]:
    rendered = page(pool()[9])
    return rendered, encoded(rasterise(rendered.pdf)[0], "PNG")


def test_bombs_and_damaged_images_are_skipped_and_the_good_scan_indexed(
    tmp_path: Path, good_scan: tuple[Rendered, bytes]
) -> None:
    rendered, png = good_scan
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "good.png").write_bytes(png)
    (folder / "bomb.png").write_bytes(_png_claiming(100_000, 100_000))
    (folder / "huge.png").write_bytes(_png_claiming(10_000, 8_001))  # just over 80 MP
    jpeg = encoded(Image.open(io.BytesIO(png)).convert("RGB"), "JPEG")
    (folder / "cut.jpg").write_bytes(jpeg[: len(jpeg) // 2])
    (folder / "noise.tif").write_bytes(b"II*\x00" + b"\x07" * 500)
    (folder / "blank.png").write_bytes(encoded(Image.new("L", (800, 600), 255), "PNG"))

    settings = settings_for(tmp_path / "index")
    report = import_paths(backend_for(settings).writer(), [folder])
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"bomb.png", "huge.png", "cut.jpg", "noise.tif", "blank.png"}
    assert reasons["bomb.png"].startswith("scan: decompression bomb"), reasons
    assert reasons["huge.png"] == (
        f"scan: page 1 is 10000 x 8001 pixels, over the limit of {limits.IMAGE_PIXELS:,}"
    )
    assert reasons["cut.jpg"].startswith("scan: damaged image"), reasons
    assert reasons["noise.tif"].startswith("scan: not an image Pillow can read"), reasons
    assert reasons["blank.png"] == f"scan: {NOTHING_READ}"
    assert report.articles == 1

    # 3. Through the index: a phrase the OCR read right is found.
    article = read(folder / "good.png").articles[0]
    phrase = _read_right(article, "".join(pagekit.paras(pool()[9])))
    hits = reader_for(tmp_path / "index").search(SearchRequest(query=f'"{phrase}"')).hits
    assert [h.article_id for h in hits] == ["good-01"]


def test_an_ocr_article_says_so_and_links_its_scan(
    tmp_path: Path, good_scan: tuple[Rendered, bytes]
) -> None:
    """The article view notes the OCR and its confidence and links the scanned page,
    served as the PNG it is; the API says there is one and never gives its path."""
    _, png = good_scan
    (tmp_path / "scan.png").write_bytes(png)
    settings = settings_for(tmp_path / "index")
    import_paths(backend_for(settings).writer(), [tmp_path / "scan.png"])
    client = create_app(settings).test_client()

    view = client.get("/a/scan-01").get_data(as_text=True)
    assert "OCR 识别" in view and 'href="/a/scan-01/original"' in view
    with client.get("/a/scan-01/original") as original:
        assert (original.status_code, original.mimetype) == (200, "image/png")
        assert original.get_data() == png
        assert original.headers["X-Content-Type-Options"] == "nosniff"
    article = client.get("/api/articles/scan-01").get_json()
    assert article["has_original"] and 0.5 < article["ocr"] <= 1
    assert str(tmp_path) not in json.dumps(article)

    (tmp_path / "scan.png").unlink()  # moved away since the import
    assert client.get("/a/scan-01/original").status_code == 404
    assert client.get("/a/missing/original").status_code == 404
