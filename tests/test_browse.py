"""Browsing by day and page: counts equal a count over the imported records, pages and
articles come in print order, and the neighbouring days and pages stop at the edges."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from support import CORPUS_DIR, build_index, write_jsonl

from search.cli import cli
from search.web import create_app

DAYS = ("1998-01-01", "1998-01-02", "1998-01-05")  # a gap to step over; 01-05 has 12 pages


def _records() -> list[dict]:
    """pd1998 records of three days with `paper` and `page` added, page 10 among them."""
    chosen = []
    with (CORPUS_DIR / "pd1998.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            if record["date"] in DAYS:
                page = str(int(record["section"].split("第")[1].rstrip("版")))
                chosen.append({**record, "paper": "人民日报", "page": page})
    return chosen


PAGE_FILE = """郑州日报 1998年1月2日 星期五 第02版：要闻

### 郑州新闻二

正文。

### 郑州新闻一

正文。
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browse")
    records = _records()
    write_jsonl(folder / "pd.jsonl", records)
    write_jsonl(folder / "undated.jsonl", [{"id": "u", "title": "无日期", "paragraphs": ["x。"]}])
    (folder / "zz-02.txt").write_text(PAGE_FILE, "utf-8")
    return build_index([folder], folder / "index"), records


@pytest.fixture(scope="module")
def client(archive):
    return create_app(archive[0]).test_client()


def test_dates_count_every_article_per_day_month_and_year(client, archive):
    records = archive[1]
    data = client.get("/api/dates?by=day").get_json()
    expected = Counter(r["date"] for r in records) + Counter({"1998-01-02": 2})
    assert {c["period"]: c["articles"] for c in data["counts"]} == expected
    papers = {p["paper"]: p for p in data["papers"]}
    assert papers["人民日报"]["articles"] == len(records) and papers["人民日报"]["days"] == 3
    assert (papers["郑州日报"]["first"], papers["郑州日报"]["articles"]) == ("1998-01-02", 2)
    by_month = client.get("/api/dates?by=month&paper=郑州日报").get_json()
    assert by_month["counts"] == [{"period": "1998-01", "articles": 2}]
    assert client.get("/api/dates?by=week").status_code == 400


def test_a_day_lists_papers_pages_and_articles_in_print_order(client, archive):
    papers = client.get("/api/issues/1998-01-02").get_json()["papers"]
    assert [p["paper"] for p in papers] == ["人民日报", "郑州日报"]
    (zhengzhou,) = papers[1]["pages"]
    assert (zhengzhou["page"], zhengzhou["page_name"]) == ("2", "要闻")
    assert [a["title"] for a in zhengzhou["articles"]] == ["郑州新闻二", "郑州新闻一"]
    (people,) = client.get("/api/issues/1998-01-05").get_json()["papers"]
    pages = people["pages"]
    assert [p["page"] for p in pages] == [str(n) for n in range(1, 13)]  # 2 before 10
    wanted = [r for r in archive[1] if r["date"] == "1998-01-05"]
    for page in pages:
        ids = [a["id"] for a in page["articles"]]
        assert ids == sorted(r["id"] for r in wanted if r["page"] == page["page"])


def test_neighbouring_days_skip_gaps_and_stop_at_the_edges(client):
    first = client.get("/api/issues/1998-01-01").get_json()
    assert (first["previous_day"], first["next_day"]) == (None, "1998-01-02")
    middle = client.get("/api/issues/1998-01-02?paper=郑州日报").get_json()
    assert (middle["previous_day"], middle["next_day"]) == (None, None)  # its only day
    last = client.get("/api/issues/1998-01-05").get_json()
    assert (last["previous_day"], last["next_day"]) == ("1998-01-02", None)
    empty = client.get("/api/issues/1998-01-03").get_json()
    assert empty["papers"] == [] and empty["next_day"] == "1998-01-05"
    assert client.get("/api/issues/1998-01").status_code == 400
    assert client.get("/api/issues/1998-02-30").status_code == 400


def test_the_pages_render_calendar_day_and_page(client):
    coverage = client.get("/browse").get_data(as_text=True)
    assert "1998-01-01 至 1998-01-05" in coverage and "郑州日报" in coverage
    month = client.get("/browse/1998-01?paper=郑州日报").get_data(as_text=True)
    link = 'href="/browse/1998-01-02?paper=%E9%83%91%E5%B7%9E%E6%97%A5%E6%8A%A5">'
    assert link + '2<span class="count">2 篇' in month
    day = client.get("/browse/1998-01-02").get_data(as_text=True)
    assert "星期五" in day and "前一天 1998-01-01" in day and "后一天 1998-01-05" in day
    first = client.get("/browse/1998-01-02/人民日报/1").get_data(as_text=True)
    assert "上一版" not in first and "下一版 第2版" in first
    assert client.get("/browse/1998-01-02/人民日报/99").status_code == 404
    assert client.get("/browse/1998-13").status_code == 400


def test_the_cli_browses_the_same(runner, archive):
    settings, records = archive
    index = ["--index", str(settings.index_dir)]
    out = runner.invoke(cli, [*index, "browse"])
    assert out.exit_code == 0, out.output
    assert f"人民日报  1998-01-01 – 1998-01-05  3 days  {len(records):,} articles" in out.output
    day = runner.invoke(cli, [*index, "browse", "1998-01-02", "--page", "2", "--paper", "郑州日报"])
    assert "[zz-02-01] 郑州新闻二" in day.output and "人民日报" not in day.output
    data = json.loads(runner.invoke(cli, [*index, "browse", "1998-01", "--json"]).output)
    assert data["by"] == "day" and len(data["counts"]) == 3
    bad = runner.invoke(cli, [*index, "browse", "1998-01-02", "--page", "99"])
    assert bad.exit_code == 2 and "no page '99'" in bad.output


def test_browse_finds_no_dated_article_in_an_index_of_undated_pages(tmp_path, runner):
    page = Path(tmp_path / "p.txt")
    page.write_text("### 标题\n\n正文。\n", "utf-8")
    settings = build_index([page], tmp_path / "index")
    out = runner.invoke(cli, ["--index", str(settings.index_dir), "browse"])
    assert out.exit_code == 0 and "no dated articles" in out.output
