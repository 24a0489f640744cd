"""The one table of limits: request validation, click options and the OpenAPI description read it.

Each limit protects something a user would notice: a query so long that it
cannot be a journalist's question (and would make a request line no proxy
passes), a page so deep that ranking it costs more than the whole search, an
export so large that it is a copy of the archive. Changing a number here
changes the CLI's `--help`, the API's validation and its OpenAPI schema at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Limit:
    low: int
    high: int
    default: int
    what: str  # how the error message and the docs name it

    def check(self, value: int) -> int:
        """`value` when inside the limit; else `BadParameter` naming the limit."""
        from search.errors import BadParameter  # errors imports nothing; this stays acyclic

        if not self.low <= value <= self.high:
            raise BadParameter(f"{self.what} must be {self.low}..{self.high}, got {value}")
        return value


QUERY_CHARS = 500  # characters of a query, before normalisation
QUERY_TERMS = 64  # strings to find in one query
QUERY_NESTING = 16  # levels of parentheses
# `"a b"~N` beyond this means "anywhere in the same paragraph" (no paragraph is longer);
# unbounded, a distance past 2**32 reached into other paragraphs and past 2**63 overflowed.
NEAR_DISTANCE = 100_000
FILTER_CHARS = 200  # an exact section or author filter (a facet value)
SUGGEST_PREFIX_CHARS = 50
SUGGESTIONS = 10  # completions returned for a prefix
FACET_VALUES = 20  # values listed per facet (counts are over all hits)
FEW_HITS = 5  # at most this many articles: 你是不是要找 is offered
SUGGESTED = 3  # corrections offered for one query
TERMS_CORRECTED = 6  # typed terms of one query looked at for corrections
VOCABULARY_PAGE = 10_000  # words per request when the cluster's vocabulary is read
SUGGEST_SCAN = 2000  # dictionary words looked at per suggestion request (prefix order)
EXPORT_ARTICLES = 10_000  # articles in one export

PAGE = Limit(1, 1000, 1, "page")
PAGE_SIZE = Limit(1, 1000, 10, "page size")
DEEPEST_HIT = 100_000  # page × page size: how far into a ranking anyone may page
# A day's articles in one answer (the day view, /api/issues/<date>): People's Daily
# printed about 100 a day in 1998; a day of a bigger archive past this is cut, and says so.
DAY_ARTICLES = 2000
FEED_ENTRIES = 50  # newest articles in a search's Atom feed
TREND_QUERIES = 6  # queries compared in one trend chart
RELATED_ARTICLES = 10  # 相关报道 listed for an article
RELATED_WORDS = 6  # distinctive words searched for them

# Input files (search/ingest/formats.py). A file is untrusted: each limit stops a file
# that would take the machine's memory or minutes before it is read, and the file is
# skipped with the limit named. A broadsheet page scanned at 300 dpi is about 4,000 × 6,000
# pixels (24 MP) and a PDF page with a text layer a few MB.
DOCUMENT_MB = 64  # bytes of one HTML, PDF, image or .docx file
DOCUMENT_TEXT_MB = 16  # text a document may expand to (a .docx's XML, an HTML page's text)
DOCUMENT_PAGES = 32  # pages of one PDF or TIFF file (an issue of a city daily)
IMAGE_PIXELS = 80_000_000  # pixels of one scanned page (80 MP: 600 dpi broadsheet)
