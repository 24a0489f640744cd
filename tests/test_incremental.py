"""Re-imports redo only what changed: per JSONL line, per page file; never a duplicate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from support import CORPUS_DIR, SEED_PAGE, reader_for, settings_for, write_jsonl
from whoosh import index as whoosh_index

from search.backends.whoosh import WhooshBackend
from search.backends.whoosh.manifest import LINES_DIR
from search.backends.whoosh.store import MERGE_FACTOR
from search.backends.whoosh.workers import SEGMENT_TOKENS
from search.backends.whoosh.write_adapter import segments_of
from search.cli import cli
from search.ingest.pipeline import import_paths
from search.models import IndexReport

RECORDS = [
    {"id": "a", "title": "甲文", "paragraphs": ["第一段。", "第二段。"]},
    {"id": "b", "title": "乙文", "paragraphs": ["旧的正文。"]},
    {"id": "c", "title": "丙文", "paragraphs": ["将被删去。"]},
]


def _import(
    index_dir: Path, *paths: Path, segment_tokens: int = SEGMENT_TOKENS, prune: bool = False
) -> IndexReport:
    backend = WhooshBackend(settings_for(index_dir), segment_tokens=segment_tokens)
    return import_paths(backend.writer(), list(paths), prune=prune)


def _titles(runner, index_dir: Path, query: str) -> list[str]:
    out = runner.invoke(
        cli, ["--index", str(index_dir), "search", query, "--json", "--limit", "1000"]
    )
    return sorted(h["title"] for h in json.loads(out.output)["hits"])


def _counts(index_dir: Path) -> tuple[int, int]:
    s = WhooshBackend(settings_for(index_dir)).reader().stats()
    return s.articles, s.paragraphs


def test_changed_line_reindexes_only_that_article(runner, tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", RECORDS)
    index_dir = tmp_path / "index"
    assert _import(index_dir, feed).articles == 3
    edited = [RECORDS[0], {**RECORDS[1], "paragraphs": ["新的正文。", "多一段。"]}]
    write_jsonl(feed, [*edited, {"id": "d", "title": "丁文", "paragraphs": ["新来的。"]}])

    report = _import(index_dir, feed)

    # b changed and d is new: two articles analysed; a untouched; c's line is gone.
    assert (report.files, report.articles, report.paragraphs) == (1, 2, 3)
    assert _counts(index_dir) == (3, 2 + 2 + 1)  # a, b and d's paragraphs
    assert _titles(runner, index_dir, "title:文") == ["丁文", "乙文", "甲文"]
    assert _titles(runner, index_dir, "新的正文") == ["乙文"]
    assert _titles(runner, index_dir, "旧的正文") == _titles(runner, index_dir, "将被删去") == []


def test_unchanged_rerun_and_reordered_lines_import_nothing(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", RECORDS)
    index_dir = tmp_path / "index"
    _import(index_dir, feed)
    again = _import(index_dir, feed)
    assert (again.files, again.unchanged, again.articles, again.removed) == (0, 1, 0, 0)
    # Same lines in another order: the file changed, no article did.
    lines = feed.read_text("utf-8").splitlines()
    feed.write_text("\n".join(reversed(lines)) + "\n", "utf-8")
    reordered = _import(index_dir, feed)
    assert (reordered.files, reordered.articles, reordered.removed) == (1, 0, 0)
    assert _counts(index_dir) == (3, 4)


def test_line_moved_to_another_file_is_not_lost(runner, tmp_path):
    first = write_jsonl(tmp_path / "first.jsonl", RECORDS)
    index_dir = tmp_path / "index"
    _import(index_dir, first)
    write_jsonl(first, RECORDS[:2])
    second = write_jsonl(tmp_path / "second.jsonl", [{**RECORDS[2], "title": "丙文新版"}])

    report = _import(index_dir, first, second)

    assert report.articles == 1 and _counts(index_dir) == (3, 4)
    assert _titles(runner, index_dir, "title:丙文") == ["丙文新版"]


def test_duplicate_of_an_unchanged_line_is_reported_not_indexed(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", RECORDS)
    index_dir = tmp_path / "index"
    _import(index_dir, feed)
    with feed.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "a", "title": "重复", "paragraphs": ["又一个甲。"]}) + "\n")

    report = _import(index_dir, feed)

    assert report.articles == 0
    assert [str(s) for s in report.skipped] == [f"{feed}:4: duplicate article id a"]
    assert _counts(index_dir) == (3, 4)


def test_without_line_tables_a_changed_file_is_replaced_whole(tmp_path):
    """An index from before the line tables (or after a crash between writing them
    and the manifest) still never duplicates."""
    feed = write_jsonl(tmp_path / "feed.jsonl", RECORDS)
    index_dir = tmp_path / "index"
    _import(index_dir, feed)
    shutil.rmtree(index_dir / LINES_DIR)
    write_jsonl(feed, [*RECORDS[:2], {"id": "d", "title": "丁文", "paragraphs": ["新来的。"]}])

    report = _import(index_dir, feed)

    assert report.articles == 3 and _counts(index_dir) == (3, 4)


def test_removed_file_comes_back_whole_and_prune_drops_its_table(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    feed = write_jsonl(src / "feed.jsonl", RECORDS)
    shutil.copy(SEED_PAGE, src / "page.txt")
    index_dir = tmp_path / "index"
    _import(index_dir, src)
    assert runner.invoke(cli, ["--index", str(index_dir), "remove", str(feed)]).exit_code == 0
    assert _counts(index_dir)[0] == 7

    assert _import(index_dir, src).articles == 3  # its old line table is not trusted
    assert _counts(index_dir) == (10, 46 + 4)

    feed.unlink()
    _import(index_dir, src, prune=True)
    assert _counts(index_dir) == (7, 46)
    assert not list((index_dir / LINES_DIR).iterdir())


def test_many_small_imports_are_merged_and_optimize_makes_one_segment(runner, tmp_path):
    index_dir = tmp_path / "index"
    settings = settings_for(index_dir, index_workers=1)  # one segment per import
    for n in range(MERGE_FACTOR + 2):
        feed = write_jsonl(tmp_path / f"day{n}.jsonl", [{**RECORDS[0], "id": f"day{n}"}])
        import_paths(WhooshBackend(settings).writer(), [feed])
    # The first MERGE_FACTOR segments, all in the smallest tier, became one.
    assert WhooshBackend(settings).reader().stats().segments == 3
    assert len(_titles(runner, index_dir, "甲文")) == MERGE_FACTOR + 2
    runner.invoke(cli, ["--index", str(index_dir), "remove", "--id", "day0"])

    optimized = WhooshBackend(settings).writer().optimize()

    assert (optimized.segments, optimized.articles) == (1, MERGE_FACTOR + 1)
    ix = whoosh_index.open_dir(str(index_dir))
    assert not segments_of(ix)[0].has_deletions()


def test_workers_flush_segments_to_bound_memory(runner, tmp_path):
    """A worker writes a segment whenever it holds `segment_tokens` tokens; articles
    (parent and units) never straddle two segments."""
    pd1998 = tmp_path / "pd.jsonl"
    with (CORPUS_DIR / "pd1998.jsonl").open("rb") as source:
        pd1998.write_bytes(b"".join(next(source) for _ in range(120)))
    whole = tmp_path / "whole"
    _import(whole, pd1998)
    split = tmp_path / "split"
    _import(split, pd1998, segment_tokens=50_000)

    segments = [reader_for(index).stats().segments for index in (split, whole)]
    assert segments[0] > segments[1]
    assert _counts(split) == _counts(whole)
    for query in ("中国", '"经济发展"', "title:新华社", "author:李"):
        assert _titles(runner, split, query) == _titles(runner, whole, query), query
