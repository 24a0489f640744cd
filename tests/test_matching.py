"""What a journalist types is found as it is written: the matching rules on real indexes."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import build_index, ids, reader_for, searcher_for, write_jsonl

from search.errors import QuerySyntaxError


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("铜", ["01"]),  # a single character
        ("郑好融", ["05"]),  # a coinage jieba would split
        ("47.6亿元", ["02"]),  # a number with unit
        ("4S店", ["06"]),
        ("4s店", ["06"]),  # Latin case
        ("1136", ["01"]),
        ("小微企业园", ["01"]),  # jieba splits it differently in context
        ("无废细胞", ["06"]),
        ("無廢城市", ["06"]),  # traditional input
        ("４Ｓ店", ["06"]),  # full-width input
        ("４７.６亿元", ["02"]),
        ("张立", ["01"]),  # an author name, also in the byline
        ("程艺涵", ["03"]),  # 通讯员 count as authors
    ],
)
def test_bare_term_is_a_substring_search(seed_search, query, expected):
    assert sorted(ids(seed_search(query))) == expected


def test_cross_word_substring_finds_both_articles(seed_search):
    # 州公 only exists across a word boundary (郑州|公用).
    assert sorted(ids(seed_search("州公"))) == ["06", "07"]


def test_terms_are_anded_anywhere_in_the_article(seed_search):
    # 恒天铜业 and 小微企业园 are in different paragraphs of article 01.
    assert ids(seed_search("恒天铜业 小微企业园")) == ["01"]
    assert ids(seed_search("恒天铜业 郑好融")) == []


def test_paragraph_group_needs_all_terms_in_one_paragraph(seed_search):
    assert seed_search("恒天铜业 小微企业园", group="paragraph").total == 0
    result = seed_search("恒天铜业 铜导线", group="paragraph")
    assert [(h.article_id[-2:], h.paragraph) for h in result.hits] == [("01", 3)]


def test_phrase_never_crosses_paragraphs(seed_search):
    # Paragraph 0 of article 01 ends with 稳中向好。 and paragraph 1 starts with 今年以来.
    assert seed_search('"稳中向好。今年以来"').total == 0
    assert seed_search('"稳中向好 稳中有升"').total == 0  # the text has 、 between them
    assert ids(seed_search('"稳中向好、稳中有升"')) == ["02"]


def test_phrase_matches_across_the_rejoined_column_break(seed_search):
    assert ids(seed_search('"开展实践学习"')) == ["07"]


def test_near_within_n_characters(seed_search):
    # …彩虹桥环卫综合场站特色党建阵地: 6 characters between 环卫 and 党建.
    assert seed_search('"环卫 党建"~5', group="paragraph").total == 0
    near = seed_search('"党建 环卫"~6', group="paragraph")
    assert (near.hits[0].article_id[-2:], near.hits[0].paragraph) in {("07", 6), ("06", 7)}
    assert ids(seed_search('"公用 郑州"~0')) != []  # either order


def test_or_not_and_parentheses(seed_search):
    assert sorted(ids(seed_search("新郑市 OR 荥阳市"))) == ["01", "02", "04"]
    assert sorted(ids(seed_search("新郑市 NOT 园区"))) == ["02"]
    assert sorted(ids(seed_search("新郑市 -园区"))) == ["02"]
    assert sorted(ids(seed_search("(新密 OR 荥阳) 十五五"))) == ["03", "04"]


def test_fields(seed_search):
    assert sorted(ids(seed_search("title:郑州"))) == ["05", "07"]  # 07: its subtitle
    assert ids(seed_search("author:董艳竹")) == ["05"]
    assert ids(seed_search("author:郑好融")) == []
    assert seed_search("section:经济工作会议").total == 6


@pytest.mark.parametrize("query", ["", "   ", "OR", "NOT 郑州", "title:", "date:2024-13", "date:x"])
def test_bad_queries_raise_one_clear_error(seed_search, query):
    with pytest.raises(QuerySyntaxError):
        seed_search(query)


@pytest.mark.parametrize("query", ['"郑好融', "郑好融)", "((郑好融", "郑好融 OR", "AND 郑好融"])
def test_untidy_queries_are_answered(seed_search, query):
    assert ids(seed_search(query)) == ["05"]


@pytest.fixture(scope="module")
def dated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dated")
    write_jsonl(
        folder / "d.jsonl",
        [
            {"id": "jan", "date": "2024-01-15", "title": "一月", "paragraphs": ["港口建设。"]},
            {"id": "mar", "date": "2024-03-31", "title": "三月", "paragraphs": ["港口扩建。"]},
            {"id": "may", "date": "2024-05-01", "title": "五月", "paragraphs": ["港口开放。"]},
            {"id": "none", "title": "无日期", "paragraphs": ["港口。"]},
        ],
    )
    index_dir = folder / "index"
    build_index([folder], index_dir)
    return index_dir


def test_date_ranges_in_query_and_options(dated):
    search = searcher_for(dated)
    assert sorted(ids(search("港口 date:2024-01..2024-03"))) == ["jan", "mar"]
    assert sorted(ids(search("港口 date:2024-05"))) == ["may"]
    assert sorted(ids(search("港口 date:..2024-02"))) == ["jan"]
    import datetime

    ranged = search(
        "港口", date_from=datetime.date(2024, 3, 1), date_to=datetime.date(2024, 12, 31)
    )
    assert sorted(ids(ranged)) == ["mar", "may"]


def test_sort_by_date_newest_first_undated_last(dated):
    assert ids(searcher_for(dated)("港口", sort="date")) == ["may", "mar", "jan", "none"]


@pytest.fixture(scope="module")
def many(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("many")
    records = [
        {
            "id": f"m{n}",
            "title": f"第{n}号",
            "paragraphs": [f"港口新闻{n}。" * (1 + n % 7), "码头。"],
        }
        for n in range(120)
    ]
    write_jsonl(folder / "m.jsonl", records)
    build_index([folder], folder / "index")
    return folder / "index"


@pytest.mark.parametrize("query", ["港口 OR 码头", "(港口 新闻) OR 码头", "港口 OR (码头 新闻)"])
def test_top_level_or_with_a_full_page_counts_every_article(many, query):
    # With no title tier Whoosh prunes by quality once the page is full; every
    # article must still be found and counted.
    search = searcher_for(many)
    assert search(query, size=1).total == 120
    assert len(search(query, size=200).hits) == 120


def test_article_ids_lists_exactly_the_matches(seed_index):
    from search.models import SearchRequest

    archive = reader_for(seed_index)
    for query in ("州公", "郑州 OR 新郑", "铁军 -郑好融"):
        result = archive.search(SearchRequest(query=query, size=100))
        assert archive.article_ids(SearchRequest(query=query)) == {
            h.article_id for h in result.hits
        }
