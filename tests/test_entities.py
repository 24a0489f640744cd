"""Who and where an article names: `entities.extraction.extract` on realistic news sentences,
cut the way an import cuts them (normalise, then jieba)."""

from __future__ import annotations

from search.models import Mention
from search.text import analysis
from search.text.analysis import cut, normalize
from search.text.entities.extraction import extract


def mentions(*units: str, authors: tuple[str, ...] = ()) -> tuple[Mention, ...]:
    return extract([cut(normalize(unit)) for unit in units], [normalize(a) for a in authors])


def names(*units: str, kind: str, authors: tuple[str, ...] = ()) -> set[str]:
    return {m.name for m in mentions(*units, authors=authors) if m.kind == kind}


def test_titles_and_honorifics_are_not_part_of_a_name() -> None:
    people = names(
        "江泽民同志会见李鹏总理",
        "习近平总书记指出，张三先生和王丽女士也出席了会议。",
        kind="person",
    )
    assert people == {"江泽民", "李鹏", "习近平", "张三", "王丽"}


def test_a_surname_with_only_a_title_is_not_a_person() -> None:
    assert names("李总理说，会议开得很成功。", kind="person") == set()


def test_a_name_jieba_splits_is_one_person() -> None:
    # jieba cuts 柯文|哲 and 蒋|万安
    people = names(
        "台北市长柯文哲昨天表示，蒋万安的提案值得讨论。柯文哲说，他会遵守决议。", kind="person"
    )
    assert people == {"柯文哲", "蒋万安"}


def test_compound_surname() -> None:
    assert "司马南" in names("司马南表示赞同。", kind="person")


def test_foreign_names_as_written() -> None:
    people = names(
        "英国首相托尼·布莱尔访华",
        "俄罗斯总统普京会见美国前总统克林顿。巴基斯坦总统马姆努恩·侯赛因表示欢迎。布莱尔说，双方关系良好。",
        kind="person",
    )
    # the short form 布莱尔 counts towards the full name
    assert people == {"托尼·布莱尔", "普京", "克林顿", "马姆努恩·侯赛因"}


def test_places_inside_an_organisation_do_not_count() -> None:
    found = mentions("据中国环境监测总站公布，安徽大泽酒厂已被责令关停。")
    assert {m.name for m in found if m.kind == "org"} == {"中国环境监测总站", "安徽大泽酒厂"}
    assert {m.name for m in found if m.kind == "place"} == set()


def test_organisations_with_sub_units_and_inside_posts() -> None:
    orgs = names(
        "由中央电视台体育部和中国乒协共同主办。国务院总理李鹏出席，财政部长也到场。",
        kind="org",
    )
    assert orgs == {"中央电视台体育部", "中国乒协", "国务院", "财政部"}


def test_bylines_and_credits_are_not_mentions() -> None:
    found = mentions(
        "本报记者 张三",
        "新华社北京1月4日电（记者李四）会议由王五主持。",
        "会场布置一新。（新华社记者兰红光摄）",
        "通讯员赵六 责任编辑：钱七",
        "（张三）",
        authors=("张三",),
    )
    assert {m.name for m in found if m.kind == "person"} == {"王五"}
    assert {m.name for m in found if m.kind == "org"} == set()


def test_dateline_places_are_not_mentions_unless_the_body_names_them() -> None:
    assert names("本报蚌埠1月3日讯 淮河水质明显改善。", kind="place") == {"淮河"}
    assert names("新华社东京1月12日电 首相在东京会见客人。", kind="place") == {"东京"}


def test_surnames_that_are_everyday_words_start_no_person() -> None:
    """和, 于, 时 are surnames a glued byline is split at (data/byline_surnames.txt), never
    the start of a person in running text: 和友谊 is no one."""
    assert names("两国人民的了解和友谊不断加深。", kind="person") == set()


def test_one_character_short_forms_are_not_entities() -> None:
    assert mentions("中美两国代表在京举行会谈。") == ()


def test_counts_are_per_article_across_title_and_paragraphs() -> None:
    found = mentions("韩正赴江西调研", "韩正强调，江西要推动高质量发展。", "韩正前往南昌考察。")
    counts = {(m.kind, m.name): m.count for m in found}
    assert counts[("person", "韩正")] == 3
    assert counts[("place", "江西")] == 2
    assert counts[("place", "南昌")] == 1


def test_traditional_characters_are_normalised() -> None:
    found = mentions("臺北市長柯文哲說，國民黨團將提案。")
    assert {(m.kind, m.name) for m in found} == {
        ("person", "柯文哲"),
        ("place", "台北市"),
        ("org", "国民党团"),
    }


def test_kinds_and_order_of_the_result() -> None:
    found = mentions(
        "国务院总理李克强在北京会见美国客人。李克强说，中美合作前景广阔。美国客人表示赞同。",
        "国务院常务会议确定，北京、上海和美国客商加强合作。",
    )
    kinds = [m.kind for m in found]
    assert kinds == sorted(kinds, key=("person", "place", "org").index)
    places = [m for m in found if m.kind == "place"]
    assert [(m.name, m.count) for m in places] == [("美国", 3), ("北京", 2), ("上海", 1)]
    assert found[0] == Mention("person", "李克强", 2)
    assert found[-1] == Mention("org", "国务院", 2)


def test_the_user_dictionary_tags_names_too(tmp_path) -> None:
    """A newsroom's user dictionary (`蓝天救援 5 nt`) makes its words entities of that kind."""
    words = tmp_path / "user.txt"
    words.write_text("蓝天救援 5 nt\n", "utf-8")
    assert names("蓝天救援赶赴灾区。", kind="org") == set()
    try:
        analysis.configure(None, words)
        assert names("蓝天救援赶赴灾区。", kind="org") == {"蓝天救援"}
    finally:
        analysis.configure(None, None)


def test_a_bracketed_sentence_at_the_end_is_text_not_a_credit() -> None:
    """A closing （…） is a credit only when it holds names (or one short run); a bracketed
    sentence keeps its entities. (Splitting such a sentence into would-be names once took
    minutes for one 新闻联播 article.)"""
    found = mentions(
        "中国驻旧金山总领事馆网站今天发布消息说，正门严重损毁。（中国驻旧金山总领事馆发言人说，"
        "这起纵火案针对中国驻美领事机构，是一起恶性破坏事件，中方已向美方提出交涉）"
    )
    assert ("org", "中国驻旧金山总领事馆", 2) in {(m.kind, m.name, m.count) for m in found}
    assert names("会议开得很成功。（陈晓红夏同杰）", kind="person") == set()
