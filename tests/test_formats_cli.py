"""Every file format through the command a newsroom runs: `baoku parse` names what it
found, `baoku index` imports a folder holding one file of each (and a damaged one),
and `baoku search` finds each file's text as a phrase.

The files are the format tests' renders of real corpus articles (tests/render_html.py,
tests/render_pdf.py, python-docx as in tests/test_format_docx.py).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import render_html
import render_pdf
from click.testing import CliRunner
from pagekit import han_phrase, paras
from test_format_docx import clean_articles, story_docx

from search.cli import cli


def _files(folder: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, a phrase only its article holds)."""
    html_id = render_html.round_trip_pool()[0]
    html = folder / "epaper.html"
    html.write_bytes(render_html.render("people", render_html.web_page(html_id)))
    pdf_id = render_pdf.round_trip_pool()[0]
    pdf = folder / "page1.pdf"
    pdf.write_bytes(render_pdf.render_one([render_pdf.Piece(pdf_id, columns=3)]).pdf)
    record = clean_articles()[5]
    word = folder / "filed.docx"
    word.write_bytes(story_docx(record, "Title"))
    return {
        "html": (html, han_phrase(paras(html_id)[0])),
        "pdf": (pdf, han_phrase(paras(pdf_id)[0])),
        "docx": (word, han_phrase(record["paragraphs"][0])),
    }


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[Path, str]]]:
    folder = tmp_path_factory.mktemp("newsroom")
    files = _files(folder)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n1 0 obj <<")
    index = folder.parent / f"{folder.name}-index"
    out = CliRunner().invoke(cli, ["--index", str(index), "index", str(folder)])
    assert out.exit_code == 1, out.output  # a file was skipped: listed, the rest imported
    assert "broken.pdf" in out.output
    return index, files


@pytest.mark.parametrize("kind", ["html", "pdf", "docx"])
def test_each_format_is_imported_and_its_text_found(imported, kind: str) -> None:
    index, files = imported
    path, phrase = files[kind]
    args = ["--index", str(index), "search", f'"{phrase}"', "--json"]
    out = CliRunner().invoke(cli, args)
    assert out.exit_code == 0, out.output
    hits = json.loads(out.output)["hits"]
    assert [h["article_id"] for h in hits] == [f"{path.stem}-01"]


@pytest.mark.parametrize("kind", ["html", "pdf", "docx"])
def test_parse_names_the_format_it_read(imported, kind: str) -> None:
    _, files = imported
    path, _ = files[kind]
    out = CliRunner().invoke(cli, ["parse", str(path), "--json"])
    assert out.exit_code == 0, out.output
    (parsed,) = json.loads(out.output)["files"]
    assert parsed["format"] == kind and parsed["articles"]
