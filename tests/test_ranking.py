"""Ranking a journalist notices: the headline they remember first, words over fragments."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import build_index, ids, searcher_for, write_jsonl

FILLER = "会议强调,要坚持稳中求进工作总基调,推动经济持续回升向好。"


@pytest.fixture(scope="module")
def ranked(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("ranked")
    write_jsonl(
        folder / "r.jsonl",
        [
            # Mentions the query many times in the body, not in the title.
            {
                "id": "body",
                "title": "城市建设综述",
                "paragraphs": ["港口经济港口经济港口经济,港口经济带动发展。" + FILLER] * 3,
            },
            # The headline the journalist remembers; one body mention.
            {"id": "headline", "title": "港口经济迎来新机遇", "paragraphs": [FILLER, FILLER]},
            # 铁军 as a word vs only inside 钢铁军团 (substring, not a word); not 环卫铁军,
            # which the shipped dictionary makes one word.
            {"id": "word", "title": "甲", "paragraphs": ["这支铁军奋战一线。" + FILLER]},
            {"id": "fragment", "title": "乙", "paragraphs": ["钢铁军团奋战一线。" + FILLER]},
            # Both terms together in one paragraph vs scattered over two.
            {"id": "together", "title": "丙", "paragraphs": ["郑州港区发展物流。", FILLER]},
            {"id": "scattered", "title": "丁", "paragraphs": ["郑州发展。", "港区物流。"]},
        ],
    )
    index_dir = folder / "index"
    build_index([folder], index_dir)
    return index_dir


def test_title_match_ranks_first(ranked):
    assert ids(searcher_for(ranked)("港口经济"))[0] == "headline"


def test_whole_word_ranks_above_substring(ranked):
    assert ids(searcher_for(ranked)("铁军")) == ["word", "fragment"]


def test_terms_together_rank_above_scattered(ranked):
    assert ids(searcher_for(ranked)("郑州 港区 物流")) == ["together", "scattered"]


def test_title_match_first_on_the_seed(seed_search):
    # 郑州市强化融资信用服务平台建设 is the only title with 融资信用; other
    # articles don't have it at all, but the title tier must hold for partial words too.
    assert ids(seed_search("融资 信用"))[0] == "05"
    assert ids(seed_search("无废细胞"))[0] == "06"


def test_an_excluded_article_lends_no_score_to_its_neighbour(tmp_path):
    """The togetherness bonus belongs to the article whose paragraph holds the terms;
    an article excluded by NOT must not pass its bonus on to the next one."""
    src = write_jsonl(
        tmp_path / "r.jsonl",
        [
            {"id": "excluded", "paragraphs": ["港口与航运同时提及。", "还有禁词。"]},
            {"id": "kept", "paragraphs": ["港口一段。", "航运另一段。"]},
        ],
    )
    search = searcher_for(build_index([src], tmp_path / "index").index_dir)
    alone = search("港口 航运 -禁词")
    assert [h.article_id for h in alone.hits] == ["kept"]
    plain = {h.article_id: h.score for h in search("港口 航运").hits}
    assert alone.hits[0].score == plain["kept"]
