"""The search page and the article view, server-rendered (they work without JavaScript)."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask.typing import ResponseReturnValue

from search.errors import BaokuError
from search.models import SearchRequest
from search.results import article_to_json, to_json
from search.web.api import archive, parse_date, parse_int, query_needles

views = Blueprint("views", __name__)
PAGE_SIZE = 10


@views.get("/")
def search_page() -> ResponseReturnValue:
    query = request.args.get("q", "").strip()
    form = {k: request.args.get(k, "") for k in ("q", "from", "to", "sort", "group")}
    result, error = None, None
    if query:
        try:
            result = to_json(
                archive().search(
                    SearchRequest(
                        query=query,
                        group="paragraph" if form["group"] == "paragraph" else "article",
                        sort="date" if form["sort"] == "date" else "relevance",
                        page=parse_int("page", 1, 1, 1000),
                        size=PAGE_SIZE,
                        date_from=parse_date("from"),
                        date_to=parse_date("to"),
                    )
                )
            )
        except BaokuError as exc:
            if exc.http_status != 400:
                raise
            error = exc.message
    status = 400 if error else 200
    return render_template("search.html", form=form, result=result, error=error), status


@views.get("/a/<article_id>")
def article_page(article_id: str) -> ResponseReturnValue:
    try:
        needles = query_needles()
    except BaokuError:
        needles = []  # a bad ?q= on a permalink still shows the article
    article = article_to_json(archive().article(article_id), needles)
    return render_template("article.html", article=article, query=request.args.get("q", ""))
