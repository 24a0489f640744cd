"""Scores of the embedded engine (the orderings every engine follows are in backend_tests.py)."""

from __future__ import annotations

from support import build_index, searcher_for, write_jsonl


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
