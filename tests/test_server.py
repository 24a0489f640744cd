"""The real thing: `baoku serve` (gunicorn, 2 workers) on a free port, spoken to over HTTP."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from support import BAOKU, CORPUS_DIR, SEED_PAGE, Gate, running_server, write_jsonl


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


def test_new_articles_appear_while_serving_without_errors(tmp_path: Path):
    """`baoku index` in another process; searches keep answering and see the commit."""

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_PAGE, seeds)
    with running_server(tmp_path / "index", seeds) as (base, _log):
        statuses: list[int] = []
        stop = threading.Event()

        def hammer() -> None:
            while not stop.is_set():
                statuses.append(_get(f"{base}/api/search?q={urllib.parse.quote('郑州')}")[0])

        worker = threading.Thread(target=hammer)
        worker.start()
        feed = write_jsonl(
            tmp_path / "new.jsonl",
            [
                {"id": f"new-{n}", "title": f"新到稿件{n}", "paragraphs": ["宝库夜班稿。"]}
                for n in range(200)
            ],
        )
        env = {**os.environ, "BAOKU_INDEX": str(tmp_path / "index")}
        subprocess.run(
            [*BAOKU, "index", str(feed)],
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
        total = 0
        for _ in range(100):
            total = _get(f"{base}/api/search?q={urllib.parse.quote('宝库夜班稿')}")[1]["total"]
            if total:
                break
            time.sleep(0.05)
        stop.set()
        worker.join()
    assert total == 200
    assert statuses and set(statuses) == {200}


def test_concurrent_clients_during_a_large_import_see_no_failures(tmp_path: Path):
    """A fixed load from four clients while `baoku index` imports all of People's Daily:
    every request answers 200 (no LockError, no 500), and the import shows up."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_PAGE, seeds)
    paths = [
        "/api/search?q=" + urllib.parse.quote("郑州"),
        "/api/search?q=" + urllib.parse.quote("中国 发展") + "&sort=date",
        "/api/search?q=" + urllib.parse.quote("的") + "&group=paragraph",
        "/api/health",
        "/api/suggest?q=" + urllib.parse.quote("郑"),
        "/?q=" + urllib.parse.quote("经济"),
    ]
    with running_server(tmp_path / "index", seeds) as (base, log):
        env = {**os.environ, "BAOKU_INDEX": str(tmp_path / "index")}
        gate = Gate(tmp_path)
        importer = subprocess.Popen(
            [*BAOKU, "index", str(CORPUS_DIR / "pd1998.jsonl"), "--user-dict", str(gate.path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        statuses: list[int] = []

        def client(offset: int) -> None:
            for n in range(30):
                url = base + paths[(offset + n) % len(paths)]
                try:
                    with urllib.request.urlopen(url, timeout=30) as response:
                        statuses.append(response.status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)

        def load() -> None:
            clients = [threading.Thread(target=client, args=(i,)) for i in range(4)]
            for thread in clients:
                thread.start()
            for thread in clients:
                thread.join()

        load()  # the import holds its lock and cannot commit until the gate opens
        assert importer.poll() is None
        gate.open()
        load()  # while it analyses, writes and commits (and, on a fast machine, after)
        _, stderr = importer.communicate(timeout=300)
        assert importer.returncode == 0, stderr
        _, after = _get(f"{base}/api/health")
    assert len(statuses) == 240 and set(statuses) == {200}, sorted(set(statuses))
    assert after["articles"] == 7 + 3148
    assert not any("Traceback" in line for line in log)


def test_long_queries_reach_the_app_and_get_its_errors(tmp_path: Path):
    """500 Chinese characters are ~4,500 bytes URL-encoded, past gunicorn's default request
    line (4094 bytes, an HTML 414): the documented limit is reachable, and anything past
    it, in the API or on the search page, is baoku's own error, never the server's page."""
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEED_PAGE, seeds)

    def fetch(url: str) -> tuple[int, str, str]:
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, response.headers["Content-Type"], response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers["Content-Type"], error.read().decode()

    with running_server(tmp_path / "index", seeds) as (base, log):
        longest = urllib.parse.quote("郑" * 500)
        status, media, body = fetch(f"{base}/api/search?q={longest}")
        assert (status, media) == (200, "application/json"), body
        assert json.loads(body)["total"] == 0
        for length in (501, 5_000, 200_000):
            query = urllib.parse.quote("郑" * length)
            status, media, body = fetch(f"{base}/api/search?q={query}")
            assert (status, media) == (400, "application/json"), body[:200]
            assert json.loads(body)["error"]["code"] == "bad_query"
            assert f"({length} characters; at most 500)" in body
            status, media, body = fetch(f"{base}/?q={query}")
            assert status == 400 and media.startswith("text/html"), body[:200]
            assert f"query is too long ({length} characters" in body and "<form" in body
        # A request line past even gunicorn's hard cap (1 MB) is refused by gunicorn, in JSON.
        status, media, body = fetch(f"{base}/api/search?q={'a' * 1_100_000}")
        assert status in (400, 414) and media == "application/json", body[:200]
        assert set(json.loads(body)["error"]) == {"code", "message"}
    assert not any("Traceback" in line for line in log)
