"""The shipped word lists (`data/*.txt`) and jieba's tags and frequencies.

Each list is a file of its own whose comment says what it is for and which input
forced it, so the vocabulary can be read and changed without reading the rules.
The lists are read once, at import; jieba's tables are read per tokenizer
(`lexicon`), so a changed user dictionary is seen.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba


def words(name: str) -> tuple[str, ...]:
    """The entries of `data/<name>` in file order, each once: one a line, or several
    separated by spaces (the older, longer lists); lines starting with # are comments."""
    text = files("search.text.entities").joinpath(f"data/{name}").read_text("utf-8")
    entries = (w for line in text.splitlines() if not line.startswith("#") for w in line.split())
    return tuple(dict.fromkeys(entries))


# Surnames: surnames.txt is the list both readers of names share; each adds the list
# only it may use, and that file says why.
_SHARED_SURNAMES = frozenset(words("surnames.txt"))
SURNAMES = _SHARED_SURNAMES | frozenset(words("more_surnames.txt"))  # people in running text
BYLINE_SURNAMES = _SHARED_SURNAMES | frozenset(words("byline_surnames.txt"))  # glued bylines
COMPOUND_SURNAMES = frozenset(s for s in _SHARED_SURNAMES if len(s) > 1)
JAPANESE_SURNAMES = frozenset(words("japanese_surnames.txt"))

PLACES = frozenset(words("places.txt"))
NOT_PLACES = frozenset(words("not_places.txt"))
ADMIN_SUFFIXES = frozenset(words("admin_suffixes.txt"))
PLACE_SUFFIXES = (*words("admin_suffixes.txt"), *words("place_suffixes.txt"))
NOT_PLACE_ENDINGS = words("not_place_endings.txt")
LOCAL_POSTS = frozenset(words("local_posts.txt"))

ORGS = frozenset(words("orgs.txt"))
ORG_SUFFIXES = words("org_suffixes.txt")
NOT_ORG_ENDINGS = words("not_org_endings.txt")
POST_ENDINGS = words("post_endings.txt")  # tried in file order
GENERIC_ORGS = frozenset(words("generic_orgs.txt"))
COMPANY_WORDS = frozenset(words("company_words.txt"))
NOT_MODIFIERS = frozenset(words("not_modifiers.txt"))

TITLES = frozenset(words("titles.txt"))
SPEECH = frozenset(words("speech.txt"))
POST_SUFFIXES = words("post_suffixes.txt")
NOT_GIVEN = frozenset(words("not_given.txt"))
NAME_PREFIXES = frozenset(words("name_prefixes.txt"))
FUNCTION_CHARS = frozenset(words("function_chars.txt"))
TRANSLITERATION = "".join(words("transliteration.txt"))

RARE = 20  # jieba frequency under which an ns word must prove itself (a suffix or the list)
_PERSON_TAGS = frozenset(("nr", "nrfg", "nrt"))


@dataclass(frozen=True)
class Lexicon:
    """jieba's dictionary as one tokenizer has it."""

    tags: dict[str, str]
    freq: dict[str, int]
    named: frozenset[str]  # people the shipped or user dictionary names (`韩国瑜 2000 nr`)


def lexicon(tokenizer: jieba.Tokenizer) -> Lexicon:
    """The tags and frequencies of `tokenizer` (analysis.segmenter, with the shipped and
    the user dictionary)."""
    # Imported here, not at the top: page parsing reads the surnames above
    # (ingest/bylines.py) and would otherwise load jieba's tag tables (0.4 s) for nothing.
    import jieba.posseg

    # The shipped and the user dictionary's tags win: a newsroom that adds `柯文哲 nr`
    # to its user dictionary makes him a person.
    tags = {**jieba.posseg.dt.word_tag_tab, **tokenizer.user_word_tag_tab}
    named = frozenset(w for w, tag in tokenizer.user_word_tag_tab.items() if tag in _PERSON_TAGS)
    return Lexicon(tags=tags, freq=tokenizer.FREQ, named=named)
