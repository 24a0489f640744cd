"""What a journalist notices, asserted once and run on every engine (Wagtail's `BackendTests`).

tests/test_backends.py subclasses `BackendTests` once per engine; each
subclass provides the `engine` fixture (support.Engine). Matching rules, the
query language, grouping, ranking, facets, export, articles, suggestions,
incremental imports and errors must hold on the embedded index and on the
cluster alike; scores may differ, orders a user sees may not.
"""

from __future__ import annotations

import datetime
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from grammar_model import Doc, expected, query_case, write_fixture
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from support import CORPUS_DIR, SEED_PAGE, SEEDS_DIR, Engine, SearchFn, ids, write_jsonl

from search.backends import ArchiveReader, backend_for
from search.cli import cli
from search.config import Settings
from search.errors import ArticleNotFound, QuerySyntaxError
from search.ingest.jsonl import Line, read_jsonl
from search.ingest.pipeline import import_paths
from search.limits import FACET_VALUES
from search.models import Article
from search.newsroom.completions import completions
from search.newsroom.hints import NO_HINTS, search_with_hints
from search.newsroom.related import related
from search.query.aliases import alias_table
from search.query.request import SearchRequest
from search.text.analysed import analyse
from search.text.analysis import normalize
from search.web import create_app

FILLER = "会议强调,要坚持稳中求进工作总基调,推动经济持续回升向好。"
RANKED = [
    # Mentions the query many times in the body, not in the title.
    {
        "id": "body",
        "title": "城市建设综述",
        "paragraphs": ["港口经济港口经济港口经济,港口经济带动发展。" + FILLER] * 3,
    },
    # The headline the journalist remembers; one body mention.
    {"id": "headline", "title": "港口经济迎来新机遇", "paragraphs": [FILLER, FILLER]},
    # 铁军 as a word vs only inside 钢铁军团 (substring, not a word); not 环卫铁军,
    # which the shipped dictionary makes one word.
    {"id": "word", "title": "甲", "paragraphs": ["这支铁军奋战一线。" + FILLER]},
    {"id": "fragment", "title": "乙", "paragraphs": ["钢铁军团奋战一线。" + FILLER]},
    # Both terms together in one paragraph vs scattered over two.
    {"id": "together", "title": "丙", "paragraphs": ["郑州港区发展物流。", FILLER]},
    {"id": "scattered", "title": "丁", "paragraphs": ["郑州发展。", "港区物流。"]},
    # The same sentence in the lead (what the story is about) vs further down.
    {"id": "later", "title": "己", "paragraphs": [FILLER, "三峡大坝开始蓄水。" + FILLER]},
    {"id": "lead", "title": "戊", "paragraphs": ["三峡大坝开始蓄水。" + FILLER, FILLER]},
]
DATED = [
    {"id": "jan", "date": "2024-01-15", "title": "一月", "paragraphs": ["港口建设。"]},
    {"id": "mar", "date": "2024-03-31", "title": "三月", "paragraphs": ["港口扩建。"]},
    {"id": "may", "date": "2024-05-01", "title": "五月", "paragraphs": ["港口开放。"]},
    {"id": "none", "title": "无日期", "paragraphs": ["港口。"]},
]
FACETED = [
    {
        "id": f"f{n}",
        "date": f"2024-0{1 + n % 3}-1{n % 9}",
        "section": "要闻" if n % 2 else "经济",
        "authors": ["张立", "李莉"] if n % 5 == 0 else ["李莉"],
        "title": f"港口{n}",
        "paragraphs": ["港口建设。", "码头。"] if n % 4 else ["港口建设。"],
    }
    for n in range(30)
]
# Names and places to misspell: homophone typos and pinyin must lead back to them.
MISSPELT = [
    *(
        {
            "id": f"zhu{n}",
            "date": f"1998-03-0{n + 1}",
            "title": f"朱镕基会见外宾{n}",
            "paragraphs": [
                f"国务院总理朱镕基今天在北京会见了来访的客人{n}。",
                "双方就金融改革交换了意见。",
            ],
        }
        for n in range(3)
    ),
    {
        "id": "jiang",
        "date": "1998-01-01",
        "title": "江泽民发表新年讲话",
        "paragraphs": ["国家主席江泽民发表新年讲话。"],
    },
    {
        "id": "xiongan",
        "date": "2017-04-01",
        "title": "雄安新区设立",
        "paragraphs": ["中共中央、国务院决定设立河北雄安新区。", "雄安新区规划建设。"],
    },
]


NAMED_ARTICLES = 300
XINHUA = [
    {"id": "xinhua-short", "title": "港澳新闻", "paragraphs": ["新华社发布消息，全文如下。"]},
    {"id": "xinhua-full", "title": "港澳新闻", "paragraphs": ["新华通讯社发布消息，全文如下。"]},
    {
        "id": "xinhua-both",
        "title": "港澳新闻",
        "paragraphs": ["新华通讯社发布消息。", "新华社随后播发全文。"],
    },
]


@dataclass(frozen=True)
class Named:
    """An archive of real articles, and each article's entities as the import found them."""

    search: SearchFn
    articles: list[Article]

    def mentioning(self, kind: str, name: str) -> set[str]:
        return {
            a.id
            for a in self.articles
            if any(m.kind == kind and m.name == name for m in a.mentions)
        }

    def facet(self, kind: str, matching: set[str]) -> tuple[tuple[str, int], ...]:
        """The top names of `kind` over the `matching` articles, counted by brute force,
        aliases merged under their group's first name."""
        canonical = alias_table(None).canonical
        counts: Counter[str] = Counter()
        for article in self.articles:
            if article.id in matching:
                counts.update(
                    {canonical.get(m.name, m.name) for m in article.mentions if m.kind == kind}
                )
        return tuple(sorted(counts.items(), key=lambda p: (-p[1], p[0]))[:FACET_VALUES])


def _text(article: Article) -> str:
    return " ".join([article.title, *article.authors, *(p.text for p in article.paragraphs)])


# Queries as journalists type them (docs/query.md) and the articles each must find.
TYPED_RECORDS = [
    {"id": "hk98", "date": "1998-07-01", "title": "香港回归一周年", "paragraphs": ["庆祝活动。"]},
    {"id": "mo98", "date": "1998-12-20", "title": "澳门回归筹备", "paragraphs": ["筹备工作。"]},
    {"id": "hk22", "date": "2022-07-01", "title": "香港回归二十五周年", "paragraphs": ["庆祝。"]},
    {"id": "zhu", "date": "1998-03-01", "title": "朱镕基谈金融改革", "paragraphs": ["金融安全。"]},
    {"id": "zhu2", "date": "1998-03-02", "title": "朱镕基考察农村", "paragraphs": ["考察。"]},
    {"id": "soe", "date": "1998-05-01", "title": "国企改革三年脱困", "paragraphs": ["国企。"]},
]
TYPED = [
    ("香港 or 澳门", {"hk98", "mo98", "hk22"}),  # lower-case operator
    ("香港 ＯＲ 澳门", {"hk98", "mo98", "hk22"}),  # full width
    ("香港 OR 澳门 date:1998", {"hk98", "mo98"}),  # a filter restricts the whole query
    ("date:1998 香港 OR 澳门", {"hk98", "mo98"}),  # wherever it stands
    ("朱镕基，金融", {"zhu"}),  # Chinese separators are spaces
    ("朱镕基、金融", {"zhu"}),
    ("朱镕基\u3000金融", {"zhu"}),  # an ideographic space
    ("国企*", {"soe"}),  # a trailing * is a prefix: the same as 国企
    ("香港 not 二十五", {"hk98"}),  # lower-case NOT
]


def _archive(engine: Engine, folder: Path, records: list[dict]) -> Settings:
    write_jsonl(folder / "records.jsonl", records)
    return engine.build([folder / "records.jsonl"], folder)


class BackendTests:
    """Subclasses provide `engine` (class scope)."""

    @pytest.fixture(scope="class")
    @classmethod
    def seed(cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Settings:
        return engine.build([SEEDS_DIR], tmp_path_factory.mktemp("seed"))

    @pytest.fixture(scope="class")
    @classmethod
    def seed_search(cls, engine: Engine, seed: Settings) -> SearchFn:
        return engine.search(seed)

    @pytest.fixture(scope="class")
    @classmethod
    def ranked(cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> SearchFn:
        return engine.search(_archive(engine, tmp_path_factory.mktemp("ranked"), RANKED))

    @pytest.fixture(scope="class")
    @classmethod
    def dated(cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> SearchFn:
        return engine.search(_archive(engine, tmp_path_factory.mktemp("dated"), DATED))

    @pytest.fixture(scope="class")
    @classmethod
    def misspelt(cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> ArchiveReader:
        return engine.reader(_archive(engine, tmp_path_factory.mktemp("misspelt"), MISSPELT))

    @pytest.fixture(scope="class")
    @classmethod
    def faceted(cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> SearchFn:
        return engine.search(_archive(engine, tmp_path_factory.mktemp("faceted"), FACETED))

    @pytest.fixture(scope="class")
    @classmethod
    def grammar(
        cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory
    ) -> tuple[ArchiveReader, list[Doc]]:
        """230 articles of every source, and the model's view of them."""
        path, docs = write_fixture(tmp_path_factory.mktemp("grammar"))
        return engine.reader(engine.build([path], path.parent)), docs

    # -- the query language: what a journalist types means what docs/query.md says ------

    # No shrinking: a failing query is noted whole, and shrinking through the dropped-in
    # filters took minutes. Each engine's class runs this one method (hence differing
    # executors); derandomized and without a database, nothing is replayed across them.
    @settings(
        max_examples=150,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=[HealthCheck.differing_executors],
    )
    @given(data=st.data())
    def test_random_queries_find_what_the_written_grammar_says(
        self, grammar: tuple[ArchiveReader, list[Doc]], data: st.DataObject
    ) -> None:
        """Terms, phrases, OR/AND/NOT as typed (any case, full width, Chinese separators),
        parentheses, and filters dropped anywhere: the engine returns exactly the articles
        a scan finds for the terms' tree ANDed with every filter."""
        archive, docs = grammar
        typed, tree, filters = data.draw(query_case(docs))
        note(f"query = {typed!r}")
        found = archive.article_ids(SearchRequest(typed, aliases=False))
        want = expected(docs, tree, filters)
        assert found == want, (typed, sorted(found - want)[:3], sorted(want - found)[:3])

    # -- matching: what is typed is found as written ------------------------------------

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("铜", ["01"]),  # a single character
            ("郑好融", ["05"]),  # a coinage jieba would split
            ("47.6亿元", ["02"]),  # a number with unit
            ("4S店", ["06"]),
            ("4s店", ["06"]),  # Latin case
            ("1136", ["01"]),
            ("小微企业园", ["01"]),  # jieba splits it differently in context
            ("无废细胞", ["06"]),
            ("無廢城市", ["06"]),  # traditional input
            ("４Ｓ店", ["06"]),  # full-width input
            ("４７.６亿元", ["02"]),
            ("张立", ["01"]),  # an author name, also in the byline
            ("程艺涵", ["03"]),  # 通讯员 count as authors
        ],
    )
    def test_bare_term_is_a_substring_search(self, seed_search, query, expected):
        assert sorted(ids(seed_search(query))) == expected

    def test_cross_word_substring_finds_both_articles(self, seed_search):
        # 州公 only exists across a word boundary (郑州|公用).
        assert sorted(ids(seed_search("州公"))) == ["06", "07"]

    def test_terms_are_anded_anywhere_in_the_article(self, seed_search):
        # 恒天铜业 and 小微企业园 are in different paragraphs of article 01.
        assert ids(seed_search("恒天铜业 小微企业园")) == ["01"]
        assert ids(seed_search("恒天铜业 郑好融")) == []

    def test_paragraph_group_needs_all_terms_in_one_paragraph(self, seed_search):
        assert seed_search("恒天铜业 小微企业园", group="paragraph").total == 0
        result = seed_search("恒天铜业 铜导线", group="paragraph")
        assert [(h.article_id[-2:], h.paragraph) for h in result.hits] == [("01", 3)]

    def test_phrase_never_crosses_paragraphs(self, seed_search):
        # Paragraph 0 of article 01 ends with 稳中向好。 and paragraph 1 starts with 今年以来.
        assert seed_search('"稳中向好。今年以来"').total == 0
        assert seed_search('"稳中向好 稳中有升"').total == 0  # the text has 、 between them
        assert ids(seed_search('"稳中向好、稳中有升"')) == ["02"]

    def test_phrase_matches_across_the_rejoined_column_break(self, seed_search):
        assert ids(seed_search('"开展实践学习"')) == ["07"]

    def test_near_within_n_characters(self, seed_search):
        # …彩虹桥环卫综合场站特色党建阵地: 6 characters between 环卫 and 党建.
        assert seed_search('"环卫 党建"~5', group="paragraph").total == 0
        near = seed_search('"党建 环卫"~6', group="paragraph")
        assert (near.hits[0].article_id[-2:], near.hits[0].paragraph) in {("07", 6), ("06", 7)}
        assert ids(seed_search('"公用 郑州"~0')) != []  # either order

    def test_or_not_and_parentheses(self, seed_search):
        assert sorted(ids(seed_search("新郑市 OR 荥阳市"))) == ["01", "02", "04"]
        assert sorted(ids(seed_search("新郑市 NOT 园区"))) == ["02"]
        assert sorted(ids(seed_search("新郑市 -园区"))) == ["02"]
        assert sorted(ids(seed_search("(新密 OR 荥阳) 十五五"))) == ["03", "04"]

    def test_fields(self, seed_search):
        assert sorted(ids(seed_search("title:郑州"))) == ["05", "07"]  # 07: its subtitle
        assert ids(seed_search("author:董艳竹")) == ["05"]
        assert ids(seed_search("author:郑好融")) == []
        assert seed_search("section:经济工作会议").total == 6

    @pytest.mark.parametrize(
        "query", ["", "   ", "OR", "NOT 郑州", "title:", "date:2024-13", "date:x"]
    )
    def test_bad_queries_raise_one_clear_error(self, seed_search, query):
        with pytest.raises(QuerySyntaxError):
            seed_search(query)

    @pytest.fixture(scope="class")
    @classmethod
    def typed(cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Settings:
        return _archive(engine, tmp_path_factory.mktemp("typed"), TYPED_RECORDS)

    @pytest.mark.parametrize(("query", "want"), TYPED, ids=[q for q, _ in TYPED])
    def test_queries_as_typed_find_the_same_through_cli_api_and_page(self, typed, query, want):
        """Each form finds exactly its articles in `baoku search --json`, /api/search and
        the search page's count, on this engine."""
        client = create_app(typed).test_client()
        api = client.get("/api/search", query_string={"q": query, "size": 100}).get_json()
        assert {h["article_id"] for h in api["hits"]} == want
        env = {
            "BAOKU_BACKEND": typed.backend,
            "BAOKU_OPENSEARCH_HOSTS": typed.opensearch_hosts,
            "BAOKU_OPENSEARCH_INDEX": typed.opensearch_index,
        }
        args = ["--index", str(typed.index_dir), "search", query, "--json", "--limit", "100"]
        out = CliRunner().invoke(cli, args, env=env)
        assert out.exit_code == 0, out.output
        assert {h["article_id"] for h in json.loads(out.output)["hits"]} == want
        page = client.get("/", query_string={"q": query}).get_data(as_text=True)
        assert f"共 {len(want)} 篇" in page

    @pytest.mark.parametrize("query", ['"郑好融', "郑好融)", "((郑好融", "郑好融 OR", "AND 郑好融"])
    def test_untidy_queries_are_answered(self, seed_search, query):
        assert ids(seed_search(query)) == ["05"]

    def test_date_ranges_in_query_and_options(self, dated):
        assert sorted(ids(dated("港口 date:2024-01..2024-03"))) == ["jan", "mar"]
        assert sorted(ids(dated("港口 date:2024-05"))) == ["may"]
        assert sorted(ids(dated("港口 date:..2024-02"))) == ["jan"]
        ranged = dated(
            "港口", date_from=datetime.date(2024, 3, 1), date_to=datetime.date(2024, 12, 31)
        )
        assert sorted(ids(ranged)) == ["mar", "may"]

    def test_sort_by_date_newest_first_undated_last(self, dated):
        assert ids(dated("港口", sort="date")) == ["may", "mar", "jan", "none"]

    def test_sort_oldest_first_undated_last(self, dated):
        assert ids(dated("港口", sort="oldest")) == ["jan", "mar", "may", "none"]

    # -- 你是不是要找 and why nothing was found ---------------------------------------------

    @pytest.mark.parametrize(
        ("typed", "meant", "articles"),
        [
            ("朱熔基", "朱镕基", 3),  # 熔 for 镕: both read rong
            ("江泽明", "江泽民", 1),  # -ng for -n
            ("zhurongji", "朱镕基", 3),  # pinyin
            ("zhu rong ji", "朱镕基", 3),  # pinyin, one term a syllable
            ("xionganxinqu", "雄安新区", 1),  # pinyin of two archive words
            ("朱熔基 金融", "朱镕基 金融", 3),  # the other terms are kept
        ],
    )
    def test_misspelt_names_get_suggestions_from_the_archive(
        self, misspelt, typed, meant, articles
    ):
        request = SearchRequest(typed)
        result, found = search_with_hints(misspelt, request)
        assert result.total == 0
        assert found.suggestions[0].query == meant
        assert found.suggestions[0].articles == articles

    def test_a_query_that_finds_enough_gets_no_suggestion(self, misspelt):
        result, found = search_with_hints(misspelt, SearchRequest("朱镕基"))
        assert result.total == 3 and found == NO_HINTS

    def test_zero_hits_say_which_term_is_not_in_the_archive(self, misspelt):
        _, found = search_with_hints(misspelt, SearchRequest("朱熔基 金融"))
        assert found.not_found == ("“朱熔基”在档案中没有出现",)

    def test_zero_hits_say_which_part_to_drop_when_each_finds_something(self, misspelt):
        request = SearchRequest("江泽民 date:1998-03", section=None)
        _, found = search_with_hints(misspelt, request)
        assert found.not_found[0] == "每一部分单独都有结果，但没有文章同时满足全部条件"
        assert "去掉「日期 1998-03-01 至 1998-03-31」有 1 篇" in found.not_found

    @pytest.mark.parametrize(
        "query", ["港口 OR 码头", "(港口 新闻) OR 码头", "港口 OR (码头 新闻)"]
    )
    def test_top_level_or_with_a_full_page_counts_every_article(self, engine, tmp_path, query):
        records = [
            {
                "id": f"m{n}",
                "title": f"第{n}号",
                "paragraphs": [f"港口新闻{n}。" * (1 + n % 7), "码头。"],
            }
            for n in range(120)
        ]
        search = engine.search(_archive(engine, tmp_path, records))
        assert search(query, size=1).total == 120
        assert len(search(query, size=200).hits) == 120

    # -- ranking: the order a journalist notices ----------------------------------------

    def test_title_match_ranks_first(self, ranked):
        assert ids(ranked("港口经济"))[0] == "headline"

    def test_whole_word_ranks_above_substring(self, ranked):
        assert ids(ranked("铁军")) == ["word", "fragment"]

    def test_terms_together_rank_above_scattered(self, ranked):
        assert ids(ranked("郑州 港区 物流")) == ["together", "scattered"]

    def test_a_match_in_the_lead_ranks_above_one_further_down(self, ranked):
        assert ids(ranked("蓄水")) == ["lead", "later"]

    def test_a_date_range_keeps_the_title_tier(self, ranked):
        assert ids(ranked("港口 经济", date_to=datetime.date(2099, 1, 1))) == []  # undated
        assert ids(ranked("港口 经济"))[0] == "headline"

    def test_title_match_first_on_the_seed(self, seed_search):
        assert ids(seed_search("融资 信用"))[0] == "05"
        assert ids(seed_search("无废细胞"))[0] == "06"

    # -- hits, facets, export, articles, suggestions ------------------------------------

    def test_hits_show_the_best_paragraph_and_count_matching_ones(self, seed_search):
        (hit,) = seed_search("郑好融").hits
        assert (hit.paragraph, hit.matches) == (1, 4)
        assert hit.title == "郑州市强化融资信用服务平台建设" and hit.authors == ("董艳竹",)
        assert hit.snippet.marks and "郑好融" in hit.snippet.text

    def test_paging_is_exact_and_stable(self, faceted):
        first = faceted("港口", size=7)
        pages = [faceted("港口", size=7, page=n).hits for n in range(1, 6)]
        seen = [h.article_id for page in pages for h in page]
        assert first.total == 30 and len(seen) == 30 and len(set(seen)) == 30

    def test_facets_count_the_whole_result_set(self, faceted):
        facets = faceted("港口", size=1, facets=True).facets
        assert facets is not None
        assert dict(facets.sections) == {"要闻": 15, "经济": 15}
        assert dict(facets.authors) == {"李莉": 30, "张立": 6}
        assert facets.months == (("2024-01", 10), ("2024-02", 10), ("2024-03", 10))
        paragraphs = faceted("码头", group="paragraph", facets=True)
        assert paragraphs.total == 22 and paragraphs.facets is not None
        assert sum(n for _, n in paragraphs.facets.sections) == 22  # articles, not units

    def test_facet_values_filter_exactly(self, faceted):
        assert faceted("港口", section="要闻").total == 15
        by_author = faceted("港口", author="张立", facets=True)
        assert by_author.total == 6 and by_author.facets is not None
        assert {name for name, _ in by_author.facets.authors} == {"张立", "李莉"}

    def test_export_lists_every_hit_in_rank_order(self, engine, seed):
        reader = engine.reader(seed)
        request = SearchRequest(query="郑州", size=3)
        exported = [h.article_id for h in reader.export(request, 1000)]
        ranked = [h.article_id for h in reader.search(SearchRequest("郑州", size=100)).hits]
        assert exported == ranked and len(exported) == reader.search(request).total
        assert [h.article_id for h in reader.export(request, 2)] == ranked[:2]

    def test_article_ids_lists_exactly_the_matches(self, engine, seed):
        reader = engine.reader(seed)
        for query in ("州公", "郑州 OR 新郑", "铁军 -郑好融"):
            result = reader.search(SearchRequest(query=query, size=100))
            assert reader.article_ids(SearchRequest(query=query)) == {
                h.article_id for h in result.hits
            }

    def test_article_view_and_missing_article(self, engine, seed):
        reader = engine.reader(seed)
        article = reader.article(f"{SEED_PAGE.stem}-05")
        assert article.title == "郑州市强化融资信用服务平台建设"
        assert article.authors == ("董艳竹",) and len(article.paragraphs) > 4
        with pytest.raises(ArticleNotFound):
            reader.article("no-such-article")

    def test_count_is_the_total_a_search_gives(self, engine, seed):
        reader = engine.reader(seed)
        for request in (
            SearchRequest("郑州"),
            SearchRequest("郑州", group="paragraph"),
            SearchRequest("港口 OR 物流", author="董艳竹"),
            SearchRequest("㐀㐀㐀"),
        ):
            assert reader.count(request) == reader.search(request).total, request

    def test_suggest_completes_names_and_words(self, engine, seed):
        reader = engine.reader(seed)
        assert "董艳竹" in completions(reader, "董")
        words = completions(reader, "郑州")
        assert words and all(w.startswith("郑州") for w in words)
        assert completions(reader, "") == [] and completions(reader, "㐀㐀㐀") == []

    def test_stats_count_articles_and_paragraphs(self, engine, seed):
        stats = engine.reader(seed).stats()
        assert (stats.articles, stats.files) == (7, 1) and stats.paragraphs > 40

    # -- imports: incremental, never a duplicate ----------------------------------------

    def test_reimports_replace_and_never_duplicate(self, engine, tmp_path):
        records = [
            {"id": "a", "title": "甲文", "paragraphs": ["第一段。", "第二段。"]},
            {"id": "b", "title": "乙文", "paragraphs": ["旧的正文。"]},
            {"id": "c", "title": "丙文", "paragraphs": ["将被删去。"]},
        ]
        feed = write_jsonl(tmp_path / "feed.jsonl", records)
        settings = engine.settings(tmp_path)
        writer = backend_for(settings).writer()
        assert import_paths(writer, [feed]).articles == 3
        assert import_paths(writer, [feed]).unchanged == 1  # nothing re-read
        edited = [records[0], {**records[1], "paragraphs": ["新的正文。", "多一段。"]}]
        write_jsonl(feed, [*edited, {"id": "d", "title": "丁文", "paragraphs": ["新来的。"]}])
        report = import_paths(writer, [feed])
        assert (report.articles, report.paragraphs) == (2, 3)  # b and d only
        search = engine.search(settings)
        assert sorted(h.title for h in search("title:文", size=100).hits) == [
            "丁文",
            "乙文",
            "甲文",
        ]
        assert search("旧的正文").total == search("将被删去").total == 0
        assert search("新的正文").total == 1
        assert writer.remove(ids=["a"]) == 1 and search("甲文").total == 0
        assert engine.reader(settings).stats().articles == 2

    def test_a_story_jumping_between_pages_is_one_article(self, engine, tmp_path):
        """Page 1 alone, then page 2 in a later import: one article with both parts,
        found by either part's words; editing page 2's jump away parts them again."""
        head = "人民日报 2024年12月31日 星期二 第{}版\n\n"
        first = tmp_path / "p1.txt"
        first.write_text(
            head.format(1) + "### 港口扩建\n\n本报记者 张建文\n\n港口扩建开工。（下转第二版）\n",
            "utf-8",
        )
        rest = tmp_path / "p2.txt"
        rest.write_text(
            head.format(2) + "### 港口扩建\n\n（上接第一版）\n\n码头明年投用。（李四）\n\n"
            "### 另一篇\n\n正文。\n",
            "utf-8",
        )
        settings = engine.settings(tmp_path)
        writer = backend_for(settings).writer()
        import_paths(writer, [first])
        import_paths(writer, [first, rest])
        search = engine.search(settings)
        assert ids(search("码头明年投用")) == ids(search("港口扩建开工")) == ["p1-01"]
        article = engine.reader(settings).article("p1-01")
        assert [p.text for p in article.paragraphs] == ["港口扩建开工。", "码头明年投用。（李四）"]
        assert (article.page, article.continued_on, article.continuation_at) == ("1", "2", 1)
        assert article.authors == ("张建文", "李四")
        assert engine.reader(settings).stats().articles == 2  # p1-01 and p2-02
        rest.write_text(rest.read_text("utf-8").replace("（上接第一版）", ""), "utf-8")
        import_paths(writer, [first, rest])
        assert ids(search("码头明年投用")) == ["p2-01"]
        assert engine.reader(settings).article("p1-01").continuation_at is None

    def test_calendar_and_days_count_every_dated_article(self, engine, tmp_path):
        """Articles per (day, paper) equal a count over the records; a day lists exactly its
        articles; a paper without `paper` is browsed under its source."""
        records: list[dict[str, Any]] = [
            {
                "id": f"r{n:02d}",
                "date": f"2024-01-0{1 + n % 3}",
                "title": f"标题{n}",
                "paragraphs": ["正文。"],
                **({"paper": "晚报" if n % 2 else "日报", "page": str(1 + n % 4)} if n % 5 else {}),
                "source": "export",
            }
            for n in range(20)
        ] + [{"id": "undated", "title": "无日期", "paragraphs": ["正文。"]}]
        settings = _archive(engine, tmp_path, records)
        reader = engine.reader(settings)
        expected = Counter(
            (datetime.date.fromisoformat(r["date"]), r.get("paper", "export"))
            for r in records
            if r.get("date")
        )
        assert {(c.date, c.paper): c.articles for c in reader.calendar()} == expected
        day = datetime.date(2024, 1, 2)
        wanted = {r["id"] for r in records if r.get("date") == day.isoformat()}
        assert {a.id for a in reader.day(day)} == wanted
        of_paper = {a.id for a in reader.day(day, "晚报")}
        assert of_paper == {
            r["id"] for r in records if r["id"] in wanted and r.get("paper") == "晚报"
        }
        assert reader.day(datetime.date(2023, 12, 31)) == ()

    def test_imported_since_keeps_later_imports(self, engine, tmp_path):
        """Each import stamps its articles (to the second, UTC): `imported_since` at a
        stamp keeps that import, a second later drops it."""
        settings = engine.settings(tmp_path)
        writer = backend_for(settings).writer()
        first = write_jsonl(
            tmp_path / "first.jsonl", [{"id": "a", "title": "港口甲", "paragraphs": ["港口。"]}]
        )
        import_paths(writer, [first])
        second = write_jsonl(
            tmp_path / "second.jsonl", [{"id": "b", "title": "港口乙", "paragraphs": ["港口。"]}]
        )
        import_paths(writer, [second])
        reader = engine.reader(settings)
        stamps = {i: reader.article(i).imported for i in ("a", "b")}
        assert all(stamps.values()) and stamps["a"] <= stamps["b"]
        since = datetime.datetime.fromisoformat(stamps["b"])
        search = engine.search(settings)
        found = set(ids(search("港口", imported_since=since)))
        assert "b" in found and found <= {"a", "b"}
        assert search("港口", imported_since=since + datetime.timedelta(seconds=1)).total == 0
        assert (
            search("港口", imported_since=datetime.datetime.fromisoformat(stamps["a"])).total == 2
        )

    def test_related_finds_the_near_duplicate_first_never_itself_or_a_copy(self, engine, tmp_path):
        """相关报道: more-like-this over the article's distinctive words; the article and an
        exact copy (another id) are left out; the lightly edited version ranks first."""
        story = [
            "郑州港区新建冷链物流园，引进冷库和冷链运输车队。",
            "冷链物流园将服务航空港区的生鲜进出口，冷库容量达十万吨。",
        ]
        filler = [f"会议强调稳中求进，推动经济回升向好。第{n}次会议召开。" for n in range(12)]
        title = "港区冷链物流园开工"
        records = [
            {"id": "story", "date": "2024-03-01", "title": title, "paragraphs": story},
            {"id": "copy", "date": "2024-03-01", "title": title, "paragraphs": story},
            {"id": "edited", "date": "2024-03-02", "title": "港区冷链物流园开工建设",
             "paragraphs": [story[0], story[1].replace("十万吨", "12万吨")]},
            {"id": "follow", "date": "2024-01-15", "title": "冷链物流园规划公示",
             "paragraphs": ["航空港区冷链物流园规划公示，冷库选址确定。"]},
            *({"id": f"other{n}", "date": "2024-02-01", "title": f"会议{n}", "paragraphs": [t]}
              for n, t in enumerate(filler)),
        ]  # fmt: skip
        settings = _archive(engine, tmp_path, records)
        reader = engine.reader(settings)
        found = related(reader, reader.article("story"))
        listed = [h.article_id for h in found.similar]
        assert listed[:2] == ["edited", "follow"], (listed, found.words)
        assert "story" not in listed and "copy" not in listed
        assert not any(i.startswith("other") for i in listed)
        assert "冷链" in found.words
        dates = [h.date for h in found.over_time if h.date]
        assert dates == sorted(dates) and len(dates) == len(found.over_time)
        assert {h.article_id for h in found.over_time} == set(listed)

    def test_a_term_matches_its_aliases_and_ranks_as_typed(self, engine, tmp_path):
        """进博会 finds 中国国际进口博览会 too: a title with either name is in the title tier;
        "quoted" or with aliases off, the term is literal."""
        records = [
            {"id": "short", "title": "进博会开幕", "paragraphs": ["展商云集。"]},
            {"id": "full", "title": "中国国际进口博览会开幕", "paragraphs": ["展商云集。"]},
            {"id": "body", "title": "上海新闻", "paragraphs": ["中国国际进口博览会将开幕。" * 3]},
            {"id": "other", "title": "无关", "paragraphs": ["展商云集。"]},
        ]
        search = engine.search(_archive(engine, tmp_path, records))
        found = search("进博会")
        assert ids(found)[2:] == ["body"] and set(ids(found)[:2]) == {"short", "full"}
        body = next(h for h in found.hits if h.article_id == "body")
        assert len(body.snippet.marks) == 3  # the other name is what the snippet marks
        assert ids(search('"进博会"')) == ["short"]
        assert ids(search("进博会", aliases=False)) == ["short"]
        assert set(ids(search("中国国际进口博览会"))) == {"short", "full", "body"}
        assert set(ids(search("进博会 展商"))) == {"short", "full"}

    # -- who and where: entity filters and facets ------------------------------------------

    @pytest.fixture(scope="class")
    @classmethod
    def named(cls, engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Named:
        """Real articles (the first of People's Daily 1998) and three that name 新华社 by
        its short name, its full name, or both (one alias group)."""
        folder = tmp_path_factory.mktemp("named")
        lines = (CORPUS_DIR / "pd1998.jsonl").read_text("utf-8").splitlines()[:NAMED_ARTICLES]
        records = [json.loads(line) for line in lines] + XINHUA
        settings = _archive(engine, folder, records)
        articles = [
            analyse(line.item).article
            for line in read_jsonl(folder / "records.jsonl")
            if isinstance(line, Line) and isinstance(line.item, Article)
        ]
        return Named(engine.search(settings), articles)

    def test_an_entity_filter_finds_exactly_the_articles_that_mention_it(self, named):
        for kind, name in (("person", "江泽民"), ("place", "香港"), ("org", "国务院")):
            expected = named.mentioning(kind, name)
            assert len(expected) > 3, (kind, name)
            found = named.search(f"{kind}:{name}", size=1000)
            assert set(ids(found)) == expected and found.total == len(expected)
            by_param = named.search("中国", size=1000, **{kind: name})
            assert set(ids(by_param)) == set(ids(named.search(f"中国 {kind}:{name}", size=1000)))
            assert all(name in h.snippet.text for h in found.hits if h.paragraph >= 0)
        everything = {a.id for a in named.articles if "中国" in normalize(_text(a))}
        without = named.search("中国 -person:江泽民", size=1000)
        assert set(ids(without)) == everything - named.mentioning("person", "江泽民")
        units = named.search("person:江泽民", group="paragraph", size=1000)
        assert {h.article_id for h in units.hits} == named.mentioning("person", "江泽民")

    def test_entity_facets_count_every_matching_article(self, named):
        """Against a brute-force count over the same articles' extracted entities."""
        for query in ("中国", "person:江泽民"):
            found = named.search(query, size=1, facets=True)
            matching = set(ids(named.search(query, size=1000)))
            assert found.total == len(matching) and found.facets is not None
            for kind, counts in (
                ("person", found.facets.persons),
                ("place", found.facets.places),
                ("org", found.facets.orgs),
            ):
                assert counts == named.facet(kind, matching), (query, kind)

    def test_who_appears_with_someone(self, named):
        """The person facet of `person:X`: X in every article, then who appears with X."""
        found = named.search("person:江泽民", size=1, facets=True)
        assert found.facets is not None
        assert found.facets.persons[0] == ("江泽民", found.total)
        assert "邓小平" in dict(found.facets.persons)

    def test_an_entity_facet_merges_aliases_and_the_filter_takes_them_all(self, named):
        found = named.search("港澳 新闻", size=10, facets=True)
        assert found.facets is not None
        assert dict(found.facets.orgs)["新华通讯社"] == 3  # 新华社, the full name, both
        assert "新华社" not in dict(found.facets.orgs)
        assert set(ids(named.search("港澳 org:新华社"))) == {
            "xinhua-short",
            "xinhua-full",
            "xinhua-both",
        }
        assert set(ids(named.search('港澳 org:"新华社"'))) == {"xinhua-short", "xinhua-both"}

    def test_updated_is_the_last_commit_without_counting(self, engine, seed):
        """What a feed poll asks: the same time `stats` reports, by a cheaper path."""
        reader = engine.reader(seed)
        assert reader.updated() is not None and reader.updated() == reader.stats().updated
