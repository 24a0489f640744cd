"""The search page and the article view, server-rendered (they work without JavaScript)."""

from __future__ import annotations

import datetime
from dataclasses import replace
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue

from search.errors import BaokuError
from search.ingest.formats import HEAD_BYTES, scan_media_type
from search.limits import FEED_ENTRIES, PAGE_SIZE
from search.models import ENTITY_KINDS
from search.newsroom.citations import Reference, gbt7714
from search.newsroom.feed import MEDIA_TYPE, atom, etag
from search.newsroom.hints import search_with_hints
from search.newsroom.related import related
from search.output.results import article_to_json, to_json
from search.query import language as ql
from search.query.explain import ENTITY_WORDS, chips, query_text, refined
from search.web.api import archive, permalink, query_needles, search_request
from search.web.charts import timeline_svg

views = Blueprint("views", __name__)
FORM_FIELDS = ("q", "from", "to", "sort", "group", "section", "author", *ENTITY_KINDS)


@views.app_template_global()
def facet_names(entities_only: bool = False) -> tuple[tuple[str, str], ...]:
    """The facets a results page lists and filters by (the entity kinds an article view
    lists), each with its name on the page."""
    entities = tuple(ENTITY_WORDS.items())
    return entities if entities_only else (("section", "版面"), ("author", "作者"), *entities)


@views.app_template_global()
def entity_query(kind: str, name: str) -> str:
    """The query for articles that mention `name` (`person:江泽民`), quoted where needed."""
    return query_text(ql.Entity(kind, (name,)))


@views.app_template_global()
def search_url(form: dict[str, str], **changes: object) -> str:
    """A shareable URL for the form with some fields changed; empty fields left out."""
    args: dict[str, Any] = {k: v for k, v in {**form, **changes}.items() if v not in ("", None)}
    return url_for("views.search_page", **args)


def _feed_args(form: dict[str, str]) -> dict[str, Any]:
    """A feed's parameters: the form's, without sort and grouping (a feed is newest first,
    by article)."""
    return {k: v for k, v in form.items() if v and k not in ("sort", "group")}


@views.app_template_global()
def feed_url(form: dict[str, str]) -> str:
    """The Atom feed of the search the form shows."""
    return url_for("views.feed", **_feed_args(form))


def page_form() -> dict[str, str]:
    """The search form as the request filled it in (also shown, kept, on an error page)."""
    return {k: request.args.get(k, "") for k in FORM_FIELDS}


@views.get("/")
def search_page() -> ResponseReturnValue:
    form = page_form()
    within = request.args.get("within", "").strip()
    if within:  # 在结果中检索: the narrowed search gets its own shareable URL
        return redirect(search_url(form, q=refined(form["q"], within), page=""))
    result = None
    if form["q"].strip():
        wanted = search_request(size=PAGE_SIZE.default)
        found, hints = search_with_hints(archive(), wanted)
        result = to_json(found, wanted, hints)
        result["timeline"] = timeline_svg(found.facets.months if found.facets else ())
        filled = {k: v for k, v in form.items() if v}
        result["chips"] = chips(wanted, filled)
    return render_template("search.html", form=form, result=result, error=None)


@views.get("/feed.atom")
def feed() -> ResponseReturnValue:
    """The search as an Atom feed, newest first; 304 until the next import."""
    form = _feed_args(page_form())
    wanted = replace(
        search_request(size=FEED_ENTRIES), sort="date", group="article", page=1, facets=False
    )
    reader = archive()
    updated = (reader.updated() or datetime.datetime.now()).astimezone(datetime.UTC)
    feed_url = url_for("views.feed", _external=True, **form)
    response = Response(mimetype=MEDIA_TYPE)
    response.set_etag(etag(feed_url, updated))
    response.last_modified = updated.replace(microsecond=0)
    response.make_conditional(request)
    if response.status_code == 304:
        return response
    response.set_data(
        atom(
            reader.search(wanted),
            title=f"报库：{wanted.query}",
            feed_url=feed_url,
            page_url=url_for("views.search_page", _external=True, **form),
            updated=updated,
            permalink=permalink,
        )
    )
    return response


@views.get("/embed.js")
def embed_js() -> ResponseReturnValue:
    """The embeddable box, at a short URL other intranet pages can include."""
    response = send_from_directory(views.root_path + "/static", "embed.js", max_age=300)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@views.get("/opensearch.xml")
def opensearch() -> ResponseReturnValue:
    """Lets a browser add baoku as a search engine (the page links it in <head>)."""
    xml = render_template("opensearch.xml", root=request.host_url)
    return xml, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}


@views.get("/a/<article_id>/original")
def original_scan(article_id: str) -> ResponseReturnValue:
    """The scanned page an OCR'd article was read from, as imported: a reader checks a
    doubtful word against the print. Only a file the import recorded as the article's
    scan, and only when it still is an image or a PDF."""
    scan = archive().article(article_id).original
    try:
        with open(scan or "", "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        abort(404, description="这篇文章没有原始扫描件，或扫描件已不在导入时的位置")
    media = scan_media_type(head)
    if media is None:
        abort(404, description="原始扫描件已不是图像或 PDF")
    assert scan is not None  # opened above
    response = send_file(scan, mimetype=media, conditional=True, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@views.get("/a/<article_id>")
def article_page(article_id: str) -> ResponseReturnValue:
    try:
        needles = query_needles()
    except BaokuError:
        needles = []  # a bad ?q= on a permalink still shows the article
    article = article_to_json(found := archive().article(article_id), needles)
    hits = [i for i, p in enumerate(article["paragraphs"]) if p["hit"]]
    # Each matching paragraph links to the previous and next one: 上一处 / 下一处.
    around = {
        here: (hits[n - 1] if n else None, hits[n + 1] if n + 1 < len(hits) else None)
        for n, here in enumerate(hits)
    }
    return render_template(
        "article.html",
        article=article,
        query=request.args.get("q", ""),
        hits=hits,
        around=around,
        citation=gbt7714(Reference.of(found)),
        related=related(archive(), found),
    )
