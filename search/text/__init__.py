"""Text the same for every engine: normalisation, exact grams, jieba words, snippets, entities."""
