"""What a user asked: the query language, the typed request, aliases, ranking, the explanation."""
