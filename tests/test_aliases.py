"""简称与全称: the shipped table, a user's file read again when it changes, and the switch."""

from __future__ import annotations

import os

import pytest
from support import build_index, settings_for, write_jsonl

from search.cli import cli
from search.errors import BadParameter
from search.query.aliases import alias_table, expand
from search.query.language import Alias, Text, parse
from search.web import create_app

RECORDS = [
    {"id": "full", "title": "北京大学开学", "paragraphs": ["新生报到。"]},
    {"id": "short", "title": "北大开学", "paragraphs": ["新生报到。"]},
    {"id": "zz", "title": "郑州大学开学", "paragraphs": ["新生报到。"]},
]


def test_the_shipped_table_groups_names_both_ways():
    table = alias_table(None)
    assert expand(parse("北大"), table) == Alias("北大", ("北京大学",))
    assert expand(parse("北京大学"), table) == Alias("北京大学", ("北大",))
    assert expand(parse('"北大"'), table) == Text("北大")  # quoted: literal
    assert expand(parse("author:北大"), table) == Text("北大", "author")  # a name is a name


ERAS = [
    {"id": "1998", "date": "1998-04-01", "title": "汉城会谈", "paragraphs": ["国家计委出席。"]},
    {"id": "2016", "date": "2016-04-01", "title": "首尔会谈", "paragraphs": ["国家发改委出席。"]},
    {"id": "env", "date": "2016-05-01", "title": "环保部门检查", "paragraphs": ["环保部门出动。"]},
]


def test_names_a_subject_had_in_other_years_find_each_other(tmp_path):
    """A city or a ministry renamed: the search for today's name finds the old one's
    coverage (and back), each explained; a short name that starts a common word
    (环保部 in 环保部门) is not in the table, so 生态环境部 does not find local offices."""
    settings = build_index([write_jsonl(tmp_path / "e.jsonl", ERAS)], tmp_path / "i")
    client = create_app(settings).test_client()

    def ids(query: str) -> list[str]:
        return sorted(
            h["article_id"] for h in client.get(f"/api/search?q={query}").get_json()["hits"]
        )

    assert ids("首尔") == ids("汉城") == ["1998", "2016"]
    assert ids("国家发改委") == ids("国家计委") == ["1998", "2016"]
    assert ids("生态环境部") == []
    explained = client.get("/api/search?q=首尔").get_json()["explain"]
    assert explained == "包含“首尔”（或其别名“汉城”）"


def test_a_users_file_adds_names_without_reindexing(tmp_path):
    feed = write_jsonl(tmp_path / "r.jsonl", RECORDS)
    names = tmp_path / "aliases.txt"
    names.write_text("# ours\n", "utf-8")
    settings = build_index([feed], tmp_path / "index", aliases_file=names)
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=郑大").get_json()["total"] == 0
    names.write_text("郑州大学 郑大\n", "utf-8")
    os.utime(names, (1, 2))  # a new mtime even within the same second
    data = client.get("/api/search?q=郑大").get_json()
    assert data["total"] == 1 and data["hits"][0]["article_id"] == "zz"
    assert data["explain"] == "包含“郑大”（或其别名“郑州大学”）"


def test_the_switch_on_the_api_and_the_cli(tmp_path, runner):
    settings = build_index([write_jsonl(tmp_path / "r.jsonl", RECORDS)], tmp_path / "index")
    client = create_app(settings).test_client()
    assert client.get("/api/search?q=北大").get_json()["total"] == 2
    off = client.get("/api/search?q=北大&aliases=false").get_json()
    assert off["total"] == 1 and off["explain"] == "包含“北大”"
    assert client.get("/api/search?q=北大&aliases=maybe").status_code == 400
    index = ["--index", str(settings.index_dir)]
    out = runner.invoke(cli, [*index, "search", "北大", "--no-aliases", "--no-color"])
    assert out.output.startswith("1 articles for 北大")
    assert "2 articles" in runner.invoke(cli, [*index, "search", "北大"]).output


def test_a_missing_aliases_file_is_one_clear_error(tmp_path):
    with pytest.raises(BadParameter, match="aliases file"):
        alias_table(tmp_path / "nope.txt")
    settings = settings_for(tmp_path / "index", aliases_file=tmp_path / "nope.txt")
    build_index([write_jsonl(tmp_path / "r.jsonl", RECORDS)], tmp_path / "index")
    response = create_app(settings).test_client().get("/api/search?q=北大")
    assert response.status_code == 400 and "aliases file" in response.get_json()["error"]["message"]
