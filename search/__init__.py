"""baoku (报库): full-text search for Chinese newspaper archives."""

__version__ = "0.4.0"
