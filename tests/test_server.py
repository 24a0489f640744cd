"""The real thing: `baoku serve` (gunicorn, 2 workers) on a free port, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import SEED_PAGE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
    port = _free_port()
    env = {**os.environ, "BAOKU_INDEX": str(tmp_path / "index"), "BAOKU_SEEDS_DIR": str(seeds)}
    server = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                status, health = _get(base + "/api/health")
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, server.stderr.read()
                time.sleep(0.1)
        assert status == 200 and health["articles"] == 7
        query = urllib.parse.quote("郑好融")
        status, result = _get(f"{base}/api/search?q={query}")
        assert status == 200 and result["total"] == 1
        assert "<mark>郑好融</mark>" in result["hits"][0]["snippet"]
        status, error = _get(f"{base}/api/search?q=")
        assert status == 400 and error["error"]["code"] == "bad_query"
    finally:
        server.send_signal(signal.SIGTERM)
        _, stderr = server.communicate(timeout=30)
    assert "Traceback" not in stderr
    assert '"GET /api/search?q=' in stderr  # one access-log line per request
