"""``python -m newsarchive`` is the ``newsarchive`` command (useful where the console script is not on PATH)."""

from newsarchive.cli import main

main()
