"""Who and where on the API, the pages and the CLI (the counting itself: BackendTests;
the extraction rules: test_entities.py)."""

from __future__ import annotations

import html
import json

import pytest
from support import CORPUS_DIR, SEED_PAGE, build_index, write_jsonl

from search.cli import cli
from search.web import create_app

HOSTILE = {
    "id": "hostile",
    "title": "<b>会见</b>",
    "paragraphs": ["江泽民会见<script>alert(1)</script>外宾。江泽民说，欢迎。"],
}


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """The first 300 articles of People's Daily 1998, and one with markup in its text."""
    folder = tmp_path_factory.mktemp("who")
    lines = (CORPUS_DIR / "pd1998.jsonl").read_text("utf-8").splitlines()[:300]
    records = [json.loads(line) for line in lines] + [HOSTILE]
    return build_index([write_jsonl(folder / "r.jsonl", records)], folder / "index")


def test_the_api_counts_entities_and_filters_by_them(archive):
    client = create_app(archive).test_client()
    data = client.get("/api/search?q=person:江泽民").get_json()
    assert data["facets"]["person"][0] == {"value": "江泽民", "count": data["total"]}
    assert data["explain"] == "提到人物“江泽民”"
    assert {"place", "org"} <= set(data["facets"]) and data["facets"]["place"]
    narrowed = client.get("/api/search?q=person:江泽民&place=香港").get_json()
    assert 0 < narrowed["total"] < data["total"]
    assert narrowed["explain"] == "提到人物“江泽民”；提到地点“香港”"
    assert client.get("/api/search?q=person:").status_code == 400
    blank = client.get("/api/search?q=person:江泽民&place=%E3%80%80").get_json()  # 　: no filter
    assert blank["total"] == data["total"] and blank["explain"] == data["explain"]
    too_long = client.get("/api/search?q=港口&org=" + "国" * 500)
    assert too_long.status_code == 400 and "org" in too_long.get_json()["error"]["message"]


def test_an_article_lists_what_it_mentions(archive):
    client = create_app(archive).test_client()
    data = client.get("/api/articles/hostile").get_json()
    assert {"kind": "person", "name": "江泽民", "count": 2} in data["mentions"]
    page = client.get("/a/hostile").get_data(as_text=True)
    mentions = page.split("文中提到", 1)[1].split("</section>", 1)[0]
    assert 'href="/?q=person:%E6%B1%9F%E6%B3%BD%E6%B0%91"' in mentions
    assert '江泽民</a><span class="count">×2</span>' in mentions
    assert "<script>" not in page and html.escape("<script>") in page


def test_the_search_page_lists_entity_facets_that_filter(archive):
    client = create_app(archive).test_client()
    page = client.get("/?q=person:江泽民").get_data(as_text=True)
    facets = page.split('class="facets"', 1)[1].split("</aside>", 1)[0]
    assert "<h3>人物</h3>" in facets and "<h3>地点</h3>" in facets and "<h3>机构</h3>" in facets
    assert "place=%E9%A6%99%E6%B8%AF" in facets  # 香港: a click filters by it
    filtered = client.get("/?q=person:江泽民&place=香港").get_data(as_text=True)
    assert "地点：香港" in filtered and 'name="place" value="香港"' in filtered


def test_the_cli_filters_and_counts(runner, archive):
    index = ["--index", str(archive.index_dir)]
    out = runner.invoke(cli, [*index, "search", "person:江泽民", "--facets", "--limit", "1"])
    assert out.exit_code == 0, out.output
    total = int(out.output.split()[0])
    assert f"person: 江泽民 {total}" in out.output
    data = json.loads(
        runner.invoke(cli, [*index, "search", "person:江泽民", "--place", "香港", "--json"]).output
    )
    assert 0 < data["total"] < total and data["facets"] is None  # not asked for
    bad = runner.invoke(cli, [*index, "search", "place:"])
    assert bad.exit_code == 2 and "place: needs a value, e.g. place:深圳" in bad.output


def test_parse_shows_who_and_where_before_importing(runner):
    """A newsroom checks what its own pages would give before it imports them."""
    out = runner.invoke(cli, ["parse", str(SEED_PAGE), "--no-color"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    start = next(n for n, line in enumerate(lines) if f"[{SEED_PAGE.stem}-01]" in line)
    end = next(n for n, line in enumerate(lines) if f"[{SEED_PAGE.stem}-02]" in line)
    assert any(line.strip().startswith("place 新郑市") for line in lines[start:end])
    data = json.loads(runner.invoke(cli, ["parse", str(SEED_PAGE), "--json"]).output)
    mentions = data["files"][0]["articles"][0]["mentions"]
    assert {"kind", "name", "count"} == set(mentions[0]) and "新郑市" in {
        m["name"] for m in mentions
    }
