"""Citations: GB/T 7714-2015, RIS and CSL-JSON, with only what the archive knows."""

from __future__ import annotations

import datetime
import json

import pytest
from support import build_index, write_jsonl

from search.newsroom.citations import Reference, citation, csl, gbt7714, ris
from search.web import create_app

FULL = Reference(
    id="a1",
    title="新郑市：建园区引增量扩存量强工业",
    authors=("张立", "杨宜楠"),
    date=datetime.date(2024, 12, 31),
    paper="郑州日报",
    page="3",
    section="要闻",
)
BARE = Reference("b1", "无名之文", (), None, None, None, None)


def test_gbt7714_newspaper_form():
    assert (
        gbt7714(FULL)
        == "张立, 杨宜楠. 新郑市：建园区引增量扩存量强工业[N]. 郑州日报, 2024-12-31(3)."
    )
    many = Reference("m", "题", ("甲一", "乙二", "丙三", "丁四"), None, "人民日报", None, None)
    assert gbt7714(many) == "甲一, 乙二, 丙三, 等. 题[N]. 人民日报."


def test_missing_fields_are_left_out_never_invented():
    assert gbt7714(BARE) == "无名之文[N]."
    record = ris(BARE, "")
    assert record == "TY  - NEWS\r\nTI  - 无名之文\r\nID  - b1\r\nER  - \r\n"
    assert csl(BARE, "") == {"id": "b1", "type": "article-newspaper", "title": "无名之文"}
    dated = Reference("d", "题", (), datetime.date(1998, 1, 2), None, None, None)
    assert gbt7714(dated) == "题[N]. 1998-01-02."


def test_ris_and_csl_carry_every_known_field():
    record = ris(FULL, "http://baoku/a/a1").split("\r\n")
    assert record[:4] == [
        "TY  - NEWS",
        "AU  - 张立",
        "AU  - 杨宜楠",
        "TI  - 新郑市：建园区引增量扩存量强工业",
    ]
    assert {
        "T2  - 郑州日报",
        "PY  - 2024",
        "DA  - 2024/12/31",
        "SP  - 3",
        "UR  - http://baoku/a/a1",
    } <= set(record)
    assert record[-2:] == ["ER  - ", ""]
    item = csl(FULL, "http://baoku/a/a1")
    assert item["type"] == "article-newspaper" and item["container-title"] == "郑州日报"
    assert item["author"] == [{"literal": "张立"}, {"literal": "杨宜楠"}]
    assert item["issued"] == {"date-parts": [[2024, 12, 31]]} and item["page"] == "3"


def test_a_newline_in_archive_text_cannot_forge_a_ris_tag():
    sneaky = Reference("s", "标题\nER  - \nTY  - JOUR", (), None, None, None, None)
    assert ris(sneaky, "").count("\r\n") == 4  # TY, TI, ID, ER: the title stays one line


@pytest.fixture
def client(tmp_path):
    feed = write_jsonl(
        tmp_path / "cite.jsonl",
        [
            {
                "id": "p1",
                "date": "2024-12-31",
                "paper": "郑州日报",
                "page": 3,
                "title": "港口扩建",
                "authors": ["张立"],
                "paragraphs": ["港口扩建。"],
            },
            {"id": "p2", "title": "港口旧闻", "paragraphs": ["港口。"]},
        ],
    )
    return create_app(build_index([feed], tmp_path / "index")).test_client()


@pytest.mark.parametrize(
    ("kind", "media", "start"),
    [
        ("gbt7714", "text/plain", "张立. 港口扩建[N]. 郑州日报, 2024-12-31(3)."),
        ("ris", "application/x-research-info-systems", "TY  - NEWS\r\nAU  - 张立"),
        ("csl", "application/vnd.citationstyles.csl+json", "["),
    ],
)
def test_the_article_api_gives_each_citation_as_a_download(client, kind, media, start):
    response = client.get(f"/api/articles/p1?format={kind}")
    assert response.status_code == 200 and response.mimetype == media
    assert response.get_data(as_text=True).startswith(start)
    assert "attachment" in response.headers["Content-Disposition"]
    if kind == "csl":
        (item,) = json.loads(response.data)
        assert item["URL"] == "http://localhost/a/p1"


def test_the_export_gives_a_whole_result_set_as_citations(client):
    ris_text = client.get("/api/export?q=港口&format=ris").get_data(as_text=True)
    assert ris_text.count("TY  - NEWS") == 2 and ris_text.count("ER  - ") == 2
    items = json.loads(client.get("/api/export?q=港口&format=csl").data)
    assert sorted(i["id"] for i in items) == ["p1", "p2"]
    assert "container-title" not in next(i for i in items if i["id"] == "p2")
    assert client.get("/api/export?q=港口&format=bibtex").status_code == 400


def test_the_article_view_shows_its_citation(client):
    page = client.get("/a/p1").get_data(as_text=True)
    assert "张立. 港口扩建[N]. 郑州日报, 2024-12-31(3)." in page
    assert 'href="/api/articles/p1?format=ris"' in page


def test_citation_helper_matches_the_formats():
    assert citation(FULL, "gbt7714", "") == gbt7714(FULL) + "\n"
