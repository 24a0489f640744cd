"""Newsroom features over any engine: browse, feeds, citations, related coverage, trends."""
