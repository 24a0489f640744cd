"""Every exception baoku raises on purpose, with how it is reported.

The web layer maps `http_status` once (web/__init__.py) and the CLI maps
`exit_code` once (cli.py); nothing else catches these per command.
"""


class BaokuError(Exception):
    """Raised on purpose; knows how it is reported on HTTP and CLI."""

    code, http_status, exit_code = "internal", 500, 1

    @property
    def message(self) -> str:
        return str(self)


class QuerySyntaxError(BaokuError):
    code, http_status, exit_code = "bad_query", 400, 2


class BadParameter(BaokuError):
    code, http_status, exit_code = "bad_parameter", 400, 2


class ArticleNotFound(BaokuError):
    code, http_status, exit_code = "not_found", 404, 1


class IndexMissing(BaokuError):
    code, http_status, exit_code = "no_index", 503, 1


class IndexUnavailable(BaokuError):
    """The index exists but cannot be used: corrupt, unreadable, locked."""

    code, http_status, exit_code = "index_unavailable", 503, 1


class IndexBusy(BaokuError):
    code, http_status, exit_code = "index_busy", 503, 1


class UnreadableFile(BaokuError):
    """An input file a reader cannot use (damaged, hostile, over a limit): the import
    reports it as skipped, with this message, and goes on with the rest."""

    code, http_status, exit_code = "unreadable_file", 422, 1
