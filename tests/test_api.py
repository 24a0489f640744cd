"""The HTTP API through Flask's test client: same JSON as the CLI, JSON errors, escaping."""

from __future__ import annotations

import json
import re

import pytest
from support import build_index, settings_for, write_jsonl

from search.cli import cli
from search.web import create_app


@pytest.fixture
def client(seed_index):
    return create_app(settings_for(seed_index)).test_client()


def test_cli_json_equals_api(runner, client, seed_index):
    out = runner.invoke(cli, ["--index", str(seed_index), "search", "郑好融", "--json"])
    assert out.exit_code == 0, out.output
    api = client.get("/api/search", query_string={"q": "郑好融"}).get_json()
    assert json.loads(out.output)["hits"] == api["hits"]
    assert api["total"] == 1


def test_article_marks_every_match(client):
    data = client.get(
        "/api/articles/000_9abfc11f84c73b14-05", query_string={"q": "郑好融"}
    ).get_json()
    assert data["title"] == "郑州市强化融资信用服务平台建设"
    html = "".join(p["html"] for p in data["paragraphs"])
    text = "".join(p["text"] for p in data["paragraphs"])
    assert html.count("<mark>郑好融</mark>") == text.count("郑好融") == 6


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/search?q=", 400, "bad_query"),
        ("/api/search?q=title:", 400, "bad_query"),
        ("/api/search?q=x&size=1001", 400, "bad_parameter"),
        ("/api/search?q=x&page=200&size=1000", 400, "bad_parameter"),
        ("/api/search?q=x&section=" + "版" * 201, 400, "bad_parameter"),
        ("/api/export?q=x&format=xml", 400, "bad_parameter"),
        ("/api/search?q=x&page=abc", 400, "bad_parameter"),
        ("/api/search?q=x&from=2024-13-01", 400, "bad_parameter"),
        ("/api/search?q=x&sort=popular", 400, "bad_parameter"),
        ("/api/search?q=" + "长" * 501, 400, "bad_query"),
        ("/api/search?q=x&aliases=maybe", 400, "bad_parameter"),
        ("/api/search?q=x&imported_since=2026-11-27T08:00:00" + "0" * 30, 400, "bad_parameter"),
        ("/api/trend?q=x&person=" + "人" * 201, 400, "bad_parameter"),
        ("/api/dates?by=week", 400, "bad_parameter"),
        ("/api/articles/000_9abfc11f84c73b14-05?format=bibtex", 400, "bad_parameter"),
        ("/api/articles/nope", 404, "not_found"),
        ("/api/nothing-here", 404, "not_found"),
    ],
)
def test_errors_are_json_with_code_and_message(client, path, status, code):
    response = client.get(path)
    assert response.status_code == status
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"]


def test_wrong_method_is_405_json(client):
    response = client.post("/api/search?q=x")
    assert response.status_code == 405 and response.get_json()["error"]["code"]


def test_no_index_is_503(tmp_path):
    client = create_app(settings_for(tmp_path / "none")).test_client()
    response = client.get("/api/search?q=x")
    assert response.status_code == 503
    assert str(tmp_path / "none") in response.get_json()["error"]["message"]


def test_health_and_cors(client):
    response = client.get("/api/health")
    assert response.get_json()["articles"] == 7
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.fixture(scope="module")
def faceted(tmp_path_factory):

    folder = tmp_path_factory.mktemp("faceted")
    records = [
        {
            "id": f"f{n}",
            "date": f"2024-0{1 + n % 3}-1{n % 9}",
            "section": "要闻" if n % 2 else "经济",
            "authors": ["张立", "李莉"] if n % 5 == 0 else ["李莉"],
            "title": f"港口{n}",
            "paragraphs": ["港口建设。"],
        }
        for n in range(30)
    ]
    write_jsonl(folder / "f.jsonl", records)
    build_index([folder], folder / "index")
    return create_app(settings_for(folder / "index")).test_client()


def test_facets_count_the_whole_result_set_not_the_page(faceted):
    data = faceted.get("/api/search", query_string={"q": "港口", "size": 1}).get_json()
    assert data["total"] == 30 and len(data["hits"]) == 1
    facets = data["facets"]
    assert {f["value"]: f["count"] for f in facets["section"]} == {"要闻": 15, "经济": 15}
    assert {f["value"]: f["count"] for f in facets["author"]} == {"李莉": 30, "张立": 6}
    assert facets["month"] == [
        {"value": "2024-01", "count": 10},
        {"value": "2024-02", "count": 10},
        {"value": "2024-03", "count": 10},
    ]


def test_facet_values_filter_exactly(faceted):
    by_section = faceted.get("/api/search", query_string={"q": "港口", "section": "要闻"})
    assert by_section.get_json()["total"] == 15
    by_author = faceted.get("/api/search", query_string={"q": "港口", "author": "张立"})
    assert by_author.get_json()["total"] == 6
    assert {f["value"] for f in by_author.get_json()["facets"]["author"]} == {"张立", "李莉"}


def test_search_page_is_server_rendered_with_facets_and_timeline(faceted):
    page = faceted.get("/", query_string={"q": "港口"}).get_data(as_text=True)
    assert "共 30 篇" in page and page.count('class="hit"') == 10
    assert "<mark>港口</mark>" in page
    assert '<svg class="timeline"' in page and page.count("<rect") == 3
    assert "/?q=%E6%B8%AF%E5%8F%A3&amp;section=%E8%A6%81%E9%97%BB" in page  # facet link
    narrowed = faceted.get("/", query_string={"q": "港口", "section": "要闻"})
    assert "共 15 篇" in narrowed.get_data(as_text=True)


def test_search_page_errors_are_shown_not_raised(faceted):
    response = faceted.get("/", query_string={"q": "title:"})
    assert response.status_code == 400 and "title: needs a value" in response.get_data(as_text=True)


def test_article_page_escapes_and_marks(client):
    page = client.get("/a/000_9abfc11f84c73b14-05", query_string={"q": "郑好融"})
    html = page.get_data(as_text=True)
    assert html.count("<mark>郑好融</mark>") == 6 and "4 段命中" in html
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_export_csv_opens_in_excel_and_is_formula_safe(tmp_path):
    import csv
    import io

    write_jsonl(
        tmp_path / "x.jsonl",
        [
            {
                "id": "evil",
                "title": '=HYPERLINK("http://x","点我")',
                "section": "+要闻",
                "authors": ["@张立"],
                "paragraphs": ["港口<script>alert(1)</script>。"],
            },
            {"id": "plain", "date": "2024-01-02", "title": "港口新闻", "paragraphs": ["港口。"]},
        ],
    )
    build_index([tmp_path], tmp_path / "index")
    client = create_app(settings_for(tmp_path / "index")).test_client()
    response = client.get("/api/export", query_string={"q": "港口", "format": "csv"})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data().decode("utf-8")
    assert body.startswith("\ufeffid,date,title,section,authors,matches,permalink")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(body.lstrip("\ufeff")))}
    assert set(rows) == {"evil", "plain"}
    assert rows["evil"]["title"].startswith("'=") and rows["evil"]["section"] == "'+要闻"
    assert rows["evil"]["authors"] == "'@张立"
    assert rows["plain"]["permalink"].endswith("/a/plain?q=%E6%B8%AF%E5%8F%A3")
    jsonl = client.get("/api/export", query_string={"q": "港口", "format": "jsonl"})
    lines = [json.loads(line) for line in jsonl.get_data(as_text=True).splitlines()]
    assert {line["id"] for line in lines} == {"evil", "plain"}
    assert client.get("/api/export?q=港口&format=xls").status_code == 400
    assert client.get("/api/export?q=").status_code == 400


def test_suggest_completes_names_and_words_from_the_index(client):
    names = client.get("/api/suggest", query_string={"q": "董"}).get_json()["suggestions"]
    assert names[0] == "董艳竹"
    words = client.get("/api/suggest", query_string={"q": "無廢"}).get_json()["suggestions"]
    assert "无废细胞" in words and len(words) <= 10
    assert all(w.startswith("无废") for w in words)
    assert client.get("/api/suggest", query_string={"q": ""}).get_json()["suggestions"] == []
    assert client.get("/api/suggest", query_string={"q": "长" * 51}).status_code == 400


def test_openapi_description_validates_and_lists_every_route(client):
    from openapi_spec_validator import validate

    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    app_routes = {
        re.sub(r"<(\w+)>", r"{\1}", rule.rule)
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/")
    }
    assert app_routes == set(spec["paths"])


def _undescribed(value, schema, spec, where=""):
    """The keys in `value` that `schema` does not name (following `$ref`), as paths."""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    if isinstance(value, list):
        return [m for item in value for m in _undescribed(item, schema["items"], spec, where)]
    if not isinstance(value, dict):
        return []
    named = schema.get("properties", {})
    return [f"{where}/{key}" for key in value if key not in named] + [
        m
        for key in value
        if key in named
        for m in _undescribed(value[key], named[key], spec, where + "/" + key)
    ]


def test_every_key_of_an_answer_is_described(client, faceted):
    """The description is generated from the parameter tables and the builders' field
    tuples, but most answer keys are typed by hand: a key added to an answer (and not to
    web/openapi.py) fails here, as no schema check does (extra keys are allowed)."""
    spec = client.get("/api/openapi.json").get_json()
    article = "000_9abfc11f84c73b14-05"  # the seed page (undated); `faceted` has dates
    asked = {
        "/api/search": (client, "/api/search", {"q": "郑好融"}),
        "/api/articles/{article_id}": (client, f"/api/articles/{article}", {"q": "郑好融"}),
        "/api/articles/{article_id}/related": (client, f"/api/articles/{article}/related", {}),
        "/api/dates": (faceted, "/api/dates", {}),
        "/api/trend": (faceted, "/api/trend", {"q": ["港口", "港口1"], "by": "month"}),
        "/api/issues/{day}": (faceted, "/api/issues/2024-01-10", {}),
        "/api/suggest": (client, "/api/suggest", {"q": "董"}),
        "/api/health": (client, "/api/health", {}),
    }
    undescribed = []
    for template, (app, path, query) in asked.items():
        response = app.get(path, query_string=query)
        data = response.get_json()
        assert response.status_code == 200 and data, (path, data)
        content = spec["paths"][template]["get"]["responses"]["200"]["content"]
        schema = content["application/json"]["schema"]
        undescribed += [path + m for m in _undescribed(data, schema, spec)]
    assert undescribed == []


def test_opensearch_description(client):
    response = client.get("/opensearch.xml")
    assert response.headers["Content-Type"].startswith("application/opensearchdescription+xml")
    assert 'template="http://localhost/?q={searchTerms}"' in response.get_data(as_text=True)
    assert 'rel="search"' in client.get("/").get_data(as_text=True)


def test_facets_across_segments_where_one_lacks_authors(tmp_path):

    first = write_jsonl(tmp_path / "a.jsonl", [{"id": "a", "title": "港口", "authors": ["张立"]}])
    build_index([first], tmp_path / "index")
    second = write_jsonl(tmp_path / "b.jsonl", [{"id": "b", "title": "港口", "section": ""}])
    build_index([second], tmp_path / "index")  # a second segment: no author, no section
    client = create_app(settings_for(tmp_path / "index")).test_client()
    data = client.get("/api/search", query_string={"q": "港口"}).get_json()
    assert data["total"] == 2
    assert data["facets"]["author"] == [{"value": "张立", "count": 1}]


def test_article_page_steps_between_hits(client):
    html = client.get("/a/000_9abfc11f84c73b14-05", query_string={"q": "郑好融"}).get_data(
        as_text=True
    )
    assert '<a href="#p2">↓ 下一处</a>' in html and '<a href="#p3">↑ 上一处</a>' in html


def test_cors_origins_can_be_restricted(seed_index):
    app = create_app(settings_for(seed_index, cors_origins="http://intranet.example"))
    client = app.test_client()
    allowed = client.get("/api/health", headers={"Origin": "http://intranet.example"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://intranet.example"
    other = client.get("/api/health", headers={"Origin": "http://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in other.headers


HOSTILE = "<script>alert(1)</script>港口<img src=x onerror=alert(1)>"


def test_hostile_archive_text_never_comes_back_as_markup(tmp_path):

    write_jsonl(
        tmp_path / "h.jsonl",
        [
            {
                "id": "h",
                "title": HOSTILE,
                "section": HOSTILE,
                "authors": ["<b>x</b>"],
                "paragraphs": [HOSTILE, "=cmd|' /C calc'!A0 港口"],
            }
        ],
    )
    build_index([tmp_path], tmp_path / "index")
    client = create_app(settings_for(tmp_path / "index")).test_client()
    pages = [
        client.get("/", query_string={"q": "港口"}).get_data(as_text=True),
        client.get("/a/h", query_string={"q": "港口"}).get_data(as_text=True),
    ]
    api = client.get("/api/search", query_string={"q": "港口"}).get_json()
    article = client.get("/api/articles/h", query_string={"q": "港口"}).get_json()
    html_fields = [api["hits"][0]["snippet"], article["title_html"]]
    html_fields += [p["html"] for p in article["paragraphs"]]
    for html in pages + html_fields:
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<mark>港口</mark>" in html_fields[0]
    csv_text = client.get("/api/export", query_string={"q": "港口"}).get_data(as_text=True)
    assert "'<script>" not in csv_text and HOSTILE in csv_text  # CSV is data: text as is


def test_article_view_says_where_a_story_continues(tmp_path):
    """Joined: the page-2 text is marked where it starts; alone: where the rest is. The
    page's header gives paper, date and page; a hostile kicker is escaped."""
    head = "人民日报 2024年12月31日 星期二 第{}版\n\n"
    (tmp_path / "p1.txt").write_text(
        head.format(1) + "<b>聚焦</b>&lt;港口&gt;\n### 港口扩建\n\n港口扩建开工。（下转第二版）\n\n"
        "### 另一篇\n\n另一篇正文。（下转第三版）\n",
        "utf-8",
    )
    (tmp_path / "p2.txt").write_text(
        head.format(2) + "### 港口扩建\n\n（上接第一版）\n\n码头明年投用。\n", "utf-8"
    )
    client = create_app(build_index([tmp_path], tmp_path / "index")).test_client()
    data = client.get("/api/articles/p1-01").get_json()
    assert (data["paper"], data["date"], data["page"]) == ("人民日报", "2024-12-31", "1")
    assert (data["continued_on"], data["continuation_at"]) == ("2", 1)
    page = client.get("/a/p1-01").get_data(as_text=True)
    assert "（以下接第2版）" in page and page.index("港口扩建开工") < page.index("以下接第2版")
    assert "人民日报 · 2024-12-31 · 第1版" in page
    assert data["kicker"] == "聚焦<港口>" and '<p class="kicker">聚焦&lt;港口&gt;</p>' in page
    alone = client.get("/a/p1-02").get_data(as_text=True)
    assert "（下转第3版；后半篇未导入）" in alone


def test_oldest_and_newest_first_on_the_api_the_cli_and_the_page(runner, tmp_path):
    """sort=oldest lists the earliest coverage first, sort=date the latest; undated last."""
    days = ["2021-06-01", "", "1998-01-05", "2012-03-04"]
    records = [{"id": f"d{n}", "date": d, "paragraphs": ["港口新闻。"]} for n, d in enumerate(days)]
    index_dir = tmp_path / "index"
    build_index([write_jsonl(tmp_path / "dated.jsonl", records)], index_dir)
    client = create_app(settings_for(index_dir)).test_client()
    expected = {"oldest": ["d2", "d3", "d0", "d1"], "date": ["d0", "d3", "d2", "d1"]}
    for sort, order in expected.items():
        api = client.get("/api/search", query_string={"q": "港口", "sort": sort}).get_json()
        assert [h["article_id"] for h in api["hits"]] == order
        args = ["--index", str(index_dir), "search", "港口", "--sort", sort, "--json"]
        out = runner.invoke(cli, args)
        assert [h["article_id"] for h in json.loads(out.output)["hits"]] == order
        page = client.get("/", query_string={"q": "港口", "sort": sort}).get_data(as_text=True)
        assert f'<option value="{sort}" selected>' in page
        at = [page.index(f'href="/a/{i}?') for i in order]
        assert at == sorted(at)


def test_a_misspelt_name_gets_suggestions_on_the_api_the_cli_and_the_page(
    runner, client, seed_index
):
    """郑好荣 (荣 for 融) and its pinyin find nothing; each face says so and offers 郑好融."""
    for typed in ("郑好荣", "zhenghaorong", "zheng hao rong"):
        api = client.get("/api/search", query_string={"q": typed}).get_json()
        assert api["total"] == 0
        assert api["suggestions"][0] == {
            "query": "郑好融",
            "typed": typed.replace(" ", ""),
            "word": "郑好融",
            "articles": 1,
        }
        out = runner.invoke(cli, ["--index", str(seed_index), "search", typed, "--json"])
        assert json.loads(out.output)["suggestions"] == api["suggestions"]
    assert api["not_found"][0] == "“zheng”在档案中没有出现"
    out = runner.invoke(cli, ["--index", str(seed_index), "search", "郑好荣"])
    assert "“郑好荣”在档案中没有出现\n你是不是要找：郑好融（1 篇）" in out.output
    page = client.get("/", query_string={"q": "郑好荣"}).get_data(as_text=True)
    assert '<p class="not-found">“郑好荣”在档案中没有出现</p>' in page
    assert 'href="/?q=%E9%83%91%E5%A5%BD%E8%9E%8D">郑好融</a>' in page


def test_found_searches_carry_empty_suggestions(client):
    api = client.get("/api/search", query_string={"q": "郑好融"}).get_json()
    assert api["suggestions"] == [] and api["not_found"] == []


def test_an_app_segments_with_its_settings_user_dictionary(tmp_path):
    """gunicorn workers and `flask --app` build the app from `create_app(settings)` alone,
    never through the CLI, so the app loads the user dictionary itself: with 宝库通 a
    word, it is one of the words 相关报道 searches for (the CLI's --user-dict test)."""
    words = tmp_path / "words.txt"
    words.write_text("宝库通 3\n", "utf-8")
    src = write_jsonl(
        tmp_path / "r.jsonl",
        [
            {"id": "product", "title": "宝库通上线", "paragraphs": ["宝库通今天正式上线了。"]},
            {"id": "later", "title": "宝库通升级", "paragraphs": ["宝库通今天升级了。"]},
        ],
    )
    settings = build_index([src], tmp_path / "index", user_dict=words)
    settings_for(settings.index_dir)  # as in a fresh process: no user dictionary loaded
    try:
        client = create_app(settings).test_client()
        related = client.get("/api/articles/product/related").get_json()
    finally:
        settings_for(settings.index_dir)
    assert "宝库通" in related["words"], related["words"]
    assert [h["article_id"] for h in related["related"]] == ["later"]
