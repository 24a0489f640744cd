"""Production serving: gunicorn running `create_app(settings)` in N worker processes.

Each worker opens the on-disk index once and keeps its searcher, refreshing
it per request (a cheap generation check), so N workers share one index and
new commits from `baoku index` appear without a restart.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from gunicorn import glogging
from gunicorn import util as gunicorn_util
from gunicorn.app.base import BaseApplication

from search.config import Settings
from search.web import create_app

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
LOGGED_REQUEST_CHARS = 1000


class _AccessLog(glogging.Logger):  # type: ignore[misc]
    """Request lines cut to LOGGED_REQUEST_CHARS: a 200,000-character query (refused with
    a 400) made one 1.8 MB log line, and a log pipe that fills up stalls the worker."""

    def atoms(self, resp: Any, req: Any, environ: Any, request_time: Any) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        if len(atoms["r"]) > LOGGED_REQUEST_CHARS:
            atoms["r"] = atoms["r"][:LOGGED_REQUEST_CHARS] + "…"
        return atoms


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        options: dict[str, Any] = {
            "bind": f"{self.settings.host}:{self.settings.port}",
            "workers": self.settings.workers,
            "accesslog": "/dev/stderr",  # "-" would be stdout; logs belong on stderr
            "errorlog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "logger_class": _AccessLog,
            "timeout": 60,
            "graceful_timeout": 5,
            # gunicorn refuses request lines over 4094 bytes with its own HTML 414;
            # a 500-character Chinese query is ~4,500 bytes URL-encoded. 0 lets lines
            # up to gunicorn's hard cap (1 MB) through to the app, whose limits answer
            # with the API's JSON error or the search page's own error view.
            "limit_request_line": 0,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self.settings)


def _json_error(sock: Any, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's answer to a request it cannot parse (a request line over 1 MB, a bad
    header), in the API's JSON error shape instead of gunicorn's HTML page."""
    code = reason.lower().replace(" ", "_")
    body = json.dumps({"error": {"code": code, "message": mesg}}).encode("utf-8")
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    gunicorn_util.write_nonblock(sock, head.encode("latin-1") + body)


def serve(settings: Settings, dev: bool = False) -> None:
    if dev:
        create_app(settings).run(settings.host, settings.port, debug=False)
    else:
        gunicorn_util.write_error = _json_error  # workers call it through the module
        _Gunicorn(settings).run()
