"""Who and where an article names: people, places and organisations, from jieba's pieces."""
