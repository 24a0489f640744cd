"""The engine-neutral document: what both engines index, built once per article."""

from __future__ import annotations

import datetime
import pickle
from pathlib import Path

from support import settings_for

from search.models import TITLE_UNIT, Article, Paragraph
from search.text.document import build_document


def _article(**fields: object) -> Article:
    settings_for(Path("unused"))  # configures jieba's cache dir
    base: dict[str, object] = {
        "id": "a1",
        "title": "標題 ＡＢＣ",
        "section": "要闻",
        "authors": ("张,三", "李四"),
        "date": datetime.date(1998, 1, 2),
        "paragraphs": (Paragraph("江泽民在北京会见 新华社记者。"),),
        "source": "pd1998",
    }
    return Article(**{**base, **fields})  # type: ignore[arg-type]


def test_units_hold_normalised_squeezed_text_and_words() -> None:
    document = build_document(_article(subtitle="副 题"))
    title, paragraph = document.units
    assert (title.number, title.is_title) == (TITLE_UNIT, True)
    assert title.exact == document.title == ("标题abc", "副题")
    assert paragraph.number == 0 and paragraph.exact == ("江泽民在北京会见新华社记者。",)
    assert " " not in paragraph.words and "".join(paragraph.words) == paragraph.exact[0]


def test_names_become_keys_without_commas() -> None:
    document = build_document(_article())
    assert document.author_keys == ("张 三", "李四")
    assert document.authors == ("张,三", "李四")  # normalised, comma kept: the exact field
    assert dict(document.mentioned)["person"] == ("江泽民",)
    assert document.article.mentions  # the stored article carries what was found


def test_missing_metadata_stays_missing() -> None:
    document = build_document(_article(section=None, date=None, title="", paragraphs=()))
    assert (document.section, document.section_key, document.date) == (None, None, None)
    assert document.units == () and document.title == ()


def test_document_pickles_for_worker_processes() -> None:
    document = build_document(_article())
    assert pickle.loads(pickle.dumps(document)) == document
