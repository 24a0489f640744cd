"""The HTTP API through Flask's test client: same JSON as the CLI, JSON errors, escaping."""

from __future__ import annotations

import json

import pytest

from search.cli import cli
from search.web import create_app
from tests.conftest import settings_for


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
        ("/api/search?q=x&size=101", 400, "bad_parameter"),
        ("/api/search?q=x&page=abc", 400, "bad_parameter"),
        ("/api/search?q=x&from=2024-13-01", 400, "bad_parameter"),
        ("/api/search?q=x&sort=popular", 400, "bad_parameter"),
        ("/api/search?q=" + "长" * 501, 400, "bad_query"),
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
