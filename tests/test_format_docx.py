""".docx files from an editorial system: real corpus articles written with python-docx,
read back by `baoku`'s reader (search/ingest/wordfiles.py), indexed and searched.

Each story is filed the ways Word users file them: the headline in `Title`, `Heading 1`
or only in bold, an optional kicker above it and a `Subtitle` under it, a byline
paragraph, the body, sometimes a table and a captioned image. The truth is the corpus
record; the reader must give back its title, every paragraph exactly and in order, the
byline's authors, and nothing of the filing furniture.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from pathlib import Path

import docx
from docx.shared import Pt
from hypothesis import given, settings
from hypothesis import strategies as st
from pagekit import LIST_MARKERS
from support import CORPUS_DIR, build_index, reader_for

from search.ingest.formats import read_document
from search.ingest.pages import ParsedPage
from search.models import Skipped
from search.query.request import SearchRequest

HEADLINES = ("Title", "Heading 1", "bold")
BYLINE, AUTHORS = "本报记者 王晓东 孙立", ("王晓东", "孙立")


@functools.cache
def clean_articles() -> tuple[dict, ...]:
    """pd1998 articles a Word file can carry without a rule of docs/pages.md changing
    them: every paragraph a full sentence of body text (no caption, credit or lead
    byline), a title that is no sentence. The first 300, for a stable sample."""
    chosen = []
    with (CORPUS_DIR / "pd1998.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            paragraphs = record["paragraphs"]
            title = record["title"]
            if (
                2 <= len(paragraphs) <= 12
                and 4 <= len(title) <= 30
                and title[-1] not in "。！？）)"
                and "（" not in title
                and all(
                    len(p) >= 40
                    and p[-1] in "。！？”"
                    and not p.startswith(("图", "（", "本报", "新华社", *LIST_MARKERS))
                    and "摄" not in p[-12:]
                    for p in paragraphs
                )
            ):
                chosen.append(record)
                if len(chosen) == 300:
                    break
    return tuple(chosen)


def story_docx(record: dict, headline: str, kicker: str | None = None) -> bytes:
    """The record as Word users file it: kicker, headline (`headline` of HEADLINES), byline,
    body; an empty paragraph here and there, as typists leave them."""
    document = docx.Document()
    if kicker:
        document.add_paragraph(kicker)
    if headline == "bold":
        run = document.add_paragraph().add_run(record["title"])
        run.bold, run.font.size = True, Pt(22)
    else:
        document.add_paragraph(record["title"], style=headline)
    document.add_paragraph(BYLINE)
    for n, text in enumerate(record["paragraphs"]):
        document.add_paragraph(text)
        if n == 0:
            document.add_paragraph("")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def read(tmp_path: Path, name: str, data: bytes) -> ParsedPage:
    path = tmp_path / name
    path.write_bytes(data)
    page = read_document(path)
    assert isinstance(page, ParsedPage), page
    return page


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_a_filed_story_reads_back_exactly(tmp_path_factory, data) -> None:
    record = data.draw(st.sampled_from(clean_articles()))
    headline = data.draw(st.sampled_from(HEADLINES))
    kicker = data.draw(st.sampled_from([None, "聚焦农业结构调整"]))
    page = read(tmp_path_factory.mktemp("d"), "story.docx", story_docx(record, headline, kicker))
    (article,) = page.articles
    assert page.format == "docx"
    assert (article.title, article.kicker, article.authors) == (record["title"], kicker, AUTHORS)
    assert [p.text for p in article.paragraphs] == record["paragraphs"]
    assert {p.kind for p in article.paragraphs} == {"body"}


def test_subtitle_table_caption_and_subheads(tmp_path: Path) -> None:
    """A `Subtitle` paragraph is the 副题, a table one line per row, an image's caption a
    caption, `Heading 2` a subhead of the story (not a second article)."""
    record = clean_articles()[0]
    document = docx.Document()
    document.add_paragraph(record["title"], style="Heading 1")
    document.add_paragraph("京广京沪京哈三大干线再提速", style="Subtitle")
    document.add_paragraph(record["paragraphs"][0])
    document.add_paragraph("图为京广线上的提速列车（记者 赵明 摄）", style="Caption")
    document.add_paragraph("提速以后", style="Heading 2")
    table = document.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("线路", "时速"), ("京广线", "140公里")), strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_paragraph(record["paragraphs"][1])
    out = io.BytesIO()
    document.save(out)

    (article,) = read(tmp_path, "s.docx", out.getvalue()).articles
    assert article.subtitle == "京广京沪京哈三大干线再提速"
    assert article.photographers == ("赵明",)
    assert [p.text for p in article.paragraphs] == [
        record["paragraphs"][0],
        "图为京广线上的提速列车（记者 赵明 摄）",
        "提速以后",
        "线路 时速",  # a table row: short rows read like subheads, as on a page
        "京广线 140公里",
        record["paragraphs"][1],
    ]
    kinds = [p.kind for p in article.paragraphs]
    assert (kinds[:3], kinds[-1]) == (["body", "caption", "subhead"], "body")


def test_text_that_looks_like_markup_stays_text(tmp_path: Path) -> None:
    """A paragraph opening with `#`, or holding `**` or `<b>`, is body text exactly as
    typed."""
    record = clean_articles()[1]
    odd = "#1号文件要求：价格<b>稳定</b>，**重点**保障。"
    document = docx.Document()
    document.add_paragraph(record["title"], style="Title")
    document.add_paragraph(odd)
    out = io.BytesIO()
    document.save(out)
    (article,) = read(tmp_path, "m.docx", out.getvalue()).articles
    assert [p.text for p in article.paragraphs] == [odd]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&f;&f;&f;&f;&f;&f;&f;&f;</w:t></w:r></w:p></w:body></w:document>"""


def test_hostile_and_damaged_files_are_skipped_and_the_rest_indexed(tmp_path: Path) -> None:
    """A zip bomb, a document whose XML expands entities, a truncated file and a zip that
    is no Word document are each reported with a reason; the good story beside them is
    indexed, and a search finds it."""
    folder = tmp_path / "filed"
    folder.mkdir()
    record = clean_articles()[2]
    good = story_docx(record, "Title")
    (folder / "good.docx").write_bytes(good)
    (folder / "bomb.docx").write_bytes(
        _zip({"word/document.xml": b"<w:document/>", "word/media/x.bin": b"\0" * (300 << 20)})
    )
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    (folder / "laughs.docx").write_bytes(_zip({**parts, "word/document.xml": BILLION_LAUGHS}))
    (folder / "cut.docx").write_bytes(good[: len(good) // 2])
    (folder / "sheet.docx").write_bytes(_zip({"xl/workbook.xml": b"<workbook/>"}))

    for name in ("bomb", "laughs", "cut", "sheet"):
        skipped = read_document(folder / f"{name}.docx")
        assert isinstance(skipped, Skipped) and skipped.reason, (name, skipped)
    settings_ = build_index([folder], tmp_path / "index")
    reader = reader_for(settings_.index_dir)
    assert reader.stats().articles == 1
    phrase = record["paragraphs"][0][2:14]
    result = reader.search(SearchRequest(query=f'"{phrase}"'))
    assert [h.article_id for h in result.hits] == ["good-01"]


def test_a_docx_named_otherwise_is_read_as_one(tmp_path: Path) -> None:
    """The reader goes by content: a Word file saved without its extension is read."""
    record = clean_articles()[3]
    page = read(tmp_path, "story", story_docx(record, "Heading 1"))
    assert page.format == "docx" and page.articles[0].title == record["title"]
