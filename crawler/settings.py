"""Scrapy settings for newsarchive.

Defaults are for the live portal and are polite: one request at a time per domain, at least a second apart,
AutoThrottle on, robots.txt obeyed. ``newsarchive crawl`` loosens them only for loopback replicas
(see ``crawler.runner.replica_overrides``).
"""

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Name the project; the operators' contact (NEWSARCHIVE_CONTACT: an e-mail or URL, required for any site that is
# not a loopback replica, see crawler/contact.py) is appended as "; +CONTACT" by crawler.runner.
USER_AGENT = "newsarchive/0.1 (Chinese news archiver)"
NEWSARCHIVE_CONTACT = ""

# Politeness for the real site.
ROBOTSTXT_OBEY = True
# One request at a time per host. The global cap only sets how many requests wait in the downloader's queue, and
# a stop (--max-pages, --max-minutes, SIGTERM) still answers those, each a delay apart: keep it small.
CONCURRENT_REQUESTS = 4
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# News pages are small; anything near these sizes is junk or an attack, and becomes a recorded failure.
# DOWNLOAD_MAXSIZE also caps the *decompressed* size (HttpCompressionMiddleware checks it while inflating, so a
# gzip bomb is cut off at this size, not after it filled memory).
DOWNLOAD_MAXSIZE = 8 * 1024 * 1024
DOWNLOAD_WARNSIZE = 2 * 1024 * 1024
# A response that stalls this long is given up (and retried); tests lower it with `-s DOWNLOAD_TIMEOUT=…`.
DOWNLOAD_TIMEOUT = 30
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
REDIRECT_MAX_TIMES = 5
# 429 and 503 answers with Retry-After hold the host that long (capped), rather than being retried at once.
NEWSARCHIVE_RETRY_AFTER_MAX = 120.0
NEWSARCHIVE_RETRY_AFTER_DEFAULT = 5.0

# Memory: sample every 10 s (default 60, longer than a small run) so runs record a true `memusage/max`, and stop a
# run that leaks past 1.5 GB instead of letting the kernel kill it mid-write.
MEMUSAGE_CHECK_INTERVAL_SECONDS = 10.0
MEMUSAGE_WARNING_MB = 1024
MEMUSAGE_LIMIT_MB = 1536

# A crawl of the live portal connects to public addresses only: the resolver refuses a name that resolves to a
# loopback, link-local or private address, at connect time (crawler/resolver.py). Off for a loopback
# NEWSARCHIVE_BASE_URL (the replica); set False for a staging copy on a private network.
TWISTED_DNS_RESOLVER = "crawler.resolver.PublicOnlyResolver"
NEWSARCHIVE_PUBLIC_ADDRESSES_ONLY = True

# Cookies are not needed to read news and would only make the crawl stateful.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# An unattended cron crawl needs no control port listening on the machine.
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # Refuse anything outside the profile's hosts, including redirects and odd schemes.
    "crawler.middlewares.HostGuardMiddleware": 50,
    # After RobotsTxtMiddleware (100): robots.txt Crawl-delay, which Scrapy alone ignores.
    "crawler.middlewares.CrawlDelayMiddleware": 110,
    # After RetryMiddleware (550): 429/503 Retry-After holds the host before the retry goes out.
    "crawler.middlewares.RetryAfterMiddleware": 560,
    # After RedirectMiddleware (600): a redirect cycle becomes a recorded failure instead of a silent drop.
    "crawler.middlewares.RedirectLoopMiddleware": 610,
    "crawler.middlewares.ArticleRedirectMiddleware": 605,
}

EXTENSIONS = {
    "crawler.extensions.Progress": 500,
    # Raw capture: every response to WARC, as a signal-driven extension, before parsing.
    "crawler.extensions.WarcCapture": 100,
}

ITEM_PIPELINES = {
    "crawler.pipelines.CleanPipeline": 300,
    "crawler.pipelines.ArchivePipeline": 800,
}

# Where records go; `newsarchive crawl --db` and $NEWSARCHIVE_DB override it.
NEWSARCHIVE_DB = "data/news.db"
# Site profile for the generic `portal` spider (the `cbg` spider defaults to its own).
NEWSARCHIVE_PROFILE = ""
# Base URL that replaces the profile's (the offline replica, a staging copy); empty means the live portal.
NEWSARCHIVE_BASE_URL = ""
NEWSARCHIVE_PROGRESS_INTERVAL = 5.0
# Extra keys for the run row's options, to tell runs apart (the demo marks its own with {"demo": 1}).
NEWSARCHIVE_RUN_OPTIONS: dict = {}
# WARC files go to <archive folder>/warc unless set; files rotate past this size.
NEWSARCHIVE_WARC_DIR = ""
NEWSARCHIVE_WARC_MAX_BYTES = 1024**3

# Incremental crawling: archived articles are skipped unless published within this many days (corrections);
# a list is paged until this many whole pages in a row were already known. NEWSARCHIVE_FULL walks everything.
NEWSARCHIVE_REVISIT_DAYS = 3.0
NEWSARCHIVE_KNOWN_PAGES_DEPTH = 1
NEWSARCHIVE_FULL = False
# A page that failed is tried again by later runs until it failed in this many; a 404/410 is given up at once.
NEWSARCHIVE_GIVE_UP_AFTER = 3

# Pages are cleaned off the reactor thread, in worker processes (pipelines.cleaner_pool): a page whose cleaning
# takes longer than NEWSARCHIVE_CLEAN_SECONDS is a recorded failure. Once a stop begins (--max-minutes, SIGTERM),
# pages already fetched get NEWSARCHIVE_CLEAN_GRACE_SECONDS to finish; later ones are left for the next run.
NEWSARCHIVE_CLEAN_WORKERS = 1
NEWSARCHIVE_CLEAN_SECONDS = 10.0
NEWSARCHIVE_CLEAN_GRACE_SECONDS = 2.0

LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
