"""Who and where an article names: people, places and organisations, from jieba's pieces.

Reads the jieba pieces the import already cut (`analysed.py`), never the text
again: a second jieba pass (posseg) would cost five times the cut. Instead,
rules over the pieces, jieba's dictionary tags and frequencies, and small
shipped word lists (`data/*.txt`, each saying what it is for), by job:

    extraction.py   extract(): the passes in order, and each piece's kinds, cached
    lexicon.py      the word lists and jieba's tags and frequencies, loaded once
    credits.py      the byline grammar (shared with ingest/bylines.py); where the text
                    prints credits and datelines, which are no mentions
    pieces.py       one article's pieces: offsets, kinds, which are taken, what was found
    orgs.py         organisations, first: pieces they take give no person or place
    people.py       people, each weak form vouched for by a post, title or verb
    places.py       places, short forms counted with fuller ones

The regexes start with literals or run only where a literal (记者, 《, 驻) shows
they may match, so a unit costs little more than a map over its pieces.
"""
