"""The page parser on the seed page: a real scrape with real layout damage."""

from __future__ import annotations

import pytest
from support import SEED_PAGE

from search.ingest.pages import PageFormatError, parse_page


@pytest.fixture(scope="module")
def articles():
    return parse_page(SEED_PAGE.read_text("utf-8"), str(SEED_PAGE))


def test_article_boundaries(articles):
    assert [a.title for a in articles] == [
        "新郑市：建园区引增量扩存量强工业",
        "中原区：坚定“产业兴区”战略 深化“八大工程”",
        "新密市：继续锚定打造“三区两强一基地”",
        "荥阳市：加快建设现代化高品质中等城市",
        "郑州市强化融资信用服务平台建设",
        "全市年底择优命名“无废细胞”约700个",
        "铸魂环卫铁军 跑出公用应急“加速度”",
    ]
    assert len({a.id for a in articles}) == 7


def test_sections_and_feature(articles):
    banner = "贯彻落实市委十二届七次全会暨市委经济工作会议精神"
    assert all(a.section == banner for a in articles[:6])
    feature = articles[6]
    assert feature.section is None
    assert feature.subtitle == "郑州公用集团基层党建“书记项目”为城市应急增添新动能"
    subheads = [p.text for p in feature.paragraphs if p.kind == "subhead"]
    assert subheads == [
        "立项推进 环卫铁军树立标杆",
        "“一核”铸魂 党建引领成果显著",
        "“两翼”共振 队伍装备发展壮大",
        "“四驱”联动 多维管理持续优化",
    ]
    # The subheads sit before the paragraphs they head.
    kinds = [p.kind for p in feature.paragraphs]
    assert kinds[0] == "subhead" and kinds[1] == "body"


def test_authors_and_datelines(articles):
    assert [a.authors for a in articles] == [
        ("张立", "杨宜楠"),
        ("孙志刚",),
        ("郭涛", "程艺涵"),
        ("史治国", "汪永睿", "赵红娟"),
        ("董艳竹",),
        ("裴其娟",),
        ("李莉", "龙雨晴"),
    ]
    assert articles[0].dateline == "12月29日"
    assert articles[1].dateline == "12月30日"
    assert articles[2].dateline is None  # 记者从12月29日召开的… is not a dateline
    assert all(a.date is None for a in articles)  # the page has no date: none is invented


def test_byline_line_is_not_a_paragraph(articles):
    assert not any("本报记者 李莉" in p.text for p in articles[6].paragraphs)


def test_broken_paragraphs_are_rejoined(articles):
    texts = [p.text for p in articles[6].paragraphs]
    assert any("开展实践学习,同步组建“学习联盟”" in t for t in texts)
    assert any("为全面实现“雪中路通、雪停路净”提供坚实基础。在此基础上" in t for t in texts)
    assert any("这“两翼”,郑州公用集团基层党建“书记项目”挺膺城市环卫担当。" in t for t in texts)
    assert not any(t.startswith(("习,", "供坚实", "用集团")) for t in texts)


def test_caption_between_halves_is_kept_as_caption(articles):
    captions = [p for a in articles for p in a.paragraphs if p.kind == "caption"]
    assert [c.text for c in captions] == [
        "以党建为引领,郑州公用集团环卫铁军在一次又一次冲锋作业中磨砺担当之刃"
    ]


def test_subhead_without_hashes_is_not_joined(articles):
    paragraphs = articles[5].paragraphs
    heading = next(p for p in paragraphs if p.text == "“一标”领航 服务水平提质增效")
    assert heading.kind == "subhead"
    assert any(p.text.startswith("环境卫生作为郑州高质量发展") for p in paragraphs)


def test_sentence_ending_paragraphs_stay_apart(articles):
    first = articles[0].paragraphs
    assert len(first) == 4
    assert first[1].text.startswith("今年以来,新郑市纵深推进“1136”工作布局")


def test_front_matter_gives_date_paper_and_page():
    text = "---\ndate: 2024-12-31\npaper: 郑州日报\npage: 3\n---\n### 标题\n\n正文。\n"
    (article,) = parse_page(text, "/x/p.txt")
    assert (str(article.date), article.paper, article.page) == ("2024-12-31", "郑州日报", "3")
    assert article.title == "标题" and article.paragraphs[0].text == "正文。"


def test_bad_front_matter_is_an_error():
    with pytest.raises(PageFormatError, match="date"):
        parse_page("---\ndate: 31.12.2024\n---\n### t\n\nx。", "/x/p.txt")
