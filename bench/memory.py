"""Memory and CPU of processes from Linux's /proc, for the benchmarks.

Why /proc and not `resource` or psutil: baoku imports in several processes
(forked workers) and an OpenSearch engine does its work in JVMs that are no
children of the benchmark, so the figures must come from processes by pid.
PSS, not RSS, wherever processes are summed: forked workers share pages with
their parent, and RSS would count those pages once per process. Elsewhere
(not Linux, or a pid that is gone) every figure reads 0 rather than failing.
"""

from __future__ import annotations

import os
import re
import statistics
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

SAMPLE_SECONDS = 0.2
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def pss(pid: int) -> int:
    """Proportional set size in bytes: shared pages split among the processes sharing them."""
    return _field(f"/proc/{pid}/smaps_rollup", "Pss")


def rss(pid: int) -> int:
    """Resident set size in bytes (every resident page, shared or not)."""
    return _field(f"/proc/{pid}/status", "VmRSS")


def _field(path: str, name: str) -> int:
    try:
        text = Path(path).read_text()
    except OSError:
        return 0  # gone meanwhile, or not Linux
    match = re.search(rf"^{name}:\s+(\d+) kB", text, re.MULTILINE)
    return int(match[1]) * 1024 if match else 0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time `pid` has used so far (its own threads, not its children)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def process_tree(root: int) -> list[int]:
    """`root` and all its descendants, right now."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    tree, frontier = [root], [root]
    while frontier:
        found = children.get(frontier.pop(), [])
        tree += found
        frontier += found
    return tree


def summed(measure: Callable[[int], int], pids: Iterable[int]) -> int:
    return sum(measure(pid) for pid in pids)


def steady(measure: Callable[[], int], samples: int = 5) -> int:
    """The median of a few readings `SAMPLE_SECONDS` apart: a JVM's resident size
    moves with every garbage collection, so one reading could be a peak or a dip."""
    readings = []
    for i in range(samples):
        if i:
            time.sleep(SAMPLE_SECONDS)
        readings.append(measure())
    return int(statistics.median(readings))


class PeakSampler(threading.Thread):
    """Polls `measure` every `SAMPLE_SECONDS` until stopped and keeps the largest reading."""

    def __init__(self, measure: Callable[[], int]) -> None:
        super().__init__(daemon=True)
        self.measure = measure
        self.peak = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        if not Path("/proc/self/smaps_rollup").exists():
            return  # not Linux (or older than 4.14): the figure shows 0
        while not self.stopped.wait(SAMPLE_SECONDS):
            self.peak = max(self.peak, self.measure())

    def stop(self) -> int:
        """Stop polling; the peak in bytes."""
        self.stopped.set()
        self.join()
        return self.peak
