"""The Flask application factory; errors are turned into JSON here, once."""

from __future__ import annotations

from flask import Flask, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from search.config import Settings
from search.errors import BaokuError

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; script-src 'self'; "
    "img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


def create_app(settings: Settings | None = None) -> Flask:
    app = Flask(__name__)
    app.config["BAOKU_SETTINGS"] = settings or Settings.load()
    app.json.ensure_ascii = False  # type: ignore[attr-defined]

    from search.web.api import api
    from search.web.views import views

    app.register_blueprint(api)
    app.register_blueprint(views)

    @app.errorhandler(BaokuError)
    def baoku_error(exc: BaokuError) -> ResponseReturnValue:
        return _error(exc.code, exc.message, exc.http_status)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        status = exc.code or 500
        return _error(exc.name.lower().replace(" ", "_"), exc.description or exc.name, status)

    @app.errorhandler(Exception)
    def unexpected(exc: Exception) -> ResponseReturnValue:
        app.logger.exception("unhandled error on %s", request.path)
        return _error("internal", "internal error; the server log has the details", 500)

    @app.after_request
    def headers(response: Response) -> Response:
        if request.path.startswith("/api/"):
            # Read-only API: any intranet origin may call it.
            response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers.update(SECURITY_HEADERS)
        return response

    return app


def _error(code: str, message: str, status: int) -> ResponseReturnValue:
    """JSON for /api, a small page elsewhere: never a stack trace."""
    if request.path.startswith("/api/"):
        return jsonify({"error": {"code": code, "message": message}}), status
    return render_template("error.html", status=status, message=message), status
