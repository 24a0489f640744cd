"""The Flask application factory; errors are turned into JSON here, once."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from search.config import Settings
from search.errors import BaokuError
from search.text import analysis

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


def create_app(settings: Settings | None = None) -> Flask:
    """The app for `settings` (read with `Settings.load()` when none are given).

    It configures what it needs itself, jieba's user dictionary and cache included:
    gunicorn workers and `flask --app search.web` build it without the CLI, and
    importing a module configures nothing.
    """
    settings = settings or Settings.load()
    analysis.configure(settings.cache_dir, settings.user_dict)
    app = Flask(__name__)
    app.config["BAOKU_SETTINGS"] = settings
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from search.web.api import api
    from search.web.browse import browse
    from search.web.trend import trend_views
    from search.web.views import views

    app.register_blueprint(api)
    app.register_blueprint(views)
    app.register_blueprint(browse)
    app.register_blueprint(trend_views)

    @app.errorhandler(BaokuError)
    def baoku_error(exc: BaokuError) -> ResponseReturnValue:
        return _error(exc.code, exc.message, exc.http_status)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        return _error(exc.name.lower().replace(" ", "_"), exc.description or exc.name, status)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        # One line on stderr (gunicorn's error log), never a trace to the client.
        app.logger.error(
            "%s %s failed: %s: %s", request.method, request.full_path, type(exc).__name__, exc
        )
        return _error("internal", "internal error; the server log has the details", 500)

    @app.after_request
    def headers(response: Response) -> Response:
        if request.path.startswith("/api/"):
            allowed = _cors_origin(settings.cors_origins, request.headers.get("Origin"))
            if allowed:
                response.headers["Access-Control-Allow-Origin"] = allowed
                response.vary.add("Origin")
        response.headers.update(SECURITY_HEADERS)
        return response

    return app


def _cors_origin(configured: str, origin: str | None) -> str | None:
    """ "*" by default (the API is read-only); else the caller's origin when listed."""
    allowed = [o.strip() for o in configured.split(",") if o.strip()]
    if "*" in allowed:
        return "*"
    return origin if origin in allowed else None


def _error(code: str, message: str, status: int) -> ResponseReturnValue:
    """JSON for /api; elsewhere the search page with the message above its (kept) form,
    so a bad query is corrected where it was typed. Never a stack trace."""
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": message}}), status
    from search.web.views import page_form

    page = render_template("search.html", form=page_form(), result=None, error=message)
    return page, status
