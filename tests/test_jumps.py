"""Jumps across page files (docs/pages.md section 6), through a real Whoosh index.

Page 1 of 人民日报, 1998-01-20, carries the start of 调整结构不能丢了粮食 (two real
paragraphs, a byline, `（下转第二版）`) and a story that stays; page 2 carries the
continuation (`### same title`, `（上接第一版）`, the last two paragraphs, a credit) and a
story of its own. Imported together, in either order or one after the other, the two
parts are one article under the first part's id; alone, each part is indexed as it is.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from pagekit import (
    Page,
    Story,
    assert_same,
    expect,
    han_phrase,
    header,
    paras,
    read_back,
    split,
    title,
)
from support import build_index, reader_for

from search.errors import ArticleNotFound
from search.query.request import SearchRequest

GRAIN = "pd1998-19980120-02-002"  # jumps: paragraphs 0-1 on page 1, 2-3 on page 2
NUCLEAR = "pd1998-19980119-04-004"  # a second jump between the same pages
RAIL = "pd1998-19980119-04-006"  # stays on page 1
PRICES = "pd1998-19980123-02-003"  # stays on page 2
DAY = datetime.date(1998, 1, 20)
PAPER = "人民日报"
CREDIT = "（王晓东）"  # ends the continuation: an author of the joined article too


def _masthead(number: int, date: datetime.date | None, paper: str, how: str) -> str:
    if how == "header":
        assert date is not None
        return header(date, paper, number, "", 1)
    dated = f"date: {date.isoformat()}\n" if date else ""
    return f"---\n{dated}paper: {paper}\npage: {number}\n---"


def page_one(date: datetime.date | None = DAY, paper: str = PAPER, how: str = "front") -> str:
    page = Page().add(_masthead(1, date, paper, how))
    page.article(GRAIN, 0, 2, byline=("本报记者 孙立", ("孙立",)))
    page.blocks[-1] += "（下转第二版）"
    page.article(RAIL)
    return page.text()


def page_two(
    date: datetime.date | None = DAY, paper: str = PAPER, how: str = "front", jump: bool = True
) -> str:
    rest = paras(GRAIN, 2)
    page = Page().add(_masthead(2, date, paper, how), f"### {title(GRAIN)}")
    page.add(*(["（上接第一版）"] if jump else []), rest[0], rest[1] + CREDIT)
    page.article(PRICES)
    return page.text()


def first_part() -> Story:
    """Page 1's part standing alone: it still says where it goes on."""
    story = Story(title(GRAIN), authors=("孙立",), continued_on="2")
    return story.add("body", *paras(GRAIN, 0, 2))


def continuation(jump: bool = True) -> Story:
    story = Story(title(GRAIN), authors=("王晓东",), continued_from="1" if jump else None)
    return story.add("body", paras(GRAIN)[2], paras(GRAIN)[3] + CREDIT)


JOINED = Story(title(GRAIN), authors=("孙立", "王晓东"), continued_on="2", continuation_at=2)
JOINED.add("body", *paras(GRAIN, 0, 3), paras(GRAIN)[3] + CREDIT)
PART_TWO = f'"{han_phrase(paras(GRAIN)[3])}"'  # a phrase only the continuation holds


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, "utf-8")
    return folder / name


def found(index: Path, query: str) -> tuple[int, list[str]]:
    result = reader_for(index).search(SearchRequest(query=query))
    return result.total, [h.article_id for h in result.hits]


def assert_joined(index: Path, date: datetime.date | None = DAY) -> None:
    """One article for the story, under page 1's id; page 2's story keeps its own."""
    reader = reader_for(index)
    assert_same(
        read_back([reader.article("p1-01")]),
        [expect("p1-01", JOINED, date=date, paper=PAPER, page="1")],
    )
    assert reader.stats().articles == 3
    assert found(index, PART_TWO) == (1, ["p1-01"])
    with pytest.raises(ArticleNotFound):
        reader.article("p2-01")
    assert reader.article("p2-02").title == title(PRICES)


@pytest.mark.parametrize("how", ["front", "header"], ids=["front-matter", "header"])
def test_both_pages_give_one_article(tmp_path: Path, how: str) -> None:
    """Same paper and date (from front matter or the masthead): the first part's id, title
    and byline, both parts' paragraphs in order, authors of both, page 1, continued on 2,
    continuation_at at the first paragraph from page 2; no separate continuation."""
    paths = [
        write(tmp_path, "p1.txt", page_one(how=how)),
        write(tmp_path, "p2.txt", page_two(how=how)),
    ]
    build_index(paths, tmp_path / "index")
    assert_joined(tmp_path / "index")


@pytest.mark.parametrize("order", ["page-order", "reversed"])
def test_a_sentence_cut_by_the_jump_is_one_paragraph(tmp_path: Path, order: str) -> None:
    """`…严厉打击走私违法活（下转第二版）` on page 1, `（上接第一版）动；…` on page 2: the halves
    of the cut paragraph are one paragraph again, so a phrase across the cut is found,
    whichever page the import reads first; continuation_at names the joined paragraph."""
    head, tail = split(paras(GRAIN)[1])
    one = Page().add(_masthead(1, DAY, PAPER, "front"), f"### {title(GRAIN)}")
    one.add(paras(GRAIN)[0], head + "（下转第二版）")
    two = Page().add(_masthead(2, DAY, PAPER, "front"), f"### {title(GRAIN)}")
    two.add("（上接第一版）" + tail, *paras(GRAIN, 2))
    paths = [write(tmp_path, "p1.txt", one.text()), write(tmp_path, "p2.txt", two.text())]
    index = tmp_path / "index"
    build_index(paths if order == "page-order" else paths[::-1], index)

    story = Story(title(GRAIN), continued_on="2", continuation_at=1)
    story.add("body", *paras(GRAIN))
    assert_same(
        read_back([reader_for(index).article("p1-01")]),
        [expect("p1-01", story, date=DAY, paper=PAPER, page="1")],
    )
    cut = re.search(r"[\u4e00-\u9fff]{1,5}\|[\u4e00-\u9fff]{1,5}", head + "|" + tail)
    assert cut is not None
    across = cut[0].replace("|", "")  # the Han characters either side of the cut
    assert found(index, f'"{across}"') == (1, ["p1-01"])


def test_page_one_first_then_page_two_joins_without_duplicate(tmp_path: Path) -> None:
    index = tmp_path / "index"
    one = write(tmp_path, "p1.txt", page_one())
    build_index([one], index)
    assert_same(
        read_back([reader_for(index).article("p1-01")]),
        [expect("p1-01", first_part(), date=DAY, paper=PAPER, page="1")],
    )
    assert found(index, PART_TWO) == (0, [])

    build_index([one, write(tmp_path, "p2.txt", page_two())], index)
    assert_joined(index)


def test_page_two_first_is_a_standalone_continuation_until_page_one_arrives(
    tmp_path: Path,
) -> None:
    index = tmp_path / "index"
    two = write(tmp_path, "p2.txt", page_two())
    build_index([two], index)
    reader = reader_for(index)
    assert_same(
        read_back([reader.article("p2-01")]),
        [expect("p2-01", continuation(), date=DAY, paper=PAPER, page="2")],
    )
    assert reader.stats().articles == 2
    assert found(index, PART_TWO) == (1, ["p2-01"])

    build_index([write(tmp_path, "p1.txt", page_one()), two], index)
    assert_joined(index)


def test_removing_the_jump_unjoins(tmp_path: Path) -> None:
    """Page 2 edited so its `（上接第一版）` is gone: both parts stand alone again, page 1's
    part still pointing on (its marker is unchanged), page 2's a plain article."""
    index = tmp_path / "index"
    paths = [write(tmp_path, "p1.txt", page_one()), write(tmp_path, "p2.txt", page_two())]
    build_index(paths, index)
    assert_joined(index)

    write(tmp_path, "p2.txt", page_two(jump=False))
    build_index(paths, index)
    reader = reader_for(index)
    assert_same(
        read_back([reader.article("p1-01"), reader.article("p2-01")]),
        [
            expect("p1-01", first_part(), date=DAY, paper=PAPER, page="1"),
            expect("p2-01", continuation(jump=False), date=DAY, paper=PAPER, page="2"),
        ],
    )
    assert reader.stats().articles == 4
    assert found(index, PART_TWO) == (1, ["p2-01"])


def test_two_jumps_between_the_same_pages_are_paired_by_title(tmp_path: Path) -> None:
    """Page 2 holds the continuations in the other order, one under a shorter title
    (contained in the first part's): pairing goes by title, not by position."""
    one, two = Page().add(_masthead(1, DAY, PAPER, "front")), Page()
    two.add(_masthead(2, DAY, PAPER, "front"))
    for article_id, short in ((GRAIN, title(GRAIN)), (NUCLEAR, "核电站进展顺利")):
        one.article(article_id, 0, 2)
        one.blocks[-1] += "（下转第二版）"
        two.blocks[1:1] = [f"### {short}", "（上接第一版）", *paras(article_id, 2)]
    assert title(NUCLEAR).endswith("核电站进展顺利") and two.blocks[1] == "### 核电站进展顺利"
    index = tmp_path / "index"
    build_index(
        [write(tmp_path, "p1.txt", one.text()), write(tmp_path, "p2.txt", two.text())], index
    )

    reader = reader_for(index)
    joined = [
        Story(title(a), continued_on="2", continuation_at=2).add("body", *paras(a))
        for a in (GRAIN, NUCLEAR)
    ]
    assert_same(
        read_back([reader.article("p1-01"), reader.article("p1-02")]),
        [
            expect(f"p1-0{n}", story, date=DAY, paper=PAPER, page="1")
            for n, story in enumerate(joined, 1)
        ],
    )
    assert reader.stats().articles == 2


@pytest.mark.parametrize(
    ("date", "paper"),
    [(datetime.date(1998, 1, 21), PAPER), (DAY, "人民日报海外版")],
    ids=["other-date", "other-paper"],
)
def test_pages_of_another_date_or_paper_never_join(
    tmp_path: Path, date: datetime.date, paper: str
) -> None:
    index = tmp_path / "index"
    paths = [
        write(tmp_path, "p1.txt", page_one()),
        write(tmp_path, "p2.txt", page_two(date=date, paper=paper)),
    ]
    build_index(paths, index)
    reader = reader_for(index)
    assert_same(
        read_back([reader.article("p1-01"), reader.article("p2-01")]),
        [
            expect("p1-01", first_part(), date=DAY, paper=PAPER, page="1"),
            expect("p2-01", continuation(), date=date, paper=paper, page="2"),
        ],
    )
    assert reader.stats().articles == 4


@pytest.mark.parametrize("same_folder", [True, False], ids=["same-folder", "other-folders"])
def test_undated_pages_join_only_within_one_folder(tmp_path: Path, same_folder: bool) -> None:
    index = tmp_path / "index"
    paths = [
        write(tmp_path / "a", "p1.txt", page_one(date=None)),
        write(tmp_path / ("a" if same_folder else "b"), "p2.txt", page_two(date=None)),
    ]
    build_index(paths, index)
    if same_folder:
        assert_joined(index, date=None)
        return
    reader = reader_for(index)
    assert_same(
        read_back([reader.article("p1-01"), reader.article("p2-01")]),
        [
            expect("p1-01", first_part(), paper=PAPER, page="1"),
            expect("p2-01", continuation(), paper=PAPER, page="2"),
        ],
    )
    assert reader.stats().articles == 4
