"""相关报道 on the API, the article view and the CLI (the ranking itself: BackendTests)."""

from __future__ import annotations

import json

import pytest
from support import build_index, write_jsonl

from search.cli import cli
from search.web import create_app

STORY = ["郑州港区新建冷链物流园，引进冷库和冷链运输车队。", "冷链物流园服务生鲜进出口。"]
RECORDS = [
    {"id": "story", "date": "2024-03-01", "title": "港区冷链物流园开工", "paragraphs": STORY},
    {"id": "later", "date": "2024-05-01", "title": "冷链物流园投用", "paragraphs": STORY[:1]},
    {"id": "earlier", "date": "2024-01-01", "title": "冷链物流园规划", "paragraphs": STORY[1:]},
    {"id": "other", "date": "2024-02-01", "title": "<b>会议</b>", "paragraphs": ["稳中求进。"]},
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("related")
    return build_index([write_jsonl(folder / "r.jsonl", RECORDS)], folder / "index")


def test_the_api_lists_related_articles_and_the_story_over_time(archive):
    client = create_app(archive).test_client()
    data = client.get("/api/articles/story/related").get_json()
    assert {h["article_id"] for h in data["related"]} == {"later", "earlier"}
    assert [h["article_id"] for h in data["over_time"]] == ["earlier", "later"]
    assert "冷链" in data["words"]
    assert client.get("/api/articles/nope/related").status_code == 404


def test_the_article_view_shows_related_coverage(archive):
    page = create_app(archive).test_client().get("/a/story").get_data(as_text=True)
    assert "相关报道" in page and 'href="/a/later"' in page and 'href="/a/earlier"' in page
    assert 'href="/a/story"' not in page.split("相关报道", 1)[1]


def test_the_cli_lists_them(runner, archive):
    index = ["--index", str(archive.index_dir)]
    out = runner.invoke(cli, [*index, "related", "story", "--by-date"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[1].split()[:2] == ["2024-01-01", "[earlier]"]
    assert lines[2].split()[:2] == ["2024-05-01", "[later]"]
    data = json.loads(runner.invoke(cli, [*index, "related", "story", "--json"]).output)
    assert data["article_id"] == "story"
    missing = runner.invoke(cli, [*index, "related", "nope"])
    assert missing.exit_code == 1 and "no article with id 'nope'" in missing.output
