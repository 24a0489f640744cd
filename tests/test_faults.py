"""Faults a user meets: two imports at once, kill -9, damaged or full disks, hostile input.

Real `python -m search` processes on real indexes in tmp_path, real mounts
(tmpfs for a full disk, a read-only bind mount; a test that needs `mount`
skips, saying why, where it is not permitted). Each test asserts what the
user sees: exit 1 with one `Error:` line naming the path, 503 JSON from the
API, and afterwards an index that still answers with what was last committed.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from support import BAOKU, CORPUS_DIR, SEED_PAGE, Gate, settings_for, write_jsonl

from search.backends.whoosh.store import LOCK
from search.web import create_app

PD1998 = CORPUS_DIR / "pd1998.jsonl"
SEED_ARTICLES = 7
# Whoosh's own writer lock beside ours (an flock too; its name is Whoosh's).
WHOOSH_LOCK = "MAIN_WRITELOCK"
# Imports to interrupt read all of pd1998 (3,148 articles): seconds of work
# however fast the pipeline gets, so the interruption lands mid-import.
PD1998_ARTICLES = 3148


def baoku(index_dir: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*BAOKU, "--index", str(index_dir), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def error_line(proc: subprocess.CompletedProcess[str], exit_code: int = 1) -> str:
    """The one `Error:` line of a failed command: no traceback, nothing else on stderr
    (but `baoku index`'s progress label)."""
    assert proc.returncode == exit_code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip() not in ("", "indexing")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), proc.stderr
    return lines[0]


def article_count(index_dir: Path) -> int:
    proc = baoku(index_dir, "stats", "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["articles"]


def total(index_dir: Path, query: str, *options: str) -> int:
    proc = baoku(index_dir, "search", query, "--json", *options)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)["total"]


def pd_records(path: Path = PD1998) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def pd_slice(folder: Path, lines: int) -> Path:
    """The first articles of pd1998, copied into tmp_path (never into the repo)."""
    with PD1998.open(encoding="utf-8") as corpus:
        head = list(itertools.islice(corpus, lines))
    path = folder / "pd-slice.jsonl"
    path.write_text("".join(head), "utf-8")
    return path


def pd_hits(records: list[dict], needle: str = "的") -> int:
    """Articles of `records` that `baoku search NEEDLE` must find (title, paragraph or author)."""
    return sum(
        1
        for r in records
        if any(needle in text for text in [r["title"], *r["paragraphs"], *r["authors"]])
    )


@pytest.fixture
def index_dir(seed_index: Path, tmp_path: Path) -> Path:
    """A private copy of the seed index (7 articles, one commit) for a test that writes."""
    return Path(shutil.copytree(seed_index, tmp_path / "index"))


def lock_holder(lock_file: Path) -> int | None:
    """The pid holding an flock on `lock_file`, read from /proc/locks: looking takes no lock,
    so it cannot make the import it watches fail as busy. Matched by inode alone: on
    overlayfs (containers) stat() and /proc/locks disagree about the device."""
    inode = str(lock_file.stat().st_ino)
    for line in Path("/proc/locks").read_text().splitlines():
        # "1: FLOCK  ADVISORY  WRITE 5363 fe:00:2220049 0 EOF"; a waiter has "->" after "1:".
        fields = line.replace("->", "").split()
        if fields[1] == "FLOCK" and fields[5].rsplit(":", 1)[1] == inode:
            return int(fields[4])
    return None


@contextmanager
def background_import(
    index_dir: Path, *paths: Path, gate: Gate | None = None
) -> Iterator[subprocess.Popen[str]]:
    """`baoku index` in its own process group (so kill -9 reaches its workers), reaped after."""
    extra = ["--user-dict", str(gate.path)] if gate else []
    process = subprocess.Popen(
        [*BAOKU, "--index", str(index_dir), "index", *map(str, paths), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate(timeout=60)


def wait_for_lock(process: subprocess.Popen[str], lock_file: Path) -> None:
    """Until `process` holds the import lock: it has opened the index and is importing."""
    for _ in range(1200):
        if lock_file.exists() and lock_holder(lock_file) == process.pid:
            return
        if process.poll() is not None:
            pytest.fail(f"the import ended before it was seen importing: {process.communicate()}")
        time.sleep(0.05)
    pytest.fail("the import never took the lock")


@contextmanager
def mounted(target: Path, *args: str) -> Iterator[None]:
    """`mount ARGS TARGET` for the block; skips the test, saying why, where that is refused."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command here")
    done = subprocess.run(["mount", *args, str(target)], capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"mount is not permitted here ({done.stderr.strip()}); needs root")
    try:
        yield
    finally:
        # Lazy: a reader the test process still has open must not leave the mount behind.
        subprocess.run(["umount", "--lazy", str(target)], check=True)


# 1. Two imports at once


def test_second_import_is_refused_while_the_first_commits_intact(tmp_path, index_dir):
    late = write_jsonl(
        tmp_path / "late.jsonl",
        [{"id": "late-1", "title": "晚到稿件", "paragraphs": ["宝库夜班稿。"]}],
    )
    client = create_app(settings_for(index_dir)).test_client()
    gate = Gate(tmp_path)
    with background_import(index_dir, PD1998, gate=gate) as first:
        wait_for_lock(first, index_dir / LOCK)
        second = baoku(index_dir, "index", str(late))  # wholly inside the first's lock
        gate.open()
        health = []
        while first.poll() is None:
            response = client.get("/api/health")
            health.append((response.status_code, response.get_json().get("articles")))
            time.sleep(0.02)
        _, first_stderr = first.communicate()
    message = error_line(second)
    assert "another `baoku index` is writing" in message and str(index_dir) in message
    assert first.returncode == 0, first_stderr
    # Health answered throughout, seeing the seed articles until the one commit, never a part.
    assert {status for status, _ in health} == {200}
    assert {count for _, count in health} <= {SEED_ARTICLES, SEED_ARTICLES + PD1998_ARTICLES}
    assert article_count(index_dir) == SEED_ARTICLES + PD1998_ARTICLES
    # The lock died with the first import: the refused one now goes through.
    assert baoku(index_dir, "index", str(late)).returncode == 0
    assert article_count(index_dir) == SEED_ARTICLES + PD1998_ARTICLES + 1
    assert total(index_dir, "宝库夜班稿") == 1 and total(index_dir, "郑好融") == 1


# 2. kill -9 in the middle of an import


def wait_for_workers(process: subprocess.Popen[str], count: int = 2) -> None:
    """Until `process` has started its analysis workers (children in /proc)."""
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    for _ in range(1200):
        if len(children.read_text().split()) >= count:
            return
        if process.poll() is not None:
            pytest.fail(f"the import ended before its workers started: {process.communicate()}")
        time.sleep(0.05)
    pytest.fail("the import never started its workers")


def test_kill_9_mid_import_keeps_the_last_commit_and_reimport_has_no_duplicates(
    index_dir, tmp_path
):
    before = set(os.listdir(index_dir))
    with background_import(index_dir, PD1998, gate=Gate(tmp_path)) as victim:
        wait_for_lock(victim, index_dir / LOCK)
        wait_for_workers(victim)  # mid-import: old copies deleted, articles queued, uncommitted
        os.killpg(victim.pid, signal.SIGKILL)
        victim.wait()
    assert victim.returncode == -signal.SIGKILL
    # Both locks died with the process; the index answers with its last commit.
    assert lock_holder(index_dir / LOCK) is None
    assert lock_holder(index_dir / WHOOSH_LOCK) is None
    assert article_count(index_dir) == SEED_ARTICLES
    assert total(index_dir, "郑好融") == 1
    assert total(index_dir, "的", "--from", "1998-01-01") == 0
    leftovers = set(os.listdir(index_dir)) - before
    # Re-running completes; every article once; the killed run's files are cleaned away.
    rerun = baoku(index_dir, "index", str(PD1998))
    assert rerun.returncode == 0, rerun.stderr
    records = pd_records()
    assert len({r["id"] for r in records}) == PD1998_ARTICLES
    assert article_count(index_dir) == SEED_ARTICLES + PD1998_ARTICLES
    assert total(index_dir, "的", "--from", "1998-01-01") == pd_hits(records)
    assert not leftovers & set(os.listdir(index_dir))


def test_an_index_with_no_articles_answers_zero_hits(tmp_path):
    """A folder with no pages, or a first import killed before it committed, leaves an index
    with no documents: searches answer 0 hits (exit 0, HTTP 200), stats says it is empty."""
    empty_folder = tmp_path / "no-pages"
    empty_folder.mkdir()
    nothing = tmp_path / "nothing"
    assert baoku(nothing, "index", str(empty_folder)).returncode == 0
    crashed = tmp_path / "crashed"
    with background_import(crashed, PD1998, gate=Gate(tmp_path)) as victim:
        wait_for_workers(victim)
        os.killpg(victim.pid, signal.SIGKILL)
    for index_dir in (nothing, crashed):
        for options in ([], ["--sort", "date"], ["--group", "paragraph"]):
            search = baoku(index_dir, "search", "的", "--json", *options)
            assert search.returncode == 0 and "Traceback" not in search.stderr, search.stderr
            assert json.loads(search.stdout)["total"] == 0
        stats = baoku(index_dir, "stats")
        assert stats.returncode == 0 and "status: empty" in stats.stdout, stats.stdout
        client = create_app(settings_for(index_dir)).test_client()
        for url in ("/api/search?q=的", "/api/export?q=的", "/api/suggest?q=的", "/?q=的"):
            assert client.get(url).status_code == 200, url
        assert client.get("/api/health").get_json()["status"] == "empty"
    # The crashed first import completes when run again.
    assert baoku(crashed, "index", str(PD1998)).returncode == 0
    assert article_count(crashed) == PD1998_ARTICLES


# 3. A missing, unwritable or damaged index


def _truncate_largest(index_dir: Path, suffix: str, size: Callable[[int], int]) -> None:
    target = max(index_dir.glob(f"*{suffix}"), key=lambda p: p.stat().st_size)
    os.truncate(target, size(target.stat().st_size))


def _replace_with_a_file(index_dir: Path) -> None:
    shutil.rmtree(index_dir)
    index_dir.write_text("not an index\n")


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "missing": (shutil.rmtree, "no_index"),
    "a regular file": (_replace_with_a_file, "no_index"),
    "empty toc": (lambda d: _truncate_largest(d, ".toc", lambda n: 0), "index_unavailable"),
    "truncated toc": (
        lambda d: _truncate_largest(d, ".toc", lambda n: n // 2),
        "index_unavailable",
    ),
    "half a segment": (
        lambda d: _truncate_largest(d, ".seg", lambda n: n // 2),
        "index_unavailable",
    ),
    "segment short of a byte": (
        lambda d: _truncate_largest(d, ".seg", lambda n: n - 1),
        "index_unavailable",
    ),
    "deleted segment": (lambda d: next(d.glob("*.seg")).unlink(), "index_unavailable"),
}


# Whoosh leaves the TOC or segment file it fails to parse for the garbage collector
# (closed as soon as the error is dropped, so no descriptor leaks): that one
# ResourceWarning is expected here, and only for index files.
@pytest.mark.filterwarnings(
    r"ignore:Exception ignored in. <_io.FileIO name='.*(\.toc|\.seg)'"
    ":pytest.PytestUnraisableExceptionWarning"
)
@pytest.mark.parametrize("damage", DAMAGE)
def test_unusable_index_is_one_error_line_and_503(index_dir, damage):
    make_damage, code = DAMAGE[damage]
    make_damage(index_dir)
    for command in (["search", "郑州"], ["stats"]):
        assert str(index_dir) in error_line(baoku(index_dir, *command))
    client = create_app(settings_for(index_dir)).test_client()
    for url in ("/api/search?q=郑州", "/api/health"):
        response = client.get(url)
        assert response.status_code == 503, response.get_data(as_text=True)
        error = response.get_json()["error"]
        assert error["code"] == code and str(index_dir) in error["message"]
    if damage != "missing":  # an import never overwrites what it cannot read
        assert str(index_dir) in error_line(baoku(index_dir, "index", str(SEED_PAGE)))


def test_index_removed_under_a_running_server_is_503(index_dir):
    client = create_app(settings_for(index_dir)).test_client()
    assert client.get("/api/search?q=郑州").status_code == 200
    shutil.rmtree(index_dir)
    response = client.get("/api/search?q=郑州")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "no_index"


def writable(directory: Path) -> bool:
    probe = directory / ".probe"
    try:
        probe.touch()
    except OSError:
        return False
    probe.unlink()
    return True


@contextmanager
def read_only(directory: Path) -> Iterator[None]:
    """`directory` unwritable for the block. Mode bits do it for a normal user, but root
    (as CI runs) writes through them, so there a read-only bind mount does it instead."""
    directory.chmod(0o555)
    try:
        if not writable(directory):
            yield
        else:
            with mounted(directory, "--bind", str(directory)):
                remount = subprocess.run(
                    ["mount", "-o", "remount,bind,ro", str(directory)],
                    capture_output=True,
                    text=True,
                )
                if remount.returncode:
                    pytest.skip(f"cannot remount read-only here: {remount.stderr.strip()}")
                yield
    finally:
        directory.chmod(0o755)


def test_read_only_index_searches_and_refuses_imports_by_name(tmp_path, index_dir):
    """An archive on read-only storage is still searched; only importing is refused."""
    feed = write_jsonl(
        tmp_path / "new.jsonl", [{"id": "n", "title": "新稿", "paragraphs": ["正文。"]}]
    )
    with read_only(index_dir):
        assert not writable(index_dir)
        assert total(index_dir, "郑好融") == 1 and article_count(index_dir) == SEED_ARTICLES
        health = create_app(settings_for(index_dir)).test_client().get("/api/health")
        assert health.status_code == 200
        message = error_line(baoku(index_dir, "index", str(feed)))
        assert str(index_dir) in message
        assert "Read-only file system" in message or "Permission denied" in message
    assert article_count(index_dir) == SEED_ARTICLES


# 4. A full disk


def test_full_disk_is_one_error_line_and_the_old_index_still_answers(tmp_path, seed_index):
    disk = tmp_path / "disk"
    disk.mkdir()
    feed = pd_slice(tmp_path, 200)  # ~10 MB of index, far more than the disk holds
    with mounted(disk, "-t", "tmpfs", "-o", "size=3m", "tmpfs"):
        index_dir = Path(shutil.copytree(seed_index, disk / "index"))  # 1 MB
        message = error_line(baoku(index_dir, "index", str(feed)))
        assert str(index_dir) in message and "No space left on device" in message
        assert article_count(index_dir) == SEED_ARTICLES and total(index_dir, "郑好融") == 1
        # With room again, the next import completes: the failed one left nothing in its way.
        subprocess.run(["mount", "-o", "remount,size=64m", str(disk)], check=True)
        again = baoku(index_dir, "index", str(feed))
        assert again.returncode == 0, again.stderr
        assert article_count(index_dir) == SEED_ARTICLES + len(pd_records(feed))


# 5. Hostile input


def test_hostile_files_are_skipped_by_name_and_the_rest_indexed(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(SEED_PAGE, src)
    huge = 50 << 20
    (src / "huge.txt").write_text("### 巨\n\n" + "宝库" * (huge // 6) + "\n", "utf-8")
    (src / "nul.txt").write_bytes(b"\0" * (1 << 20))
    (src / "nul.jsonl").write_bytes(b"\0" * (1 << 20))
    good = {"title": "好行", "paragraphs": ["正文完好。"]}
    records = write_jsonl(src / "records.jsonl", [{**good, "id": "before"}])
    with records.open("a", encoding="utf-8") as handle:  # a 50 MB one-line record, then one more
        huge_record = {"id": "huge", "title": "巨", "paragraphs": ["宝" * (huge // 3)]}
        handle.write(json.dumps(huge_record, ensure_ascii=False))
        handle.write("\n" + json.dumps({**good, "id": "after"}, ensure_ascii=False) + "\n")
    bad = write_jsonl(src / "bad.jsonl", [{**good, "id": "among-bad"}])
    with bad.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n" * 100_000)

    proc = baoku(tmp_path / "index", "index", str(src), timeout=600)

    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    report = proc.stderr
    assert f"{src / 'huge.txt'}: too large for a page (50 MB; at most 4 MB)" in report
    assert f"{src / 'records.jsonl'}:2: too large for one article" in report
    assert f"{src / 'nul.txt'}: not text" in report and f"{src / 'nul.jsonl'}:1:" in report
    assert f"{src / 'bad.jsonl'}:2: bad record" in report
    assert f"{src / 'bad.jsonl'}: 99990 more problems not shown (100000 in all)" in report
    assert len(report.splitlines()) < 30  # summarised, not 100,000 lines
    peak = re.search(r"peak memory (\d+) MB", proc.stdout)
    assert peak and int(peak[1]) < 1024, proc.stdout  # a 50 MB paragraph would take GBs
    assert article_count(tmp_path / "index") == SEED_ARTICLES + 3
    assert total(tmp_path / "index", "正文完好") == 3 and total(tmp_path / "index", "郑好融") == 1


SIXTY_FIVE_TERMS = " OR ".join(chr(0x4E00 + n) for n in range(65))
QUERIES = {
    "500 characters": ("长" * 500, None),
    "501 characters": ("长" * 501, "query is too long (501 characters; at most 500)"),
    "200 nested parentheses": ("(" * 200 + "郑州" + ")" * 200, "nested too deeply"),
    "10,000 nested parentheses": ("(" * 10_000 + "郑州" + ")" * 10_000, "query is too long"),
    "1,000 OR terms": (" OR ".join(f"词{n}" for n in range(1000)), "query is too long"),
    "65 OR terms": (SIXTY_FIVE_TERMS, "too many terms (65; at most 64)"),
}


@pytest.mark.parametrize("name", QUERIES)
def test_hostile_queries_are_answered_or_refused_in_one_line(seed_index, name):
    query, refusal = QUERIES[name]
    proc = baoku(seed_index, "search", query, timeout=60)
    response = (
        create_app(settings_for(seed_index))
        .test_client()
        .get("/api/search", query_string={"q": query})
    )
    if refusal is None:
        assert proc.returncode == 0 and proc.stdout.startswith("0 articles"), proc.stderr
        assert response.status_code == 200 and response.get_json()["total"] == 0
    else:
        assert refusal in error_line(proc, exit_code=2)
        assert response.status_code == 400
        error = response.get_json()["error"]
        assert error["code"] == "bad_query" and refusal in error["message"]


def test_an_index_from_an_older_baoku_asks_to_be_rebuilt(runner, tmp_path):
    """0.3.0 added fields (paper_key, imported), 0.4.0 the entity columns: an older index
    is named and refused, never half-read (a missing column would be a 500 on /browse)."""
    from whoosh import fields as whoosh_fields
    from whoosh import index as whoosh_index

    from search.backends.whoosh.schema import build_schema
    from search.cli import cli

    old = build_schema()
    added = ("paper_key", "imported", "person_key", "place_key", "org_key")
    kept = {n: old[n] for n in old.names() if n not in added}
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    whoosh_index.create_in(str(index_dir), whoosh_fields.Schema(**kept))
    out = runner.invoke(cli, ["--index", str(index_dir), "search", "郑州"])
    assert out.exit_code == 1
    missing = "imported, org_key, paper_key, person_key, place_key"
    assert f"built by an older baoku (it has no {missing})" in out.output
    assert "run `baoku index` to rebuild it" in out.output
