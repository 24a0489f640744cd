"""The HTTP API keeps the contract it publishes: fuzzed from its own /api/openapi.json.

Schemathesis reads the description the app serves (not a copy), so a limit or a
status code changed in the code but not in the spec, or the other way round,
fails here. Each operation gets the coverage phase's boundary values (`size` at
and past its minimum and maximum, `q` past its maxLength, every enum value, wrong
methods) and bounded random fuzzing, positive and negative, over the seed index.
Derandomized and without an example database, so CI runs the same cases every
time. (`/api/openapi.json` itself is not fuzzed, schemathesis skips the document
it was loaded from; test_api.py validates it.)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis.internal.reflection import get_pretty_function_description
from schemathesis import Case, CheckContext, Response
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.generation.jsonschema import strategy as json_strategies
from support import SEED_PAGE, settings_for

from search.ingest.pages import parse_page
from search.web import create_app

MAX_EXAMPLES = 100  # per operation, fuzzing phase; the coverage phase adds its own cases

# Random strings rarely find anything in the seed page, so hits, snippets, facets and
# filters would go unchecked: half the fuzzed cases use a real query (every syntax of the
# README table, full-width and traditional forms), a real article id or facet value.
SEED_ARTICLES = parse_page(SEED_PAGE.read_text("utf-8"), str(SEED_PAGE))
QUERIES = [
    "郑好融", "郑好融 47.6亿元", '"稳中向好"', "“稳中向好”", '"郑州 公用"~5', "新郑 OR 新密",
    "(新郑 OR 新密) 产业", "（新郑 OR 新密）", "NOT 新密 郑州", "-新密 郑州", "title:郑州",
    "title：郑州", "author:张立", "section:经济", 'section:"经济工作"', "date:2024 郑州",
    "date:..1998-01-15 郑州", "無廢細胞", "４Ｓ店", "铜", "州公", "1136", "环卫 OR", '"未闭合',
]  # fmt: skip
CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 1998,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none"},
        "phases": {"stateful": {"enabled": False}},
        "dictionaries": {
            "queries": {"values": QUERIES},
            "ids": {"values": [a.id for a in SEED_ARTICLES]},
            "sections": {"values": sorted({a.section for a in SEED_ARTICLES if a.section})},
            "authors": {"values": sorted({n for a in SEED_ARTICLES for n in a.authors})},
        },
        "parameters": {
            "query.q": {"dictionary": "queries", "probability": 0.5},
            "path.article_id": {"dictionary": "ids", "probability": 0.5},
            "query.section": {"dictionary": "sections", "probability": 0.3},
            "query.author": {"dictionary": "authors", "probability": 0.3},
        },
    }
)
# Built at import: schemathesis makes one test per operation of the spec at collection,
# and serving the spec needs no index. (`schemathesis.pytest.from_fixture` would wait for
# the session's index, but schemathesis 4.32 breaks on pytest 9.2 there: it sets
# `Function._nodeid`, which pytest no longer has.) `_serve_the_seed_index` points the app
# at the seed index before any case runs.
APP = create_app(settings_for(Path("no-index-until-the-fixture-runs")))

# CPython 3.11's ast.parse can fail deep in a stack ("SystemError: AST constructor
# recursion depth mismatch"), and Hypothesis parses a module's source to describe its
# lambdas: it hit schemathesis's strategy module mid-test once in a CI run. Described
# here, at import and shallow, that source is parsed once into Hypothesis's cache.
for _check in json_strategies._TYPE_CHECKS.values():
    get_pretty_function_description(_check)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", APP, config=CONFIG)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,  # a documented limit (maxLength, maximum, enum) is enforced
]


def _check_error_shape(ctx: CheckContext, response: Response, case: Case) -> bool | None:
    """Every error from /api is `{"error": {"code": str, "message": str}}`, nothing else."""
    if response.status_code < 400:
        return None
    body = response.json()
    assert isinstance(body, dict) and set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error, dict) and set(error) == {"code", "message"}, body
    assert isinstance(error["code"], str) and error["code"], body
    assert isinstance(error["message"], str) and error["message"], body
    return True


@pytest.fixture(scope="module", autouse=True)
def _serve_the_seed_index(seed_index: Path) -> None:
    APP.config["BAOKU_SETTINGS"] = settings_for(seed_index)
    APP.extensions.pop("baoku_archive", None)


@pytest.fixture(scope="module")
def cases_run(request: pytest.FixtureRequest) -> Iterator[Counter[str]]:
    """Cases per operation, written to the terminal at the end: what the run covered."""
    counts: Counter[str] = Counter()
    yield counts
    fuzzed = {label: n for label, n in sorted(counts.items()) if label != "real query"}
    summary = (
        f"contract: {sum(fuzzed.values())} fuzzed cases {fuzzed}, "
        f"{counts['real query']} real-query cases"
    )
    plugins = request.config.pluginmanager
    reporter, capture = plugins.get_plugin("terminalreporter"), plugins.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():  # shown without -s, like a test's name
            reporter.write(f"\n{summary}\n")
    assert counts, "no contract case ran"


@schema.parametrize()
def test_api_keeps_its_published_contract(case: Case, cases_run: Counter[str]) -> None:
    """No 5xx, only documented statuses and content types, bodies as described, errors in
    the one documented shape: what a client written from /api/openapi.json relies on."""
    cases_run[case.operation.label] += 1
    response = case.call()
    case.validate_response(response, checks=CHECKS, additional_checks=[_check_error_shape])


@pytest.mark.parametrize("query", QUERIES)
def test_real_queries_keep_the_contract(query: str, cases_run: Counter[str]) -> None:
    """Answers with hits (snippets, facets, marked articles, exports) match the spec too;
    random fuzzing alone seldom finds a hit in the seed page."""
    article = f"{SEED_PAGE.stem}-01"
    requests: list[tuple[str, dict[str, object], dict[str, str]]] = [
        ("/api/search", {"q": query}, {}),
        ("/api/search", {"q": query, "group": "paragraph", "sort": "date", "size": 100}, {}),
        ("/api/export", {"q": query, "format": "jsonl"}, {}),
        ("/api/export", {"q": query}, {}),
        ("/api/articles/{article_id}", {"q": query}, {"article_id": article}),
        ("/api/suggest", {"q": query[:2]}, {}),
    ]
    for path, params, path_parameters in requests:
        case = schema[path]["GET"].Case(query=params, path_parameters=path_parameters)
        cases_run["real query"] += 1
        case.call_and_validate(checks=CHECKS, additional_checks=[_check_error_shape])


def test_an_empty_parameter_is_refused_or_documented() -> None:
    """`?size=` is either a 400 or declared `allowEmptyValue`: a client generated from the
    spec must be able to tell what an empty field means."""
    client = APP.test_client()
    undocumented = []
    for path, item in schema.raw_schema["paths"].items():
        for parameter in item["get"].get("parameters", []):
            if parameter["in"] != "query" or parameter["schema"].keys() <= {"type", "maxLength"}:
                continue  # a free string may be empty
            with client.get(path, query_string={"q": "郑州", parameter["name"]: ""}) as response:
                if response.status_code < 400 and not parameter.get("allowEmptyValue"):
                    undocumented.append(f"{path}?{parameter['name']}=")
    assert undocumented == []
