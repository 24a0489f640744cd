"""Production serving: gunicorn running `create_app(settings)` in N worker processes.

Each worker opens the on-disk index once and keeps its searcher, refreshing
it per request (a cheap generation check), so N workers share one index and
new commits from `baoku index` appear without a restart.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from search.config import Settings
from search.web import create_app

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'


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
            "timeout": 60,
            "graceful_timeout": 5,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self.settings)


def serve(settings: Settings, dev: bool = False) -> None:
    if dev:
        create_app(settings).run(settings.host, settings.port, debug=False)
    else:
        _Gunicorn(settings).run()
