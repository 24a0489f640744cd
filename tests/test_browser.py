"""A real browser: headless Debian Chromium drives the search page, the embedded box,
browsing by calendar, day and page, and refining a search.

Under CI=true a missing browser fails (`.ci/run` installs chromium and
chromium-driver); elsewhere it skips with the reason.
"""

from __future__ import annotations

import datetime
import functools
import http.server
import json
import os
import random
import shutil
import threading
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from support import CORPUS_DIR, build_index, free_port, running_server, write_jsonl

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SHOTS = Path(os.environ.get("BAOKU_SCREENSHOTS", "/tmp/baoku-screenshots"))


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).exists()]
    if missing:
        message = f"headless Chromium needed, missing: {', '.join(missing)}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1100,1400",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.implicitly_wait(10)
    SHOTS.mkdir(parents=True, exist_ok=True)
    yield driver
    driver.quit()


@pytest.fixture(scope="module")
def server(seed_index: Path) -> Iterator[str]:
    with running_server(seed_index) as (base, _log):
        yield base


def test_search_page_highlights_and_opens_the_article(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("郑好融")
    box.submit()
    hits = browser.find_elements(By.CSS_SELECTOR, "li.hit")
    assert len(hits) == 1
    marks = hits[0].find_elements(By.TAG_NAME, "mark")
    assert marks and all(m.text == "郑好融" for m in marks)
    assert "4 段命中" in hits[0].text
    browser.save_screenshot(str(SHOTS / "search.png"))
    hits[0].find_element(By.CSS_SELECTOR, "h2 a").click()
    assert browser.find_element(By.TAG_NAME, "h1").text == "郑州市强化融资信用服务平台建设"
    assert len(browser.find_elements(By.CSS_SELECTOR, "article mark")) == 6
    browser.save_screenshot(str(SHOTS / "article.png"))


def test_a_misspelt_name_offers_the_archive_spelling_as_a_link(browser, server):
    """郑好荣 (荣 for 融, both rong) finds nothing; the page says so and links 郑好融."""
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    box.send_keys("郑好荣")
    box.submit()
    assert browser.find_elements(By.CSS_SELECTOR, "li.hit") == []
    assert browser.find_element(By.CSS_SELECTOR, ".not-found").text == "“郑好荣”在档案中没有出现"
    link = browser.find_element(By.CSS_SELECTOR, ".did-you-mean a")
    assert link.text == "郑好融"
    browser.save_screenshot(str(SHOTS / "did-you-mean.png"))
    link.click()
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "郑好融"
    assert len(browser.find_elements(By.CSS_SELECTOR, "li.hit")) == 1


def test_embedded_box_on_another_origin(browser, server, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    (tmp_path / "index.html").write_text(
        "<!doctype html><meta charset=utf-8><title>内网首页</title>"
        "<style>mark, li { color: green !important }</style>"
        "<h1>内网首页</h1><div id=news-search></div>"
        f'<script src="{server}/embed.js" data-target="#news-search" data-size="3"></script>',
        "utf-8",
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    port = free_port()
    static = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=static.serve_forever, daemon=True).start()
    try:
        browser.get(f"http://127.0.0.1:{port}/index.html")
        shadow = browser.find_element(By.ID, "news-search").shadow_root
        field = shadow.find_element(By.CSS_SELECTOR, "input")
        field.send_keys("無廢城市")
        shadow.find_element(By.CSS_SELECTOR, "button").click()
        WebDriverWait(browser, 10).until(
            lambda _: shadow.find_elements(By.CSS_SELECTOR, "ol.results li")
        )
        items = shadow.find_elements(By.CSS_SELECTOR, "ol.results li")
        assert len(items) == 1
        link = items[0].find_element(By.CSS_SELECTOR, "a")
        assert link.text == "全市年底择优命名“无废细胞”约700个"
        assert link.get_attribute("href").startswith(server + "/a/")
        marks = items[0].find_elements(By.CSS_SELECTOR, "mark")
        assert marks and marks[0].text == "无废城市"
        # The host page's CSS does not reach into the box.
        assert marks[0].value_of_css_property("color") != "rgba(0, 128, 0, 1)"
        WebDriverWait(browser, 5).until(expected_conditions.title_is("内网首页"))
        browser.save_screenshot(str(SHOTS / "embed.png"))
        # A misspelt name: the box says so and offers the archive's spelling to search.
        field.clear()
        field.send_keys("郑好荣")
        shadow.find_element(By.CSS_SELECTOR, "form button").click()
        WebDriverWait(browser, 10).until(
            lambda _: shadow.find_elements(By.CSS_SELECTOR, ".did-you-mean button")
        )
        assert "郑好荣" in shadow.find_element(By.CSS_SELECTOR, ".not-found").text
        offered = shadow.find_element(By.CSS_SELECTOR, ".did-you-mean button")
        assert offered.text == "郑好融"
        offered.click()
        WebDriverWait(browser, 10).until(
            lambda _: shadow.find_elements(By.CSS_SELECTOR, "ol.results li")
        )
        assert field.get_attribute("value") == "郑好融"
        assert not shadow.find_elements(By.CSS_SELECTOR, ".did-you-mean")
    finally:
        static.shutdown()
        static.server_close()


# --- Browsing and refining a small real archive: People's Daily, January 1998 ----------

# Two whole days' worth of pages and a third day with pages 2 and 10-12 (natural order
# differs from text order there); at most a few articles per page keeps it ~60 records.
PD_DAYS = {
    "1998-01-01": None,
    "1998-01-02": None,
    "1998-01-05": {"02", "09", "10", "11", "12"},
}
PD_PER_PAGE = {"1998-01-01": 5, "1998-01-02": 5, "1998-01-05": 4}
PAPER = "人民日报"


def _pd1998_records() -> list[dict]:
    """Records of pd1998.jsonl (read at test time, never copied) with `paper` and `page`
    added: section `人民日报 第03版` -> page `3`."""
    taken: Counter[tuple[str, str]] = Counter()
    records = []
    with (CORPUS_DIR / "pd1998.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            day = record["date"]
            if day not in PD_DAYS:
                continue
            printed = record["section"].removeprefix(PAPER + " 第").removesuffix("版")
            pages, most = PD_DAYS[day], PD_PER_PAGE[day]
            if (pages is not None and printed not in pages) or taken[day, printed] >= most:
                continue
            taken[day, printed] += 1
            records.append({**record, "paper": PAPER, "page": str(int(printed))})
    return records


@dataclass(frozen=True)
class Archive:
    base: str
    records: list[dict]

    def on(self, day: str, page: str | None = None) -> list[dict]:
        return [r for r in self.records if r["date"] == day and page in (None, r["page"])]

    def containing(self, *terms: str) -> int:
        """Brute force: records whose title, a paragraph or an author has every term."""
        return sum(
            all(
                any(t in text for text in (r["title"], *r["paragraphs"], *r["authors"]))
                for t in terms
            )
            for r in self.records
        )


@pytest.fixture(scope="module")
def pd1998(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    records = _pd1998_records()
    assert {r["date"] for r in records} == set(PD_DAYS) and 50 <= len(records) <= 70
    folder = tmp_path_factory.mktemp("pd1998")
    # Written out of id order, so a page listing in id order is the app's doing.
    shuffled = records[:]
    random.Random(1998).shuffle(shuffled)
    source = write_jsonl(folder / "pd1998-sample.jsonl", shuffled)
    build_index([source], folder / "index")
    with running_server(folder / "index") as (base, _log):
        yield Archive(base, records)


def _follow(browser, element) -> None:
    """Click a link or submit button and wait until the next page has replaced this one."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    page = browser.find_element(By.TAG_NAME, "html")
    element.click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(page))


def _query(url: str) -> dict[str, str]:
    return dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))


def _path(url: str) -> str:
    return urllib.parse.unquote(urllib.parse.urlsplit(url).path)


def _article_ids(section) -> list[str]:
    from selenium.webdriver.common.by import By

    links = section.find_elements(By.CSS_SELECTOR, "ol.articles li > a")
    return [_path(a.get_attribute("href")).removeprefix("/a/") for a in links]


def _day_nav(browser) -> dict[str, str]:
    """The day view's 前一天/后一天/上一版/下一版 links: {rel or class: href}."""
    from selenium.webdriver.common.by import By

    found = {}
    for link in browser.find_elements(By.CSS_SELECTOR, "nav.daynav a"):
        key = link.get_attribute("rel") or link.get_attribute("class")
        found[key] = link.get_attribute("href")
    return found


def _check_day(browser, archive: Archive, day: str) -> None:
    """The day view of `day`: its pages in ascending page order, each page's articles in
    id order, with the article count per page."""
    from selenium.webdriver.common.by import By

    weekday = "星期" + "一二三四五六日"[datetime.date.fromisoformat(day).weekday()]
    assert browser.find_element(By.TAG_NAME, "h1").text == f"{day} {weekday}"
    assert [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.issue > h2")] == [PAPER]
    expected_pages = sorted({r["page"] for r in archive.on(day)}, key=int)
    sections = browser.find_elements(By.CSS_SELECTOR, "section.issue-page")
    shown = [s.find_element(By.CSS_SELECTOR, "h3 a").text for s in sections]
    assert shown == [f"第{p}版" for p in expected_pages]
    for page, section in zip(expected_pages, sections, strict=True):
        on_page = archive.on(day, page)
        assert _article_ids(section) == sorted(r["id"] for r in on_page)
        assert section.find_element(By.CSS_SELECTOR, "h3 .count").text == f"{len(on_page)} 篇"


def test_browse_calendar_day_page_article(browser, pd1998):
    from selenium.webdriver.common.by import By

    records = pd1998.records
    in_january = [r for r in records if r["date"].startswith("1998-01")]
    days = sorted({r["date"] for r in records})

    # The coverage: the paper, its span, and the year × month table.
    browser.get(pd1998.base + "/browse")
    coverage = browser.find_element(By.CSS_SELECTOR, "section.coverage")
    assert coverage.find_element(By.TAG_NAME, "h2").text == PAPER
    assert coverage.find_element(By.CSS_SELECTOR, "p.meta").text == (
        f"{days[0]} 至 {days[-1]} · {len(days)} 天 · {len(records)} 篇"
    )
    table = coverage.find_element(By.CSS_SELECTOR, "table.years")
    heads = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    row = table.find_element(By.CSS_SELECTOR, "tbody tr")
    assert row.find_element(By.TAG_NAME, "th").text == "1998"
    cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
    assert dict(zip(heads[1:], cells, strict=True)) == {
        **{f"{m}月": "" for m in range(2, 13)},
        "1月": str(len(in_january)),
        "全年": str(len(records)),
    }
    browser.save_screenshot(str(SHOTS / "browse.png"))

    # The month: a calendar whose days with articles show their counts.
    _follow(browser, row.find_element(By.LINK_TEXT, str(len(in_january))))
    assert _path(browser.current_url) == "/browse/1998-01"
    assert browser.find_element(By.TAG_NAME, "h1").text == "1998-01"
    counted = {}
    for cell in browser.find_elements(By.CSS_SELECTOR, "table.month-calendar td.has"):
        link = cell.find_element(By.TAG_NAME, "a")
        counted[_path(link.get_attribute("href")).removeprefix("/browse/")] = cell.find_element(
            By.CSS_SELECTOR, ".count"
        ).text
    assert counted == {day: f"{len(pd1998.on(day))} 篇" for day in days}
    first = browser.find_element(
        By.CSS_SELECTOR, "table.month-calendar td.has a[href*='/browse/1998-01-01']"
    )
    assert first.text.split() == ["1", f"{len(pd1998.on('1998-01-01'))}", "篇"]
    # 31 days, the three with articles linked, the others greyed.
    plain = browser.find_elements(By.CSS_SELECTOR, "table.month-calendar td.none")
    assert sorted(int(td.text) for td in plain) == [
        d for d in range(1, 32) if f"1998-01-{d:02d}" not in days
    ]
    browser.save_screenshot(str(SHOTS / "month.png"))

    # The first day: its pages in order, no day before it, the next day with articles.
    _follow(browser, first)
    assert _path(browser.current_url) == "/browse/1998-01-01"
    _check_day(browser, pd1998, "1998-01-01")
    nav = _day_nav(browser)
    assert "prev" not in nav
    assert _path(nav["next"]) == "/browse/1998-01-02"
    assert browser.find_element(By.CSS_SELECTOR, "nav.daynav a[rel=next]").text == (
        "后一天 1998-01-02 →"
    )
    day_url = browser.current_url
    browser.save_screenshot(str(SHOTS / "day.png"))

    # The first page: no page before it; the next page is the next one printed that day.
    pages = sorted({r["page"] for r in pd1998.on("1998-01-01")}, key=int)
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "section.issue-page h3 a"))
    assert _path(browser.current_url) == f"/browse/1998-01-01/{PAPER}/{pages[0]}"
    assert browser.find_element(By.TAG_NAME, "h1").text == (
        f"1998-01-01 星期四 · {PAPER} 第{pages[0]}版"
    )
    nav = _day_nav(browser)
    assert "pageprev" not in nav and "prev" not in nav
    assert _path(nav["pagenext"]) == f"/browse/1998-01-01/{PAPER}/{pages[1]}"
    [only] = browser.find_elements(By.CSS_SELECTOR, "section.issue-page")
    assert _article_ids(only) == sorted(r["id"] for r in pd1998.on("1998-01-01", pages[0]))

    # The second page: both neighbours.
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "nav.daynav a.pagenext"))
    assert _path(browser.current_url) == f"/browse/1998-01-01/{PAPER}/{pages[1]}"
    nav = _day_nav(browser)
    assert _path(nav["pageprev"]) == f"/browse/1998-01-01/{PAPER}/{pages[0]}"
    assert _path(nav["pagenext"]) == f"/browse/1998-01-01/{PAPER}/{pages[2]}"
    assert browser.find_element(By.CSS_SELECTOR, "nav.daynav a.pageprev").text == (
        f"← 上一版 第{pages[0]}版"
    )
    assert browser.find_element(By.CSS_SELECTOR, "nav.daynav a.pagenext").text == (
        f"下一版 第{pages[2]}版 →"
    )
    on_page = sorted(pd1998.on("1998-01-01", pages[1]), key=lambda r: r["id"])
    [only] = browser.find_elements(By.CSS_SELECTOR, "section.issue-page")
    assert _article_ids(only) == [r["id"] for r in on_page]
    browser.save_screenshot(str(SHOTS / "page.png"))

    # An article of that page, with authors: its title and its citation.
    chosen = next(r for r in reversed(on_page) if r["title"] and r["authors"])
    _follow(
        browser, only.find_element(By.CSS_SELECTOR, f"ol.articles a[href$='/a/{chosen['id']}']")
    )
    assert _path(browser.current_url) == f"/a/{chosen['id']}"
    assert browser.find_element(By.TAG_NAME, "h1").text == chosen["title"]
    cite = browser.find_element(By.CSS_SELECTOR, "section.cite")
    assert cite.find_element(By.TAG_NAME, "h2").text == "引用"
    citation = cite.find_element(By.CSS_SELECTOR, "p.gbt7714").text
    where = f"[N]. {PAPER}, 1998-01-01({pages[1]})."
    assert where in citation
    assert (
        citation
        == ", ".join(chosen["authors"][:3])
        + (", 等" if len(chosen["authors"]) > 3 else "")
        + f". {chosen['title']}{where}"
    )
    downloads = cite.find_elements(By.CSS_SELECTOR, "a[download]")
    assert [a.text for a in downloads] == ["RIS", "CSL-JSON", "GB/T 7714"]
    assert [_query(a.get_attribute("href")).get("format") for a in downloads] == [
        "ris",
        "csl",
        "gbt7714",
    ]
    assert {_path(a.get_attribute("href")) for a in downloads} == {f"/api/articles/{chosen['id']}"}
    with urllib.request.urlopen(downloads[2].get_attribute("href")) as answer:
        assert answer.read().decode("utf-8").strip() == citation
    browser.save_screenshot(str(SHOTS / "browse-article.png"))

    # The next days with articles: 1998-01-02, then 1998-01-05 (03 and 04 have none),
    # whose pages 2, 9, 10, 11, 12 are listed in that order, not as text sorts them.
    browser.get(day_url)
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "nav.daynav a[rel=next]"))
    assert _path(browser.current_url) == "/browse/1998-01-02"
    _check_day(browser, pd1998, "1998-01-02")
    nav = _day_nav(browser)
    assert _path(nav["prev"]) == "/browse/1998-01-01"
    assert _path(nav["next"]) == "/browse/1998-01-05"
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "nav.daynav a[rel=next]"))
    assert _path(browser.current_url) == "/browse/1998-01-05"
    _check_day(browser, pd1998, "1998-01-05")
    shown = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.issue-page h3 a")]
    assert shown == ["第2版", "第9版", "第10版", "第11版", "第12版"]
    nav = _day_nav(browser)
    assert _path(nav["prev"]) == "/browse/1998-01-02" and "next" not in nav
    browser.save_screenshot(str(SHOTS / "day-natural-order.png"))


def _search_state(browser) -> tuple[str, str, list[str]]:
    """What the results page states: the summary, the explanation and the chips."""
    from selenium.webdriver.common.by import By

    summary = browser.find_element(By.CSS_SELECTOR, "p.summary").text
    explained = browser.find_element(By.CSS_SELECTOR, "p.explain").text
    chips = [
        li.text.removesuffix("✕").strip()
        for li in browser.find_elements(By.CSS_SELECTOR, "ul.chips li")
    ]
    return summary, explained, chips


def _check_feed_links(browser, query: str) -> None:
    from selenium.webdriver.common.by import By

    alternates = browser.find_elements(
        By.CSS_SELECTOR, 'head link[rel="alternate"][type="application/atom+xml"]'
    )
    assert len(alternates) == 1, "the page links one Atom feed in its head"
    alternate = alternates[0]
    feed = browser.find_element(By.CSS_SELECTOR, "form.within a.feed")
    assert feed.is_displayed() and feed.text.startswith("订阅此检索")
    for href in (alternate.get_dom_attribute("href"), feed.get_dom_attribute("href")):
        assert href.startswith("/feed.atom?q=")
        assert _query(href)["q"] == query


def test_refine_within_results_and_remove_a_chip(browser, pd1998):
    from selenium.webdriver.common.by import By

    first, second = "经济", "改革"
    both = pd1998.containing(first, second)
    counts = (pd1998.containing(first), both, pd1998.containing(second))
    # Three different numbers, each answer distinguishable from the others.
    assert len(set(counts)) == 3 and min(counts) > 1

    browser.get(pd1998.base + "/")
    box = browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]")
    box.send_keys(first)
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "form.search button[type=submit]"))
    assert _query(browser.current_url)["q"] == first
    summary, explained, chips = _search_state(browser)
    assert summary.startswith(f"共 {counts[0]} 篇，")
    assert f"包含“{first}”" in explained
    assert chips == [f"包含“{first}”"]
    _check_feed_links(browser, first)
    browser.save_screenshot(str(SHOTS / "refine-1.png"))

    within = browser.find_element(By.CSS_SELECTOR, "form.within input[name=within]")
    within.send_keys(second)
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "form.within button[type=submit]"))
    assert "within" not in _query(browser.current_url)
    assert _query(browser.current_url)["q"].split() == [first, second]
    summary, explained, chips = _search_state(browser)
    assert summary.startswith(f"共 {both} 篇，")
    assert f"包含“{first}”并且包含“{second}”" in explained
    assert chips == [f"包含“{first}”", f"包含“{second}”"]
    assert browser.find_element(By.CSS_SELECTOR, "form.search input[name=q]").get_attribute(
        "value"
    ).split() == [first, second]
    _check_feed_links(browser, f"{first} {second}")
    browser.save_screenshot(str(SHOTS / "refine-2.png"))

    _follow(browser, browser.find_element(By.CSS_SELECTOR, "ul.chips li a.clear"))
    assert _query(browser.current_url)["q"] == second
    summary, explained, chips = _search_state(browser)
    assert summary.startswith(f"共 {counts[2]} 篇，")
    assert f"包含“{second}”" in explained and first not in explained
    assert chips == [f"包含“{second}”"]
    _check_feed_links(browser, second)
    browser.save_screenshot(str(SHOTS / "refine-3.png"))


# --- Trends over a dozen years of 新闻联播 ---------------------------------------------

TREND_YEARS = range(2013, 2021)
TREND_PER_YEAR = 40


@pytest.fixture(scope="module")
def xwlb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """The first 40 records of each year 2013-2020 of xwlb.jsonl (read at test time)."""
    taken: Counter[str] = Counter()
    records = []
    with (CORPUS_DIR / "xwlb.jsonl").open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            year = record["date"][:4]
            if year.isdigit() and int(year) in TREND_YEARS and taken[year] < TREND_PER_YEAR:
                taken[year] += 1
                records.append(record)
    folder = tmp_path_factory.mktemp("xwlb")
    write_jsonl(folder / "xwlb.jsonl", records)
    build_index([folder / "xwlb.jsonl"], folder / "index")
    with running_server(folder / "index") as (base, _log):
        yield Archive(base, records)


def test_trend_page_draws_each_query_and_links_its_points(browser, xwlb):
    from selenium.webdriver.common.by import By

    browser.get(xwlb.base + "/trend?q=习近平&q=经济&by=year")
    lines = browser.find_elements(By.CSS_SELECTOR, "figure.trend polyline")
    assert len(lines) == 2
    points = browser.find_elements(By.CSS_SELECTOR, "figure.trend circle")
    assert len(points) == 2 * len(TREND_YEARS)
    legend = [li.text for li in browser.find_elements(By.CSS_SELECTOR, ".legend li")]
    assert legend == [
        f"习近平（{xwlb.containing('习近平')} 篇）",
        f"经济（{xwlb.containing('经济')} 篇）",
    ]
    table = browser.find_elements(By.CSS_SELECTOR, ".trend-table tbody th")
    assert [th.text for th in table] == [str(y) for y in TREND_YEARS]
    browser.save_screenshot(str(SHOTS / "trend.png"))
    link = browser.find_element(By.CSS_SELECTOR, "figure.trend a")
    _follow(browser, link)
    assert _query(browser.current_url)["from"] == str(TREND_YEARS[0])
    first_year = [r for r in xwlb.records if r["date"].startswith(str(TREND_YEARS[0]))]
    expected = Archive(xwlb.base, first_year).containing("习近平")
    assert f"共 {expected} 篇" in browser.find_element(By.CSS_SELECTOR, "p.summary").text


def test_an_entity_facet_filters_and_an_article_links_its_people(browser, xwlb):
    """Who appears with 习近平: the person facet of the results; a click keeps exactly the
    articles counted, and an article's 文中提到 leads to everything that mentions someone."""
    from selenium.webdriver.common.by import By

    browser.get(xwlb.base + "/?q=person:习近平")
    facets = browser.find_element(By.CSS_SELECTOR, "aside.facets")
    headings = [h.text for h in facets.find_elements(By.TAG_NAME, "h3")]
    assert {"人物", "地点", "机构"} <= set(headings)
    people = facets.find_elements(By.XPATH, "./h3[.='人物']/following-sibling::ul[1]/li")
    first = people[0].find_element(By.TAG_NAME, "a").text
    total = browser.find_element(By.CSS_SELECTOR, "p.summary").text.split()[1]
    assert first == "习近平" and people[0].find_element(By.CSS_SELECTOR, ".count").text == total
    other = people[1]
    name, count = (
        other.find_element(By.TAG_NAME, "a").text,
        other.find_element(By.CSS_SELECTOR, ".count").text,
    )
    browser.save_screenshot(str(SHOTS / "entity-facets.png"))
    _follow(browser, other.find_element(By.TAG_NAME, "a"))
    assert _query(browser.current_url)["person"] == name
    summary = browser.find_element(By.CSS_SELECTOR, "p.summary").text
    assert summary.startswith(f"共 {count} 篇，") and f"人物：{name}" in summary
    assert f"提到人物“{name}”" in browser.find_element(By.CSS_SELECTOR, "p.explain").text
    _follow(browser, browser.find_element(By.CSS_SELECTOR, "ol.hits h2 a"))
    mentions = browser.find_element(By.CSS_SELECTOR, "section.mentions")
    names = [a.text for a in mentions.find_elements(By.CSS_SELECTOR, "dd a")]
    assert "习近平" in names and name in names
    browser.save_screenshot(str(SHOTS / "entity-article.png"))
    link = next(a for a in mentions.find_elements(By.CSS_SELECTOR, "dd a") if a.text == name)
    _follow(browser, link)
    assert _query(browser.current_url)["q"] == f"person:{name}"
    assert int(browser.find_element(By.CSS_SELECTOR, "p.summary").text.split()[1]) >= int(count)
