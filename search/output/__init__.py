"""Results as users get them: the one JSON shape (CLI and API alike) and the terminal printer."""
