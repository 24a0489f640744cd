"""PDF pages with a text layer (search/ingest/pdfpages.py, layout.py), read like a reader.

Every page is set by tests/render_pdf.py from real corpus articles, in 2-4 columns with
headlines, bylines, images and captions, and read back by `read_document` (the PDF
reader, then the one page parser): titles, kickers, subtitles, bylines, paragraphs
and captions must come back exactly and in order, the page's date, paper and page from
its masthead. Damaged and hostile files are skipped with a reason, never stop an import.
"""

from __future__ import annotations

import datetime
import io
import re
import tempfile
from pathlib import Path

import pagekit
import pytest
import render_pdf
from hypothesis import given, note, settings
from hypothesis import strategies as st
from pagekit import assert_same, expect, han_phrase, read_back
from PIL import Image
from render_pdf import Piece, render, render_one
from reportlab.pdfgen import canvas
from support import build_index, reader_for, settings_for

from search import limits
from search.backends import backend_for
from search.errors import UnreadableFile
from search.ingest.formats import read_document
from search.ingest.layout import page_text
from search.ingest.pages import ParsedPage, parse_page
from search.ingest.pdfpages import read_pdf
from search.ingest.pipeline import import_paths
from search.ingest.scans import NOTHING_READ
from search.models import Skipped
from search.query.request import SearchRequest

GRAIN = "pd1998-19980120-02-002"  # goes on from page 1 to page 2 (as in test_jumps.py)
POEM = "pd1998-19980109-12-007"  # 陕北腰鼓: short lines without punctuation
DAY = render_pdf.DAY


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder / name


def read(path: Path) -> ParsedPage:
    page = read_document(path)
    assert not isinstance(page, Skipped), page.reason
    assert page.format == "pdf"
    return page


def found(index: Path, query: str) -> list[str]:
    return [h.article_id for h in reader_for(index).search(SearchRequest(query=query)).hits]


# ---------------------------------------------------------------------------
# 1. Round trip: random articles in random layouts read back exactly


@st.composite
def pieces(draw: st.DrawFn) -> list[Piece]:
    """2-3 articles of the pool, each across the page in 2-4 columns or two side by side
    in 1-2, with or without a kicker (in its own type or the body's), a subtitle, a
    byline, an image with one of pagekit's caption forms under or beside it; the last
    may jump on."""
    pool = render_pdf.round_trip_pool()
    ids = draw(st.lists(st.sampled_from(pool), min_size=2, max_size=3, unique=True))
    halves = draw(st.integers(0, len(ids) // 2))  # the first 2 * halves share rows
    chosen = []
    for n, article_id in enumerate(ids):
        head, dash, tail = pagekit.title(article_id).partition("——")
        split = bool(dash and head and tail and draw(st.booleans()))
        figure = draw(st.one_of(st.none(), st.floats(0, 1)))
        form = draw(st.integers(0, len(pagekit.CAPTIONS) - 1))
        chosen.append(
            Piece(
                article_id,
                columns=draw(st.integers(1, 2) if n < 2 * halves else st.integers(2, 4)),
                share=0.5 if n < 2 * halves else 1.0,
                title=head if split else None,
                subtitle=tail if split else None,
                kicker=draw(st.one_of(st.none(), st.sampled_from(render_pdf.KICKERS))),
                kicker_size=draw(st.sampled_from([render_pdf.SUB, 1.0])),
                byline=draw(st.booleans()),
                figure_at=figure,
                beside=draw(st.booleans()),
                caption=None if figure is None else render_pdf.caption_for(article_id, form),
            )
        )
    if draw(st.booleans()):
        chosen[-1].jump_out = ("（下转第二版）", "2")
    return chosen


@settings(max_examples=15, derandomize=True, database=None, deadline=None)
@given(pieces(), st.booleans(), st.booleans())
def test_random_pages_read_back_exactly(chosen: list[Piece], rules: bool, justify: bool) -> None:
    """Every article's title, kicker, subtitle, byline, paragraphs and caption, in order,
    and the masthead's date, paper and page; justified or ragged-right, ruled or not."""
    note(repr(chosen))
    rendered = render_one(chosen, rules=rules, justify=justify)
    with tempfile.TemporaryDirectory() as folder:  # a fixture's folder is shared by examples
        page = read(write(Path(folder), "p1.pdf", rendered.pdf))
    assert_same(read_back(page.articles), rendered.expected("p1"))


# ---------------------------------------------------------------------------
# 2. Stories across pages, captions, verse


def _grain_pieces() -> tuple[list[Piece], list[Piece], str]:
    """Page 1 ends mid-sentence at `（下转第二版）`; page 2 takes it up under the same title
    after `（上接第一版）`. Also the phrase across the cut."""
    body = pagekit.paras(GRAIN)
    head, tail = pagekit.split(body[1])
    one = Piece(GRAIN, columns=3, paragraphs=[body[0], head], jump_out=("（下转第二版）", "2"))
    other = Piece(render_pdf.round_trip_pool()[3], columns=3)
    rest = Piece(
        GRAIN,
        columns=2,
        paragraphs=[tail, *body[2:]],
        byline=False,
        jump_in=("（上接第一版）", "1"),
    )
    cut = re.search(r"[\u4e00-\u9fff]{1,5}\|[\u4e00-\u9fff]{1,5}", head + "|" + tail)
    assert cut is not None
    second = [rest, Piece(render_pdf.round_trip_pool()[7], columns=2)]
    return [one, other], second, cut[0].replace("|", "")


def _grain_pages() -> tuple[bytes, bytes, str]:
    """The two pages as two PDF files."""
    first, second, across = _grain_pieces()
    return render_one(first).pdf, render_one(second, page=2).pdf, across


def _joined_grain(authors: tuple[str, ...]) -> pagekit.Story:
    story = pagekit.Story(pagekit.title(GRAIN), authors=authors, continued_on="2")
    story.continuation_at = 1
    return story.add("body", *pagekit.paras(GRAIN))


@pytest.mark.parametrize("order", ["page-order", "reversed"])
def test_a_story_across_two_pdf_pages_is_one_article(tmp_path: Path, order: str) -> None:
    one, two, across = _grain_pages()
    paths = [write(tmp_path, "p1.pdf", one), write(tmp_path, "p2.pdf", two)]
    index = tmp_path / "index"
    build_index(paths if order == "page-order" else paths[::-1], index)

    reader = reader_for(index)
    story = _joined_grain(tuple(pagekit.corpus_article(GRAIN)["authors"]))
    assert_same(
        read_back([reader.article("p1-01")]),
        [expect("p1-01", story, date=DAY, paper="人民日报", page="1")],
    )
    assert reader.stats().articles == 3
    assert found(index, f'"{across}"') == ["p1-01"]


def test_a_story_across_two_pages_of_one_pdf_is_one_article(tmp_path: Path) -> None:
    """An issue's PDF: each page keeps its own page number, and the jump from page 1 to
    page 2 joins the story as between two files."""
    first, second, across = _grain_pieces()
    pdf = render([render_pdf.PageSpec(first), render_pdf.PageSpec(second, page=2)]).pdf
    index = tmp_path / "index"
    build_index([write(tmp_path, "issue.pdf", pdf)], index)

    reader = reader_for(index)
    story = _joined_grain(tuple(pagekit.corpus_article(GRAIN)["authors"]))
    assert_same(
        read_back([reader.article("issue-p1-01")]),
        [expect("issue-p1-01", story, date=DAY, paper="人民日报", page="1")],
    )
    assert reader.article("issue-p2-02").page == "2"
    assert reader.stats().articles == 3
    assert found(index, f'"{across}"') == ["issue-p1-01"]


def test_a_caption_under_an_image_is_a_caption_paragraph(tmp_path: Path) -> None:
    """The image sits inside a paragraph (the paragraph goes on under the caption, in the
    next column): the paragraph is whole, the caption a paragraph of its own after it."""
    article = GRAIN
    caption = ("图为" + han_phrase(pagekit.paras(article)[0], 8) + "现场", ())
    piece = Piece(article, columns=3, figure_at=0.3, caption=caption)
    rendered = render_one([piece])
    page = read(write(tmp_path, "p1.pdf", rendered.pdf))
    assert_same(read_back(page.articles), rendered.expected("p1"))
    kinds = [(p.kind, p.text) for p in page.articles[0].paragraphs]
    assert ("caption", caption[0]) in kinds
    assert [text for kind, text in kinds if kind == "body"] == pagekit.paras(article)


def test_verse_lines_stay_lines(tmp_path: Path) -> None:
    """A poem set flush left in short lines: each line is a line of the page text, and
    the article reads as the same poem typed as page text does."""
    lines = pagekit.paras(POEM)
    rendered = render_one([Piece(POEM, columns=3, verse=True, byline=False)])
    path = write(tmp_path, "p1.pdf", rendered.pdf)
    pages, _ = read_pdf(rendered.pdf)
    written = page_text(pages[0]).rstrip("\n").split("\n\n")
    assert written[written.index(f"### {pagekit.title(POEM)}") + 1 :] == lines
    typed = "\n\n".join([f"### {pagekit.title(POEM)}", *lines]) + "\n"
    want = parse_page(typed, str(path))
    got = read(path).articles
    assert [(a.title, a.paragraphs) for a in got] == [(a.title, a.paragraphs) for a in want]


def test_a_multi_page_pdf_gives_every_pages_articles(tmp_path: Path) -> None:
    pool = render_pdf.round_trip_pool()
    rendered = render(
        [
            render_pdf.PageSpec([Piece(pool[1], columns=2), Piece(pool[2], columns=3)]),
            render_pdf.PageSpec([Piece(pool[4], columns=4)], page=2),
        ]
    )
    page = read(write(tmp_path, "issue.pdf", rendered.pdf))
    assert_same(read_back(page.articles), rendered.expected("issue"))


def test_metadata_names_the_page_when_no_masthead_is_printed(tmp_path: Path) -> None:
    pool = render_pdf.round_trip_pool()
    spec = render_pdf.PageSpec([Piece(pool[6], columns=2)], masthead=False)
    rendered = render([spec], title="人民日报 1998年1月20日 第4版")
    page = read(write(tmp_path, "p4.pdf", rendered.pdf))
    want = [expect("p4-01", rendered.stories[0][0], date=DAY, paper="人民日报", page="4")]
    assert_same(read_back(page.articles), want)


# ---------------------------------------------------------------------------
# 3. Damaged and hostile files: reported, skipped; the good file is indexed


def _blank_pages(count: int) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(200, 200))
    for _ in range(count):
        pdf.drawString(20, 100, "page")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def _scan_only() -> bytes:
    """A page that is only an image: a scan saved as PDF."""
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=(200, 200))
    pdf.drawInlineImage(Image.new("L", (40, 40), 200), 20, 20, 160, 160)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def _self_reference() -> bytes:
    """A page whose MediaBox is an object that is a reference to itself (pdfminer.six
    loops forever on it)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox 4 0 R >>",
        b"4 0 R",
    ]
    out = io.BytesIO(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (5, xref))
    return out.getvalue()


def test_damaged_and_hostile_pdfs_are_skipped_and_the_good_one_indexed(tmp_path: Path) -> None:
    good = render_one([Piece(GRAIN, columns=3)])
    folder = tmp_path / "pages"
    write(folder, "good.pdf", good.pdf)
    write(folder, "truncated.pdf", good.pdf[: len(good.pdf) // 3])
    write(folder, "many.pdf", _blank_pages(limits.DOCUMENT_PAGES + 1))
    write(folder, "scan.pdf", _scan_only())
    write(folder, "loop.pdf", _self_reference())

    report = import_paths(backend_for(settings_for(tmp_path / "index")).writer(), [folder])
    reasons = {Path(s.path).name: s.reason for s in report.skipped}
    assert set(reasons) == {"truncated.pdf", "many.pdf", "scan.pdf", "loop.pdf"}, reasons
    pages = limits.DOCUMENT_PAGES
    assert reasons["many.pdf"] == f"pdf: {pages + 1} pages, over the limit of {pages}"
    assert reasons["scan.pdf"] == f"pdf: {NOTHING_READ}"  # read by OCR: a blank picture
    assert all(r.startswith("pdf: ") for r in reasons.values()), reasons
    assert report.articles == 1
    assert found(tmp_path / "index", f'"{han_phrase(pagekit.paras(GRAIN)[1])}"') == ["good-01"]


@pytest.mark.parametrize("box", [b"0 0 99999999 99999999", b"0 0 0.5 700"])
def test_a_page_of_absurd_size_is_refused(box: bytes) -> None:
    """Bigger than PDF allows (a page of 1,400 km, whose text a layout would measure
    against), or less than a point wide. PDFium itself gives a zero-size page the
    default Letter size."""
    good = render_one([Piece(GRAIN)]).pdf
    bogus = re.sub(rb"/MediaBox \[ [^\]]* \]", b"/MediaBox [ " + box + b" ]", good)
    assert bogus != good
    with pytest.raises(UnreadableFile, match="page 1 is"):
        read_pdf(bogus)


# ---------------------------------------------------------------------------
# 4. Through the index


def test_a_phrase_of_a_pdf_article_is_found(tmp_path: Path) -> None:
    pool = render_pdf.round_trip_pool()
    rendered = render_one([Piece(pool[10], columns=2), Piece(pool[11], columns=4)])
    index = tmp_path / "index"
    build_index([write(tmp_path, "p1.pdf", rendered.pdf)], index)
    phrase = han_phrase(pagekit.paras(pool[11])[-1])
    assert found(index, f'"{phrase}"') == ["p1-02"]
    day = datetime.date(1998, 1, 20)
    assert reader_for(index).article("p1-02").date == day
