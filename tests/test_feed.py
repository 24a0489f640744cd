"""Every search is an Atom feed: valid RFC 4287, newest first, escaped, and 304 until an import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import feedparser
import pytest
from support import ROOT, settings_for, write_jsonl

from search.backends import backend_for
from search.ingest.pipeline import import_paths
from search.web import create_app

SCHEMA = ROOT / "tests" / "data" / "atom.rnc"  # RFC 4287, Appendix B
PYJING = str(Path(sys.executable).with_name("pyjing"))
HOSTILE = '<script>alert("x")</script> & 港口'
RECORDS = [
    {
        "id": "old",
        "date": "2024-01-05",
        "title": "港口旧闻",
        "authors": ["张立"],
        "paragraphs": ["港口建设。"],
    },
    {
        "id": "new",
        "date": "2024-03-01",
        "title": HOSTILE,
        "section": "经济",
        "paragraphs": [f"{HOSTILE}扩建。"],
    },
    {
        "id": "mid",
        "date": "2024-02-10",
        "title": "港口中闻",
        "authors": ["李莉", "王五"],
        "paragraphs": ["港口。"],
    },
    {"id": "undated", "title": "港口无日期", "paragraphs": ["港口。"]},
]


@pytest.fixture
def archive(tmp_path):
    feed = write_jsonl(tmp_path / "feed.jsonl", RECORDS)
    settings = settings_for(tmp_path / "index")
    import_paths(backend_for(settings).writer(), [feed])
    return settings, feed


def test_a_search_feed_is_valid_atom_newest_first_and_escaped(archive, tmp_path):
    settings, _ = archive
    client = create_app(settings).test_client()
    response = client.get("/feed.atom", query_string={"q": "港口", "sort": "relevance"})
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    document = tmp_path / "feed.xml"
    document.write_bytes(response.data)
    jing = subprocess.run(
        [PYJING, "-c", str(SCHEMA), str(document)], capture_output=True, text=True
    )
    assert jing.returncode == 0, jing.stdout + jing.stderr
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "报库：港口"
    assert [e.link.rsplit("/", 1)[1] for e in parsed.entries] == ["new", "mid", "old", "undated"]
    newest = parsed.entries[0]
    assert newest.title == HOSTILE  # the text as written, escaped in the XML
    assert b"<script>" not in response.data and b"&lt;script&gt;" in response.data
    # The summary is escaped HTML (type="html"): archive text escaped once as HTML, the
    # highlight tags real HTML, and all of it escaped again as XML text.
    summary = response.data.split(b"<summary")[1].split(b"</summary>")[0].decode()
    assert "&amp;lt;script&amp;gt;" in summary and "&lt;mark&gt;港口&lt;/mark&gt;" in summary
    assert "<script>" not in newest.summary  # what a reader shows after unescaping once
    assert newest.published.startswith("2024-03-01T00:00:00+08:00")
    assert [a.name for a in parsed.entries[1].authors] == ["李莉", "王五"]
    assert parsed.entries[1].link == "http://localhost/a/mid"


def test_filters_apply_and_a_bad_query_is_a_json_400(archive):
    client = create_app(archive[0]).test_client()
    parsed = feedparser.parse(client.get("/feed.atom?q=港口&from=2024-02&to=2024-02").data)
    assert [e.link.rsplit("/", 1)[1] for e in parsed.entries] == ["mid"]
    bad = client.get("/feed.atom?q=date:2024-13")
    assert bad.status_code == 400


def test_a_polling_reader_gets_304_until_the_next_import(archive, tmp_path):
    settings, feed = archive
    client = create_app(settings).test_client()
    first = client.get("/feed.atom?q=港口")
    tag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert client.get("/feed.atom?q=港口", headers={"If-None-Match": tag}).status_code == 304
    assert (
        client.get("/feed.atom?q=港口", headers={"If-Modified-Since": modified}).status_code == 304
    )
    assert client.get("/feed.atom?q=码头", headers={"If-None-Match": tag}).status_code == 200
    write_jsonl(
        feed,
        [
            *RECORDS,
            {"id": "newest", "date": "2024-04-01", "title": "港口新闻", "paragraphs": ["港口。"]},
        ],
    )
    import_paths(backend_for(settings).writer(), [feed])
    again = client.get("/feed.atom?q=港口", headers={"If-None-Match": tag})
    assert again.status_code == 200 and again.headers["ETag"] != tag
    assert feedparser.parse(again.data).entries[0].link.endswith("/a/newest")


def test_the_search_page_links_its_feed(archive):
    page = create_app(archive[0]).test_client().get("/?q=港口&section=经济").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/feed.atom?q=%E6%B8%AF%E5%8F%A3&amp;section=%E7%BB%8F%E6%B5%8E"' in page


@pytest.mark.skipif(shutil.which("java") is None, reason="jing needs Java")
def test_the_schema_rejects_a_broken_feed(tmp_path):
    """The validator is real: a feed without its id fails."""
    broken = tmp_path / "broken.xml"
    broken.write_text('<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>')
    jing = subprocess.run([PYJING, "-c", str(SCHEMA), str(broken)], capture_output=True, text=True)
    assert jing.returncode != 0
