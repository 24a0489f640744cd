"""Snippets show why an article matched, in the archive's own characters, safely escaped."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import build_index, searcher_for, write_jsonl

from search.models import Snippet
from search.text.snippets import make_snippet, render, to_html


def test_every_occurrence_is_marked_substrings_too(seed_whoosh):
    hit = seed_whoosh("郑好融").hits[0]
    html = to_html(hit.snippet)
    # Every occurrence inside the window is marked, none outside it is shown.
    assert html.count("<mark>郑好融</mark>") == hit.snippet.text.count("郑好融") >= 2
    assert html.count("<mark>") == len(hit.snippet.marks)
    assert hit.paragraph == 1 and hit.matches == 4


def test_snippet_is_a_window_cut_at_punctuation(seed_whoosh):
    hit = seed_whoosh("47.6亿元").hits[0]
    snippet = hit.snippet
    assert len(snippet.text) <= 120 + 2 * 24
    assert "<mark>47.6亿元</mark>" in to_html(snippet)
    start = hit.text.index(snippet.text)
    assert snippet.cut_before and hit.text[start - 1] in "。！？!?；;，,、：:"
    assert snippet.text.endswith("。")  # the short tail of the paragraph is kept, not cut


def test_marks_original_traditional_and_fullwidth_text():
    text = "中國時報報導,韓國瑜出席活動,參觀ＡＢＣ公司。"
    snippet = make_snippet(text, ["韩国瑜", "abc"])
    assert (
        to_html(snippet) == "中國時報報導,<mark>韓國瑜</mark>出席活動,參觀<mark>ＡＢＣ</mark>公司。"
    )


def test_offsets_survive_length_changing_characters():
    text = "气温……零下5℃,ＤＡＸ指数ß上涨。"
    assert to_html(make_snippet(text, ["dax"])) == "气温……零下5℃,<mark>ＤＡＸ</mark>指数ß上涨。"


def test_renderers_supply_the_markup_and_the_cut_marks():
    snippet = Snippet("平台推出服务", ((2, 4),), cut_before=True, cut_after=True)
    assert render(snippet, str, lambda s: f"[{s}]") == "…平台[推出]服务…"
    assert to_html(Snippet("<b>推出</b>", ((3, 5),))) == "&lt;b&gt;<mark>推出</mark>&lt;/b&gt;"


HOSTILE_TITLE = "<script>alert(1)</script>港口"
HOSTILE_BODY = '港口<img src=x onerror=alert(1)> & "引号"'


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    write_jsonl(
        folder / "h.jsonl", [{"id": "x", "title": HOSTILE_TITLE, "paragraphs": [HOSTILE_BODY]}]
    )
    build_index([folder], folder / "index")
    return folder / "index"


def test_archive_text_is_escaped_only_mark_is_markup(hostile):
    from search.output.results import to_json
    from search.query.request import SearchRequest

    result = to_json(searcher_for(hostile)("港口"), SearchRequest("港口"))
    snippet = result["hits"][0]["snippet"]
    assert "<img" not in snippet and "<script" not in snippet
    assert snippet == "<mark>港口</mark>&lt;img src=x onerror=alert(1)&gt; &amp; &quot;引号&quot;"
    assert result["hits"][0]["text"] == HOSTILE_BODY  # plain text stays plain
