"""Newspaper page text (markdown-ish scrape) -> articles.

A page is a sequence of blocks separated by blank lines. What the scrape does
to them, and what this parser does back:

* `## X` followed directly by `### Y` is a section banner; the `###`
  headings under it start articles. `## X` followed by anything else is a
  feature with its own title (and usually a `——` subtitle and a byline); the
  `###` headings inside a feature are its subheads, not new articles.
* Bylines give authors and a dateline: `本报讯(记者 张立 杨宜楠)12月29日,…`,
  `本报记者 李莉 龙雨晴 文图`, `(记者 郭涛 通讯员 程艺涵)`. 通讯员 count as authors.
* The column layout breaks paragraphs mid-sentence (`…开展实践学` + `习,同步…`),
  sometimes with a photo caption between the halves. A body paragraph that
  does not end a sentence is joined with the next body paragraph; a
  sentence-less paragraph sitting between two halves is kept as a caption.
  Headings and paragraphs that end a sentence are never joined.
* Short lines with no sentence punctuation (`“一标”领航 服务水平提质增效`) are
  subheads even without `###`.

Pages carry no date; optional front matter (`---` / `date:` `paper:`
`page:` / `---`) or the CLI's `--date`/`--paper` give one, else it stays None.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from search.models import Article, Paragraph, ParagraphKind

SENTENCE_END = set("。！？!?；;…:：」』”’）)】》")
_CLAUSE_PUNCT = re.compile(r"[，,。；;：:！!？?、]")
_ROLES = ("本报特约记者", "本报通讯员", "本报记者", "特约记者", "实习生", "通讯员", "记者")
_CREDIT_WORDS = ("文图", "文/图", "摄影", "报道", "摄", "文")
_ROLE = "(?:" + "|".join(_ROLES) + ")"
_BYLINE_IN_PARENS = re.compile(
    r"^(?:本报讯|本报消息|[^（(，,。]{0,12}电)?\s*[（(]\s*(" + _ROLE + r"[^）)]*)[）)]\s*"
)
_DATELINE = re.compile(r"^(\d{1,2}月\d{1,2}日)")
_BYLINE_LINE = re.compile("^" + _ROLE + r"\s*[^，,。；;：:！!？?]{1,40}$")
_FRONT_MATTER_KEYS = {"date", "paper", "page"}


class PageFormatError(ValueError):
    """The page cannot be read as a page (bad front matter); the file is skipped."""


@dataclass
class _Draft:
    title: str
    section: str | None
    is_feature: bool = False
    subtitle: str | None = None
    authors: list[str] = field(default_factory=list)
    dateline: str | None = None
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class PageMeta:
    date: datetime.date | None = None
    paper: str | None = None
    page: str | None = None


def parse_page(text: str, path: str, defaults: PageMeta | None = None) -> list[Article]:
    """All articles of one page file, in page order, with ids `<file stem>-NN`."""
    meta, body = _front_matter(text, defaults or PageMeta())
    drafts = _drafts(_blocks(body))
    stem = Path(path).stem
    return [
        Article(
            id=f"{stem}-{n:02d}",
            title=d.title,
            section=d.section,
            authors=tuple(dict.fromkeys(d.authors)),
            date=meta.date,
            paragraphs=tuple(_rejoin(d.paragraphs)),
            source=Path(path).name,
            origin=path,
            subtitle=d.subtitle,
            dateline=d.dateline,
            paper=meta.paper,
            page=meta.page,
        )
        for n, d in enumerate(drafts, 1)
        if d.title or d.paragraphs
    ]


def _front_matter(text: str, defaults: PageMeta) -> tuple[PageMeta, str]:
    stripped = text.lstrip("\ufeff\r\n\t ")
    if not stripped.startswith("---"):
        return defaults, text
    head, sep, rest = stripped[3:].partition("\n---")
    if not sep:
        raise PageFormatError("front matter opened with --- but never closed")
    values: dict[str, str] = {}
    for line in head.strip().splitlines():
        key, colon, value = line.partition(":")
        key = key.strip().lower()
        if not colon or key not in _FRONT_MATTER_KEYS:
            raise PageFormatError(f"front matter line {line.strip()!r}: expected date/paper/page")
        values[key] = value.strip()
    date = defaults.date
    if values.get("date"):
        try:
            date = datetime.date.fromisoformat(values["date"])
        except ValueError as exc:
            raise PageFormatError(
                f"front matter date {values['date']!r} is not YYYY-MM-DD"
            ) from exc
    meta = PageMeta(
        date, values.get("paper") or defaults.paper, values.get("page") or defaults.page
    )
    return meta, rest.partition("\n")[2]


def _blocks(text: str) -> list[str]:
    """Paragraph blocks; hard-wrapped lines of one block are joined."""
    blocks: list[str] = []
    current: list[str] = []
    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if line.startswith("#") and current:
            blocks.append("".join(current))
            current = []
        if line:
            current.append(line)
            if line.startswith("#"):
                blocks.append(line)
                current = []
        elif current:
            blocks.append("".join(current))
            current = []
    return blocks


def _heading(block: str) -> tuple[int, str]:
    level = len(block) - len(block.lstrip("#"))
    return (level, block[level:].strip()) if level else (0, block)


def _drafts(blocks: list[str]) -> list[_Draft]:
    drafts: list[_Draft] = []
    section: str | None = None
    current: _Draft | None = None
    for i, block in enumerate(blocks):
        level, text = _heading(block)
        if level and level <= 2:
            following = _heading(blocks[i + 1])[0] if i + 1 < len(blocks) else 0
            if following == 3:
                # A bare `##` banner names no section: None, not "" (an empty facet value).
                section, current = text or None, None
            else:
                section = None
                current = _Draft(title=text, section=None, is_feature=True)
                drafts.append(current)
        elif level:
            if current is not None and current.is_feature:
                if text:  # a bare `###` is no subhead; "" would show as an empty paragraph
                    current.paragraphs.append(Paragraph(text, "subhead"))
            else:
                current = _Draft(title=text, section=section)
                drafts.append(current)
        else:
            if current is None:
                current = _Draft(title="", section=section)
                drafts.append(current)
            _add_block(current, text)
    return drafts


def _add_block(draft: _Draft, text: str) -> None:
    fresh = not any(p.kind == "body" for p in draft.paragraphs)
    if fresh and draft.subtitle is None and text.startswith("——") and not draft.paragraphs:
        # A bare `——` is a rule, not a subtitle: None, never "" shown as an empty subtitle.
        draft.subtitle = text.lstrip("—").strip() or None
        return
    if fresh and _BYLINE_LINE.match(text) and not draft.authors:
        draft.authors.extend(_names(text))
        return
    if fresh and not draft.authors:
        match = _BYLINE_IN_PARENS.match(text)
        if match:
            draft.authors.extend(_names(match.group(1)))
            dateline = _DATELINE.match(text[match.end() :])
            draft.dateline = dateline.group(1) if dateline else None
    kind: ParagraphKind = "subhead" if _looks_like_subhead(text) else "body"
    draft.paragraphs.append(Paragraph(text, kind))


def _names(byline: str) -> list[str]:
    """Person names from a byline: the words after a role, minus credit words."""
    names = []
    for word in re.split(r"[\s、，,]+", byline):
        for role in _ROLES:
            word = word.removeprefix(role)
        for credit in _CREDIT_WORDS:
            if word.endswith(credit) and len(word) > len(credit) + 1:
                word = word.removesuffix(credit)
        if word and word not in _CREDIT_WORDS and len(word) <= 6:
            names.append(word)
    return names


def _looks_like_subhead(text: str) -> bool:
    return len(text) <= 30 and not _ends_sentence(text) and not _CLAUSE_PUNCT.search(text)


def _ends_sentence(text: str) -> bool:
    return bool(text) and text[-1] in SENTENCE_END


def _rejoin(paragraphs: list[Paragraph]) -> list[Paragraph]:
    """Glue paragraphs the column layout broke; a caption between halves stays apart."""
    out: list[Paragraph] = []
    pending = list(paragraphs)
    while pending:
        para = pending.pop(0)
        captions: list[Paragraph] = []
        while para.kind == "body" and not _ends_sentence(para.text) and pending:
            nxt = pending[0]
            if nxt.kind != "body":
                break
            after = pending[1] if len(pending) > 1 else None
            if not _ends_sentence(nxt.text) and after is not None and after.kind == "body":
                captions.append(replace(nxt, kind="caption"))
                pending.pop(0)
                nxt = after
            pending.pop(0)
            para = replace(para, text=para.text + nxt.text)
        out.append(para)
        out.extend(captions)
    return out
