"""Completions for what a user is typing in the search box (`/api/suggest`).

The policy lives here, above the engines, so both engines offer the same list:
each engine only lists the dictionary terms that start with the prefix
(`ArchiveReader.prefixed_terms`). Author names come first, because a journalist
types a colleague's or a source's name more often than a word, but they take at
most half of the list so that frequent words always show; words are only offered
when they are longer than what was typed and are not bare numbers.
"""

from __future__ import annotations

from search.backends import ArchiveReader
from search.limits import SUGGESTIONS
from search.text.analysis import normalize, squeeze


def completions(reader: ArchiveReader, prefix: str, limit: int = SUGGESTIONS) -> list[str]:
    """At most `limit` completions of `prefix`, each list ordered by how many
    documents hold the term (ties alphabetical), names first."""
    key = squeeze(normalize(prefix))
    if not key:
        return []
    names = _by_frequency(reader.prefixed_terms("authors", key))
    words = [
        word
        for word in _by_frequency(reader.prefixed_terms("words", key))
        if len(word) > len(key) and not word.isdigit()
    ]
    return list(dict.fromkeys(names[: limit // 2] + words + names))[:limit]


def _by_frequency(terms: list[tuple[str, int]]) -> list[str]:
    return [term for term, _ in sorted(terms, key=lambda t: (-t[1], t[0]))]
