"""``python -m archive`` is the ``newsarchive`` command (useful where the console script is not on PATH)."""

from archive.cli import main

main()
