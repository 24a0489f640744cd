"""Which main-text extractor reads saved newspaper pages: baoku's rules on lxml against
trafilatura, readability-lxml and selectolax, on the HTML fixtures of tests/render_html.py.

    .venv/bin/pip install trafilatura readability-lxml selectolax   # bench only
    .venv/bin/python bench/html_extractors.py

Each pooled corpus article is rendered in each of its templates (方正 founder tables, the
人民日报 layout, a news site, plain markup) with 引题, 副题, a caption and furniture
(navigation, 上一篇/下一篇, share buttons, related lists, comment forms, copyright lines,
scripts) inside and outside the article. Per extractor: pages whose paragraphs come back
exactly, pages where every paragraph is present in order (extra text allowed), pages
whose text leaks furniture, titles right, and milliseconds per page (baoku's includes
the page parser). Prints a markdown table.
"""

import collections
import logging
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1] / "tests")]
warnings.simplefilter("ignore")
logging.disable(logging.CRITICAL)
import lxml.html  # noqa: E402
import render_html as rh  # noqa: E402
import trafilatura  # noqa: E402
from readability import Document  # noqa: E402
from selectolax.lexbor import LexborHTMLParser  # noqa: E402

from search.ingest.formats import read_document  # noqa: E402
from search.models import Skipped  # noqa: E402


def paras_from_html(fragment):
    root = lxml.html.fromstring(fragment)
    out = []
    for el in root.iter("p", "div", "td", "li"):
        # only leaf-ish blocks
        if any(c.tag in ("p", "div", "td", "li") for c in el.iterdescendants()):
            continue
        t = " ".join(el.text_content().split())
        if t:
            out.append(t)
    return out


def ours(path, data):
    got = read_document(path)
    a = () if isinstance(got, Skipped) else got.articles
    return (
        [p.text for x in a for p in x.paragraphs if p.kind != "caption"],
        a[0].title if a else "",
        "\n".join(p.text for x in a for p in x.paragraphs) + "\n" + "\n".join(x.title for x in a),
    )


def traf(path, data):
    doc = trafilatura.bare_extraction(
        data.decode(), include_comments=False, include_tables=True, with_metadata=True
    )
    text = getattr(doc, "text", "") or ""
    ps = [line.strip() for line in text.split("\n") if line.strip()]
    return ps, getattr(doc, "title", "") or "", text


def traf_precise(path, data):
    text = (
        trafilatura.extract(
            data.decode(), output_format="txt", include_comments=False, favor_precision=True
        )
        or ""
    )
    ps = [line.strip() for line in text.split("\n") if line.strip()]
    return ps, "", text


def readab(path, data):
    doc = Document(data.decode())
    frag = doc.summary(html_partial=True)
    ps = paras_from_html(frag)
    return ps, doc.short_title(), "\n".join(ps)


SELECTORS = "founder-content, #ozoom, .article-content, [itemprop=articleBody], article"


NOT_TEXT = "script, style, nav, aside, footer, form, iframe, noscript, .share, .share-bar, "
NOT_TEXT += ".pager, .related"


def slx(path, data):
    tree = LexborHTMLParser(data.decode())
    for n in tree.css(NOT_TEXT):
        n.decompose()
    body = tree.css_first(SELECTORS)
    if body is None:
        # densest: parent with most <p> text
        scores: collections.Counter[int] = collections.Counter()
        for p in tree.css("p"):
            if p.parent is not None:
                scores[p.parent.mem_id] += len(p.text(strip=True))
        best = max(scores, key=lambda k: scores[k]) if scores else None
        body = next(
            (p.parent for p in tree.css("p") if p.parent is not None and p.parent.mem_id == best),
            None,
        )
    ps = [" ".join(p.text().split()) for p in body.css("p")] if body is not None else []
    ps = [p for p in ps if p]
    h1 = tree.css_first("founder-title, .article h1, article h1, h1")
    return ps, h1.text(strip=True) if h1 else "", "\n".join(ps)


EXTRACTORS = {
    "baoku rules (lxml)": ours,
    "trafilatura 2.3": traf,
    "trafilatura precision": traf_precise,
    "readability-lxml 0.9": readab,
    "selectolax rules": slx,
}


def main() -> None:
    pool = rh.round_trip_pool()
    d = Path(tempfile.mkdtemp())
    cases = []
    for aid in pool:
        for tpl in rh.templates_for(aid):
            page = rh.with_fields(
                rh.web_page(aid), kicker=rh.KICKER, subtitle=rh.SUBTITLE, caption=rh.CAPTION
            )
            path = d / f"{aid}-{tpl}.html"
            data = rh.render(tpl, page)
            path.write_bytes(data)
            cases.append((tpl, page, path, data))
    print(len(cases), "pages")
    rows = []
    for name, fn in EXTRACTORS.items():
        stats: dict[str, list[int]] = collections.defaultdict(
            lambda: [0, 0, 0, 0, 0]
        )  # exact, leak, title, n, complete
        t0 = time.perf_counter()
        for tpl, page, path, data in cases:
            ps, title, text = fn(path, data)
            s = page.stories[0]
            st = stats[tpl]
            st[3] += 1
            st[0] += ps == list(s.paragraphs)
            truth = "\n".join(
                (s.title, *s.paragraphs, s.caption or "", s.kicker or "", s.subtitle or "")
            )
            st[1] += any(w in text and w not in truth for w in (*rh.FURNITURE, *page.related))
            st[2] += title == s.title
            it = iter(ps)
            st[4] += all(any(p == q for q in it) for p in s.paragraphs)
        ms = (time.perf_counter() - t0) * 1000 / len(cases)
        tot = [sum(v[i] for v in stats.values()) for i in range(5)]
        per = " ".join(f"{t}:{stats[t][0]}/{stats[t][3]}" for t in rh.TEMPLATES)
        rows.append((name, tot, per, ms))
    for name, tot, per, ms in rows:
        print(
            f"| {name} | {tot[0]}/{tot[3]} | {tot[4]}/{tot[3]} | {per} | {tot[1]} "
            f"| {tot[2]}/{tot[3]} | {ms:.1f} |"
        )


if __name__ == "__main__":
    main()
