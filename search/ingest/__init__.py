"""Input files -> articles. `files` finds and decodes, `pages` and `jsonl` parse."""
