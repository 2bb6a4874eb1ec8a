"""The application layer: the ``newsarchive`` command line, which composes ``crawler``, ``archive`` and ``pipelines``.

Nothing below imports this package; see ``docs/architecture.md`` for who may import whom.
"""
