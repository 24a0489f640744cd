"""The query stated back in plain Chinese, its parts as chips, and 在结果中检索."""

from __future__ import annotations

import datetime

import pytest
from support import build_index, write_jsonl

from search.query.explain import chips, explain, refined
from search.query.language import parse
from search.query.request import SearchRequest
from search.web import create_app


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("郑州 环卫 -新密", "包含“郑州”并且包含“环卫”，不包含“新密”"),
        ('"郑州 公用"~5', "“郑州”与“公用”相距不超过5字"),
        ("新郑 OR 新密", "（包含“新郑”或包含“新密”）"),
        (
            "title:环卫 author:张立 section:经济",
            "标题包含“环卫”并且作者包含“张立”并且栏目包含“经济”",
        ),
        ("港口 date:2024-01..2024-03", "包含“港口”；日期 2024-01-01 至 2024-03-31"),
        ("港口 date:..1998-01-15", "包含“港口”；日期 1998-01-15 止"),
        ("港口 NOT (新郑 OR 新密)", "包含“港口”，不满足（（包含“新郑”或包含“新密”））"),
        ("鄭州 環衛", "包含“郑州”并且包含“环卫”；繁体已归一"),
        ("４Ｓ店 ABC", "包含“4s店”并且包含“abc”；全角、大写已归一"),
        ("“郑州 公用”", "包含“郑州公用”"),  # the quotes an IME types are syntax, not text
        ("person:江泽民 place:香港", "提到人物“江泽民”并且提到地点“香港”"),
        ("港口 -org:国务院", "包含“港口”，不提到机构“国务院”"),
    ],
)
def test_each_query_form_is_stated_in_plain_chinese(query, said):
    assert explain(SearchRequest(query)) == said


def test_an_entity_filter_names_its_aliases_unless_quoted():
    assert explain(SearchRequest("org:北大")) == "提到机构“北大”（或其别名“北京大学”）"
    assert explain(SearchRequest('org:"北大"')) == "提到机构“北大”"
    assert explain(SearchRequest("港口", person="江泽民")) == "包含“港口”；提到人物“江泽民”"


def test_filters_are_stated_too():
    request = SearchRequest(
        "港口",
        date_from=datetime.date(2024, 1, 1),
        date_to=datetime.date(2024, 3, 31),
        section="经济",
        author="张立",
    )
    assert (
        explain(request) == "包含“港口”；日期 2024-01-01 至 2024-03-31；栏目为“经济”；作者为“张立”"
    )


@pytest.mark.parametrize(
    ("query", "within", "combined"),
    [
        ("郑州", "环卫", "郑州 环卫"),
        ("郑州", "新郑 OR 新密", "(郑州) (新郑 OR 新密)"),
        ("新郑 OR 新密", "环卫", "(新郑 OR 新密) (环卫)"),
        ('"郑州', "环卫", '("郑州) (环卫)'),  # an unclosed quote would swallow the new word
        ("郑州", "", "郑州"),
    ],
)
def test_refining_ands_the_new_words_with_the_query(query, within, combined):
    assert refined(query, within) == combined
    if within:
        assert parse(combined) == parse(f"({query}) ({within})")


def test_a_chip_per_part_and_filter_each_removing_only_itself():
    request = SearchRequest("郑州 -新密 title:环卫", section="经济")
    params = {"q": request.query, "section": "经济", "sort": "date"}
    found = {c.label: c.params for c in chips(request, params)}
    assert found == {
        "包含“郑州”": {"q": "-新密 title:环卫", "section": "经济", "sort": "date"},
        "不包含“新密”": {"q": "郑州 title:环卫", "section": "经济", "sort": "date"},
        "标题包含“环卫”": {"q": "郑州 -新密", "section": "经济", "sort": "date"},
        "栏目：经济": {"q": "郑州 -新密 title:环卫", "sort": "date"},
    }


@pytest.fixture
def client(tmp_path):
    records = [
        {"id": "a", "title": "郑州环卫", "paragraphs": ["郑州环卫工人。"]},
        {"id": "b", "title": "郑州交通", "paragraphs": ["郑州地铁。"]},
        {"id": "c", "title": "新郑环卫", "paragraphs": ["新郑环卫。"]},
    ]
    feed = write_jsonl(tmp_path / "r.jsonl", records)
    return create_app(build_index([feed], tmp_path / "index")).test_client()


def test_the_results_page_states_the_query_and_refines_within_it(client):
    page = client.get("/?q=郑州").get_data(as_text=True)
    assert '<p class="explain" title="检索条件">包含“郑州”</p>' in page
    assert 'name="within"' in page and "共 2 篇" in page
    redirect = client.get("/?q=郑州&within=环卫&sort=date")
    assert redirect.status_code == 302
    assert redirect.headers["Location"] == "/?q=%E9%83%91%E5%B7%9E+%E7%8E%AF%E5%8D%AB&sort=date"
    narrowed = client.get(redirect.headers["Location"]).get_data(as_text=True)
    assert "共 1 篇" in narrowed and "包含“郑州”并且包含“环卫”" in narrowed
    assert narrowed.count('<a class="clear"') == 2  # one chip per term


def test_the_api_explains_the_query(client):
    data = client.get("/api/search?q=鄭州 -交通").get_json()
    assert data["explain"] == "包含“郑州”，不包含“交通”；繁体已归一"
    assert data["total"] == 1
