"""The one bound on an input document's size, shared by the cleaner and by every reader of files, lines and records.

It lives alone so that readers (``archive.sources``, ``archive.warc``) can apply it without importing the cleaner.
Readers stream against it: an oversized file, JSONL line or WARC record is refused after reading at most this
much of it, so memory stays proportional to the bound whatever the input's size.
"""

MAX_INPUT_BYTES = 16 * 1024 * 1024
"""Larger inputs are refused: no news page is that big, and repairing one would stall a crawl."""
