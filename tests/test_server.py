"""The real thing: `baoku serve` (gunicorn, 2 workers) on a free port, spoken to over HTTP."""

from __future__ import annotations

import json
import shutil
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import SEED_PAGE, running_server


def _get(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_serve_builds_the_seed_index_and_answers_http(tmp_path: Path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_PAGE, seeds)
    with running_server(tmp_path / "index", seeds) as (base, log):
        status, health = _get(base + "/api/health")
        assert status == 200 and health["articles"] == 7
        status, result = _get(f"{base}/api/search?q={urllib.parse.quote('郑好融')}")
        assert status == 200 and result["total"] == 1
        assert "<mark>郑好融</mark>" in result["hits"][0]["snippet"]
        status, error = _get(f"{base}/api/search?q=")
        assert status == 400 and error["error"]["code"] == "bad_query"
    assert not any("Traceback" in line for line in log)
    assert any('"GET /api/search?q=' in line for line in log)  # one access-log line a request
