"""The `baoku` command: JSON shape, exit codes, imports that never duplicate."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from functools import partial
from pathlib import Path

from support import BAOKU, SEED_PAGE, write_jsonl

from search.cli import cli

HIT_KEYS = {
    "article_id",
    "title",
    "section",
    "date",
    "authors",
    "source",
    "paragraph",
    "text",
    "snippet",
    "score",
    "matches",
}


def run(runner, index_dir: Path, *args: str):
    return runner.invoke(cli, ["--index", str(index_dir), *args])


def found_ids(runner, index_dir: Path, *args: str) -> list[str]:
    """The article ids `baoku search ARGS --json` finds, sorted."""
    out = run(runner, index_dir, "search", *args, "--json")
    assert out.exit_code == 0, out.output
    return sorted(h["article_id"] for h in json.loads(out.output)["hits"])


def test_search_json_shape(runner, seed_index):
    out = run(runner, seed_index, "search", "郑好融", "--json")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    keys = {"query", "total", "page", "page_size", "took_ms", "hits", "explain", "facets"}
    keys |= {"suggestions", "not_found"}
    assert set(data) == keys and data["facets"] is None  # the API's keys; counted with --facets
    assert (data["query"], data["total"], data["page"], data["page_size"]) == ("郑好融", 1, 1, 10)
    assert data["explain"] == "包含“郑好融”"
    (hit,) = data["hits"]
    assert set(hit) == HIT_KEYS
    assert hit["title"] == "郑州市强化融资信用服务平台建设"
    assert hit["authors"] == ["董艳竹"] and hit["matches"] == 4 and hit["paragraph"] == 1
    assert "<mark>郑好融</mark>" in hit["snippet"] and "郑好融" in hit["text"]


def test_paragraph_group_counts_paragraphs(runner, seed_index):
    data = json.loads(
        run(runner, seed_index, "search", "郑好融", "--json", "--group", "paragraph").output
    )
    assert data["total"] == 4
    assert sorted(h["paragraph"] for h in data["hits"]) == [1, 2, 3, 4]


def test_paging(runner, seed_index):
    first = json.loads(run(runner, seed_index, "search", "郑州", "--json", "--limit", "2").output)
    second = json.loads(
        run(runner, seed_index, "search", "郑州", "--json", "--limit", "2", "--page", "2").output
    )
    assert first["total"] == second["total"] > 2
    assert not {h["article_id"] for h in first["hits"]} & {h["article_id"] for h in second["hits"]}


def test_plain_output_and_zero_hits(runner, seed_index):
    out = run(runner, seed_index, "search", "郑好融")
    assert out.exit_code == 0 and "4 段命中" in out.output and "\x1b[" not in out.output
    none = run(runner, seed_index, "search", "不存在的词语组合")
    assert none.exit_code == 0 and none.output.startswith("0 articles")


def test_query_error_is_exit_2_and_one_line(runner, seed_index):
    out = run(runner, seed_index, "search", "title:")
    assert out.exit_code == 2
    assert out.output.strip() == "Error: title: needs a value, e.g. title:郑州"
    assert run(runner, seed_index, "search", "x", "--limit", "5000").exit_code == 2


def test_missing_index_is_exit_1_naming_the_path(runner, tmp_path):
    out = run(runner, tmp_path / "nowhere", "search", "郑州")
    assert out.exit_code == 1 and str(tmp_path / "nowhere") in out.output
    assert "Traceback" not in out.output


def test_bad_files_are_reported_and_skipped(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_PAGE, src)
    (src / "empty.txt").write_bytes(b"")
    (src / "binary.txt").write_bytes(b"\x00\x01\x02" * 100)
    (src / "latin1.txt").write_bytes("### caf\xe9\n\n\xff\xfe\xfa\xfb".encode("latin-1"))
    (src / "gbk.txt").write_bytes("### 旧报纸\n\n郑州日报老版面。".encode("gbk"))
    (src / "bom.md").write_bytes("\ufeff### 带签名\n\n宝库测试。".encode())
    write_jsonl(src / "lines.jsonl", [{"id": "ok", "title": "好行", "paragraphs": ["正文。"]}])
    with (src / "lines.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    out = run(runner, tmp_path / "index", "index", str(src))
    assert out.exit_code == 1
    assert "empty.txt: empty file" in out.output
    assert "binary.txt" in out.output and "latin1.txt" in out.output
    assert "lines.jsonl:2: bad record" in out.output
    assert "10 articles" in out.output  # 7 seed + gbk + bom + one good JSONL line
    for query, title in [("旧报纸", "旧报纸"), ("宝库", "带签名"), ("好行", "好行")]:
        data = json.loads(run(runner, tmp_path / "index", "search", query, "--json").output)
        assert [h["title"] for h in data["hits"]] == [title]


def _count(runner, index_dir: Path) -> tuple[int, int]:
    data = json.loads(run(runner, index_dir, "stats", "--json").output)
    return data["articles"], data["paragraphs"]


def test_reindex_never_duplicates_and_updates_changed_files(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    page = src / "p.txt"
    shutil.copy(SEED_PAGE, page)
    feed = write_jsonl(src / "f.jsonl", [{"id": "a", "title": "第一版", "paragraphs": ["旧文。"]}])
    index_dir = tmp_path / "index"
    assert run(runner, index_dir, "index", str(src)).exit_code == 0
    assert _count(runner, index_dir) == (8, 47)
    again = run(runner, index_dir, "index", str(src))
    assert "0 files imported, 2 unchanged" in again.output
    assert _count(runner, index_dir) == (8, 47)
    # The same article id from a second file replaces, never duplicates.
    write_jsonl(src / "g.jsonl", [{"id": "a", "title": "第二版", "paragraphs": ["新文。"]}])
    run(runner, index_dir, "index", str(src / "g.jsonl"))
    assert _count(runner, index_dir) == (8, 47)
    # A changed file replaces its articles.
    write_jsonl(feed, [{"id": "a", "title": "第三版", "paragraphs": ["改文。", "两段。"]}])
    run(runner, index_dir, "index", str(src))
    titles = json.loads(run(runner, index_dir, "search", "title:版", "--json").output)["hits"]
    assert [h["title"] for h in titles] == ["第三版"]
    assert _count(runner, index_dir)[0] == 8


def test_remove_and_prune(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_PAGE, src / "p.txt")
    feed = write_jsonl(src / "f.jsonl", [{"id": "a", "title": "删除", "paragraphs": ["正文。"]}])
    index_dir = tmp_path / "index"
    run(runner, index_dir, "index", str(src))
    removed = run(runner, index_dir, "remove", str(src / "p.txt"))
    assert removed.exit_code == 0 and "removed 7 articles" in removed.output
    assert _count(runner, index_dir) == (1, 1)
    feed.unlink()
    # Re-importing the folder brings p.txt back (it is still there); --prune drops f.jsonl's.
    assert run(runner, index_dir, "index", str(src), "--prune").exit_code == 0
    assert _count(runner, index_dir) == (7, 46)
    assert json.loads(run(runner, index_dir, "search", "删除", "--json").output)["total"] == 0
    assert run(runner, index_dir, "remove").exit_code == 2


def test_page_date_from_the_command_line(runner, tmp_path):
    shutil.copy(SEED_PAGE, tmp_path / "p.txt")
    run(runner, tmp_path / "index", "index", str(tmp_path / "p.txt"), "--date", "2024-12-31")
    data = json.loads(run(runner, tmp_path / "index", "search", "郑好融", "--json").output)
    assert data["hits"][0]["date"] == "2024-12-31"


def test_folder_documentation_is_not_imported_as_pages(runner, tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "README.md").write_text("# 说明\n\n## Record format\n\n这是文档。", "utf-8")
    shutil.copy(SEED_PAGE, src)
    out = run(runner, tmp_path / "index", "index", str(src))
    assert out.exit_code == 0 and "7 articles" in out.output
    assert (
        json.loads(run(runner, tmp_path / "index", "search", "文档", "--json").output)["total"] == 0
    )


def test_python_m_search_prints_no_jieba_chatter(tmp_path):
    """jieba logs "Building prefix dict…" and cache errors to stderr; none may show."""
    env = {
        **os.environ,
        "BAOKU_INDEX": str(tmp_path / "index"),
        "BAOKU_CACHE_DIR": "/dev/null/not-a-dir",
    }  # unwritable: falls back quietly
    # From another directory: in the checkout, -m would import the source tree.
    python_m = [sys.executable, "-m", "search"]
    index = subprocess.run(
        [*python_m, "index", str(SEED_PAGE)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    search = subprocess.run(
        [*python_m, "search", "郑好融"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert index.returncode == 0 and search.returncode == 0, index.stderr + search.stderr
    for output in (index.stdout, index.stderr, search.stdout, search.stderr):
        assert "prefix dict" not in output and "cache" not in output.lower()
        assert "Traceback" not in output
    assert search.stdout.startswith("1 articles for 郑好融")


def test_user_dictionary_shapes_ranking_never_recall(runner, tmp_path):
    words = tmp_path / "words.txt"
    words.write_text("宝库通 3\n", "utf-8")
    src = write_jsonl(
        tmp_path / "r.jsonl",
        [
            {"id": "product", "title": "甲", "paragraphs": ["宝库通今天正式上线了。"]},
            {"id": "passage", "title": "乙", "paragraphs": ["宝库通道开放。"]},
        ],
    )
    ranked = {}
    for name, extra in [("plain", []), ("dict", ["--user-dict", str(words)])]:
        index_dir = tmp_path / name
        runner.invoke(cli, ["--index", str(index_dir), *extra, "index", str(src)])
        out = runner.invoke(cli, ["--index", str(index_dir), *extra, "search", "宝库通", "--json"])
        ranked[name] = [h["article_id"] for h in json.loads(out.output)["hits"]]
    # Same articles either way; with 宝库通 a word, the article using it as one ranks first.
    assert sorted(ranked["plain"]) == sorted(ranked["dict"]) == ["passage", "product"]
    assert ranked["plain"][0] == "passage" and ranked["dict"][0] == "product"


def test_reported_peak_memory_is_the_imports_own(tmp_path):
    """Started by a large process, `baoku index` reports its own peak, not the parent's
    (Linux keeps ru_maxrss across exec: a benchmark holding an index reported 1.5 GB)."""
    ballast = bytearray(400 * 1024 * 1024)
    ballast[::4096] = b"\x01" * len(range(0, len(ballast), 4096))  # resident, not just mapped
    done = subprocess.run(
        [*BAOKU, "--index", str(tmp_path / "i"), "index", str(SEED_PAGE)],
        capture_output=True,
        text=True,
        check=True,
    )
    del ballast
    found = re.search(r"peak memory (\d+) MB", done.stdout)
    assert found, done.stdout
    peak = int(found[1])
    assert 0 < peak < 300, done.stdout


def test_global_options_work_before_and_after_the_command(runner, seed_index, tmp_path):
    """Users type `baoku search 郑好融 --index DIR` as often as `baoku --index DIR search …`."""
    after = runner.invoke(cli, ["search", "郑好融", "--json", "--index", str(seed_index)])
    before = runner.invoke(cli, ["--index", str(seed_index), "search", "郑好融", "--json"])
    assert after.exit_code == before.exit_code == 0, after.output + before.output
    assert json.loads(after.output)["hits"] == json.loads(before.output)["hits"]
    stats = runner.invoke(cli, ["stats", "--json", "--index", str(seed_index)])
    assert json.loads(stats.output)["articles"] == 7
    missing = runner.invoke(cli, ["search", "郑好融", "--index", str(tmp_path / "none")])
    assert missing.exit_code == 1 and "no index at" in missing.output


def test_dates_are_parsed_one_way_for_options_and_queries(runner, tmp_path):
    """`--to 2024-03` means the end of March, as `date:..2024-03` does; a bad date is one
    line naming the option, exit 2."""
    src = write_jsonl(
        tmp_path / "d.jsonl",
        [
            {"id": "march", "date": "2024-03-31", "title": "三月", "paragraphs": ["报库日期。"]},
            {"id": "april", "date": "2024-04-01", "title": "四月", "paragraphs": ["报库日期。"]},
        ],
    )
    index_dir = tmp_path / "index"
    assert run(runner, index_dir, "index", str(src)).exit_code == 0

    found = partial(found_ids, runner, index_dir)
    assert found("报库日期", "--to", "2024-03") == found("报库日期 date:..2024-03") == ["march"]
    assert found("报库日期", "--from", "2024-04") == ["april"]
    bad = run(runner, index_dir, "search", "报库日期", "--from", "2024-13")
    assert bad.exit_code == 2 and bad.output.count("\n") == 1 and "from: bad date" in bad.output


PAGE_WITH_FURNITURE = """郑州日报
2024年12月31日 星期二
第03版：要闻

### 郑州出台新规

本报记者 张建文

郑州市近日出台新规，市民

![](http://example.com/photo.jpg)

都很关心。（下转第二版）

责任编辑：王小明
"""


def test_parse_shows_how_a_page_is_read_without_importing(runner, tmp_path):
    page = tmp_path / "zz-03.txt"
    page.write_text(PAGE_WITH_FURNITURE, "utf-8")
    index_dir = tmp_path / "index"
    out = run(runner, index_dir, "parse", str(page), "--json")
    assert out.exit_code == 0, out.output
    (file,) = json.loads(out.output)["files"]
    assert file["meta"] == {
        "date": "2024-12-31",
        "paper": "郑州日报",
        "page": "3",
        "page_name": "要闻",
    }
    assert file["meta_from"]["date"] == "header"
    (article,) = file["articles"]
    assert article["id"] == "zz-03-01" and article["authors"] == ["张建文"]
    assert article["paragraphs"] == [{"kind": "body", "text": "郑州市近日出台新规，市民都很关心。"}]
    assert article["continued_on"] == "2" and article["section"] == "要闻"
    dropped = {(n["line"], n["detail"]) for n in file["notes"] if n["kind"] == "dropped"}
    assert dropped == {(1, "header"), (2, "header"), (3, "header"), (11, "image"), (15, "footer")}
    assert {n["kind"] for n in file["notes"]} >= {"byline", "jump", "joined"}
    assert not index_dir.exists()  # nothing was imported

    text = run(runner, index_dir, "parse", str(page), "--date", "2025-01-02").output
    assert "date 2025-01-02 (option)" in text and "line 15  dropped  footer" in text
    assert "（下转第2版，续篇未导入）" in text


def test_parse_reports_bad_files_and_reads_the_rest(runner, tmp_path):
    (tmp_path / "good.txt").write_text("### 标题\n\n正文。\n", "utf-8")
    (tmp_path / "bad.txt").write_text("---\ndate: 31.12.2024\n---\n### t\n\nx。", "utf-8")
    out = run(runner, tmp_path / "index", "parse", str(tmp_path), "--json")
    data = json.loads(out.stdout)
    assert [Path(f["path"]).name for f in data["files"]] == ["good.txt"]
    assert [Path(s["path"]).name for s in data["skipped"]] == ["bad.txt"]


def test_article_prints_one_article_with_matches_marked(runner, seed_index):
    out = run(runner, seed_index, "article", "000_9abfc11f84c73b14-05", "--q", "郑好融")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0] == "郑州市强化融资信用服务平台建设  [000_9abfc11f84c73b14-05]"
    assert "董艳竹" in lines[1]
    assert sum("郑好融" in line for line in lines) == 4  # plain text when not a terminal
    data = json.loads(
        run(
            runner, seed_index, "article", "000_9abfc11f84c73b14-05", "--json", "--q", "郑好融"
        ).output
    )
    assert [p["hit"] for p in data["paragraphs"]].count(True) == 4
    assert "<mark>郑好融</mark>" in data["paragraphs"][1]["html"]


def test_article_unknown_id_is_one_line_and_exit_1(runner, seed_index):
    out = run(runner, seed_index, "article", "no-such-article")
    assert out.exit_code == 1
    assert out.output.strip().count("\n") == 0 and "no-such-article" in out.output


def test_since_and_imported_since_for_a_cron_job(runner, tmp_path):
    """--since is publication date (as --from); --imported-since is import time, so a
    script can ask what arrived after its last run."""
    feed = write_jsonl(
        tmp_path / "f.jsonl",
        [
            {"id": "jan", "date": "2024-01-10", "title": "港口一", "paragraphs": ["港口。"]},
            {"id": "mar", "date": "2024-03-10", "title": "港口三", "paragraphs": ["港口。"]},
        ],
    )
    index_dir = tmp_path / "index"
    assert run(runner, index_dir, "index", str(feed)).exit_code == 0

    found = partial(found_ids, runner, index_dir, "港口")
    assert found("--since", "2024-02") == ["mar"]
    assert found("--imported-since", "2000-01-01") == ["jan", "mar"]
    assert found("--imported-since", "2999-01-01T00:00+08:00") == []
    both = run(runner, index_dir, "search", "港口", "--since", "2024", "--from", "2024")
    assert both.exit_code == 2 and "not both" in both.output
    bad = run(runner, index_dir, "search", "港口", "--imported-since", "yesterday")
    assert bad.exit_code == 2 and "imported_since: bad time 'yesterday'" in bad.output
