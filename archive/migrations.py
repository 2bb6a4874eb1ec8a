"""The archive's schema as a numbered history of sqlite-utils migrations.

An archive written by any earlier version is upgraded in place when ``Archive`` opens it: each migration runs once,
in a transaction, and is recorded in ``_sqlite_migrations``. Never edit a migration that has shipped; add one.
``docs/schema.md`` describes the result column by column.
"""

from __future__ import annotations

from archive.sqlite_utils_lite import Database, Migrations

from archive import fts

migrations = Migrations("newsarchive")


@migrations()
def m001_initial(db: Database) -> None:
    """The foundation's schema (issue 2): current articles, crawl runs and failures."""
    db.execute(
        """CREATE TABLE articles (
            id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            canonical_url TEXT,
            site TEXT,
            section TEXT,
            title TEXT,
            published_at TEXT,
            source TEXT,
            author TEXT,
            editor TEXT,
            body TEXT,
            images TEXT,
            extractor TEXT,
            mirror_of TEXT,
            quality TEXT,
            content_hash TEXT,
            first_seen TEXT,
            last_seen TEXT,
            crawl_run_id INTEGER
        )"""
    )
    db.execute(
        """CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            finish_reason TEXT,
            stats TEXT,
            new INTEGER NOT NULL DEFAULT 0,
            updated INTEGER NOT NULL DEFAULT 0,
            unchanged INTEGER NOT NULL DEFAULT 0,
            failed INTEGER NOT NULL DEFAULT 0
        )"""
    )
    db.execute(
        """CREATE TABLE failures (
            id INTEGER PRIMARY KEY,
            run_id INTEGER REFERENCES crawl_runs(id),
            url_or_path TEXT NOT NULL,
            stage TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL
        )"""
    )


@migrations()
def m002_versions(db: Database) -> None:
    """Issue 5: previous versions of changed articles, and fuller run records (status, skipped pages, options)."""
    db.execute("ALTER TABLE articles ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
    db.execute("ALTER TABLE articles ADD COLUMN fetched_at TEXT")
    # The old schema overwrote changed articles, so the newest fetch known to have seen this text is last_seen.
    db.execute("UPDATE articles SET fetched_at = last_seen")
    db.execute(
        """CREATE TABLE article_versions (
            article_id TEXT NOT NULL REFERENCES articles(id),
            version INTEGER NOT NULL,
            fetched_at TEXT,
            superseded_at TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            url TEXT,
            canonical_url TEXT,
            site TEXT,
            section TEXT,
            title TEXT,
            published_at TEXT,
            source TEXT,
            author TEXT,
            editor TEXT,
            body TEXT,
            images TEXT,
            extractor TEXT,
            mirror_of TEXT,
            quality TEXT,
            crawl_run_id INTEGER,
            PRIMARY KEY (article_id, version)
        )"""
    )
    db.execute("ALTER TABLE crawl_runs ADD COLUMN status TEXT NOT NULL DEFAULT 'finished'")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN skipped INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN options TEXT")


@migrations()
def m003_raw_capture(db: Database) -> None:
    """Issues 5 and 6: where each version's raw response lives in the WARC files, and the HTTP validators."""
    for table in ("articles", "article_versions"):
        for column, kind in (
            ("warc_file", "TEXT"),
            ("warc_offset", "INTEGER"),
            ("warc_length", "INTEGER"),
            ("warc_digest", "TEXT"),
            ("etag", "TEXT"),
            ("last_modified", "TEXT"),
        ):
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


@migrations()
def m004_search(db: Database) -> None:
    """Issue 5: the Chinese full-text index, keyed by a stable integer ``doc`` (see archive/fts.py for why)."""
    db.execute("ALTER TABLE articles ADD COLUMN doc INTEGER")
    db.execute("UPDATE articles SET doc = rowid")
    db["articles"].transform(not_null={"doc"})
    db.execute("CREATE UNIQUE INDEX articles_doc ON articles(doc)")
    fts.create(db.conn)
    fts.rebuild(db.conn)


@migrations()
def m005_indexes(db: Database) -> None:
    """Issue 5: indexes for the lookups the crawler, search filters, export and stats make."""
    for name, table, columns in (
        ("articles_url", "articles", "url"),
        ("articles_canonical_url", "articles", "canonical_url"),
        ("articles_published_at", "articles", "published_at"),
        ("articles_section", "articles", "section"),
        ("articles_source", "articles", "source"),
        ("articles_last_seen", "articles", "last_seen"),
        ("failures_run_id", "failures", "run_id"),
        ("failures_reason", "failures", "reason"),
    ):
        db.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table}({columns})")


@migrations()
def m006_failure_lookup(db: Database) -> None:
    """Issue 6: the spider asks, for every listed article the archive lacks, whether it already failed or was
    skipped (a video page, a dead link), so that it gives up on them instead of fetching them every run."""
    db.execute("CREATE INDEX IF NOT EXISTS failures_url_stage ON failures(url_or_path, stage)")


@migrations()
def m007_run_alerts(db: Database) -> None:
    """Issue 13: a crawl's verdict is kept on its run (``alerts``: the sentences, as JSON; ``exit_code``), so that
    ``runs`` and ``health`` show what cron was told, long after the mail is gone."""
    columns = db["crawl_runs"].columns_dict
    if "alerts" not in columns:
        db.execute("ALTER TABLE crawl_runs ADD COLUMN alerts TEXT")
    if "exit_code" not in columns:
        db.execute("ALTER TABLE crawl_runs ADD COLUMN exit_code INTEGER")


@migrations()
def m008_updated_at(db: Database) -> None:
    """Issue 11: the update time a page shows beside its publication time (`最后更新`, ``dateModified``)."""
    for table in ("articles", "article_versions"):
        db.execute(f"ALTER TABLE {table} ADD COLUMN updated_at TEXT")


@migrations()
def m009_walks(db: Database) -> None:
    """Issue 14: every crawl mode records its walks over the list pages (a local crawl itself, a fleet of workers
    through the writer) and whether each reached its natural end, so the next run knows to page every list again.
    Local crawls recorded before are carried over from ``crawl_runs``."""
    db.execute(
        """CREATE TABLE walks (
            id INTEGER PRIMARY KEY,
            walk TEXT NOT NULL UNIQUE,
            profile TEXT NOT NULL,
            mode TEXT NOT NULL,
            exhaustive INTEGER NOT NULL DEFAULT 0,
            run_id INTEGER,
            started_at TEXT,
            finished_at TEXT,
            complete INTEGER,
            reason TEXT
        )"""
    )
    db.execute(
        """INSERT INTO walks (walk, profile, mode, run_id, started_at, finished_at, complete, reason)
           SELECT 'run:' || id, json_extract(options, '$.profile'), 'local', id, started_at, finished_at,
                  CASE WHEN status = 'running' THEN NULL
                       WHEN status = 'finished' AND finish_reason = 'finished' THEN 1 ELSE 0 END, finish_reason
           FROM crawl_runs
           WHERE json_extract(options, '$.spider') IS NOT NULL AND json_extract(options, '$.profile') IS NOT NULL
           ORDER BY id"""
    )
    db.execute("CREATE INDEX walks_profile ON walks(profile, complete, exhaustive)")


@migrations()
def m010_run_owner(db: Database) -> None:
    """Issue 14: the process that owns each run (``host:pid:start``, see archive/owner.py), so a run killed with
    SIGKILL is closed by the next run of any kind on that host, and a live one is never taken for dead."""
    db.execute("ALTER TABLE crawl_runs ADD COLUMN owner TEXT")


@migrations()
def m011_article_aliases(db: Database) -> None:
    """Issue 14: the URLs that redirected to a stored article (a moved article, a portal gone from http to https),
    keyed like articles by the id of the URL, so incremental crawling knows a listed URL that redirects."""
    db.execute(
        """CREATE TABLE article_aliases (
            alias_id TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            article_id TEXT NOT NULL,
            first_seen TEXT,
            last_seen TEXT
        )"""
    )
    db.execute("CREATE INDEX article_aliases_article ON article_aliases(article_id)")


@migrations()
def m012_search_without_functions(db: Database) -> None:
    """Issues 13 and 15: the search index keeps no positions (``detail=none``: a sixth of the size, longer queries
    checked with LIKE) and follows the articles through plain-SQL triggers and a queue, so that ``DELETE`` and
    ``UPDATE`` from any SQLite tool work; the old triggers called a function only newsarchive defined."""
    fts.drop(db.conn)
    fts.create(db.conn)
    fts.rebuild(db.conn)
