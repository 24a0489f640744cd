"""Trends: counts per period equal a count over the records (and a search with that date
range), shares divide by every article of the period, and empty periods are shown."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from typing import Any

import pytest
from support import build_index, write_jsonl

from search.cli import cli
from search.web import create_app

RECORDS: list[dict[str, Any]] = [
    {
        "id": f"a{n}",
        "date": f"{2020 + n % 3}-0{1 + n % 4}-15",
        "title": f"港口{n}" if n % 2 else f"码头{n}",
        "paragraphs": ["正文。"],
    }
    for n in range(24)
] + [
    {"id": "undated", "title": "港口无日期", "paragraphs": ["正文。"]},
    {"id": "late", "date": "2023-06-01", "title": "其他", "paragraphs": ["正文。"]},
]


def _count(word: str, width: int) -> Counter[str]:
    return Counter(r["date"][:width] for r in RECORDS if r.get("date") and word in r["title"])


ALL_YEARS = Counter(r["date"][:4] for r in RECORDS if r.get("date"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("trend")
    return build_index([write_jsonl(folder / "t.jsonl", RECORDS)], folder / "index")


@pytest.fixture(scope="module")
def client(archive):
    return create_app(archive).test_client()


def test_counts_and_shares_per_year_against_the_records(client):
    data = client.get("/api/trend?q=港口&q=码头&q=不存在的词&by=year").get_json()
    assert data["periods"] == ["2020", "2021", "2022", "2023"]
    port, dock, none = data["series"]
    expected = _count("港口", 4)
    assert [p["articles"] for p in port["points"]] == [expected[y] for y in data["periods"]]
    assert [p["total"] for p in port["points"]] == [ALL_YEARS[y] for y in data["periods"]]
    assert [p["share"] for p in port["points"]] == [
        round(expected[y] / ALL_YEARS[y], 6) for y in data["periods"]
    ]
    assert port["points"][-1] == {"period": "2023", "articles": 0, "total": 1, "share": 0.0}
    assert dock["articles"] == sum(_count("码头", 4).values())
    assert [p["articles"] for p in none["points"]] == [0, 0, 0, 0]  # a query with no hits
    assert port["explain"] == "包含“港口”"


def test_a_point_equals_a_search_with_that_date_range(client):
    months = client.get("/api/trend?q=港口&by=month&from=2020-01&to=2020-06").get_json()
    assert months["periods"] == [f"2020-0{m}" for m in range(1, 7)]  # empty months too
    for point in months["series"][0]["points"]:
        period = point["period"]
        total = client.get(f"/api/search?q=港口&from={period}&to={period}").get_json()["total"]
        assert point["articles"] == total == _count("港口", 7)[period]


def test_limits_and_bad_input_are_400(client):
    assert client.get("/api/trend?" + "&".join(f"q=词{n}" for n in range(7))).status_code == 400
    assert client.get("/api/trend").status_code == 400
    assert client.get("/api/trend?q=港口&by=week").status_code == 400
    assert client.get("/api/trend?q=date:2020-13").status_code == 400


def test_the_data_as_csv(client):
    response = client.get("/api/trend?q=港口&by=year&format=csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["period"], int(r["articles"])) for r in rows] == [
        (y, _count("港口", 4)[y]) for y in ("2020", "2021", "2022", "2023")
    ]


def test_the_page_draws_a_chart_with_a_legend_and_linked_points(client):
    page = client.get("/trend?q=港口&q=<b>码头</b>&by=year").get_data(as_text=True)
    assert page.count("<polyline") == 2 and page.count("<circle") == 8
    assert "&lt;b&gt;码头&lt;/b&gt;" in page and "<b>码头</b>" not in page
    assert 'href="/?q=%E6%B8%AF%E5%8F%A3&amp;from=2021&amp;to=2021"' in page
    assert "横轴：年；纵轴：占当期全部文章的比例" in page
    bad = client.get("/trend?q=date:2020-13")
    assert bad.status_code == 400 and 'class="error"' in bad.get_data(as_text=True)


def test_the_cli_trend(runner, archive):
    index = ["--index", str(archive.index_dir)]
    out = runner.invoke(cli, [*index, "trend", "港口", "码头", "--by", "year"])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split() == ["period", "all", "港口", "码头"]
    assert lines[1].split()[:3] == ["2020", str(ALL_YEARS["2020"]), str(_count("港口", 4)["2020"])]
    rows = runner.invoke(cli, [*index, "trend", "港口", "--csv"]).output.splitlines()
    assert rows[0] == "query,period,articles,total,share"
    data = json.loads(
        runner.invoke(cli, [*index, "trend", "港口", "--json", "--by", "month"]).output
    )
    assert data["by"] == "month"
