"""Counting who reads what, without a database write per reader.

Pages are cached whole (articles/pagecache.py), so the view never runs for most
readers: the article page carries a tiny script (static/js/views.js) that POSTs a
beacon to /api/luot-xem/<id>/. Each counted view is one atomic increment of a cache
counter (Redis in production): `views:c:<hour>:<article id>`, one per clock hour, so
the "last 24 hours" and "last 7 days" windows can be summed. The first increment of
an (hour, article) also appends the article to that hour's registry (a counter
`views:n:<hour>` and numbered entries), because the cache API cannot list keys.

A flush moves the counters into ArticleViewCount (hourly buckets, kept a week) and
ArticleViewTotal (for ever) with one UPSERT per batch, then decrements each counter by
what it wrote, so views arriving meanwhile stay counted. It runs from cron
(`manage.py flush_view_counts`) and, so that nothing depends on cron, from whichever
beacon finds it due (at most once a minute per cache, under a lock).

Readers of the counts (the most-read lists, "Lượt xem" on the article) add the
counters not flushed yet to the tables, so a flush changes no figure.

Not counted: obvious bots (User-Agent), requests without a User-Agent, prefetches and
prerenders, and a second view of the same article from the same address within
RATE_LIMIT_SECONDS. Without a working cache nothing is counted and the pages still
work: every cache call here fails quietly.

With a per-process cache (local memory, no REDIS_URL) each process counts and flushes
its own views; `flush_view_counts` then only sees its own (empty) cache.
"""

import contextlib
import hashlib
import logging
import re
from datetime import UTC, datetime, timedelta

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Sum

from articles.models import Article, ArticleViewCount, ArticleViewTotal
from newsroom.http import client_ip

logger = logging.getLogger(__name__)

HOUR = 3600
COUNTER_TTL = 3 * 24 * HOUR  # counters not flushed within three days are lost
LOOKBACK_HOURS = 72
RATE_LIMIT_SECONDS = 10 * 60  # one view per address and article per ten minutes
FLUSH_INTERVAL = 60  # opportunistic flush at most this often
FLUSH_LOCK_SECONDS = 300
BUCKETS_KEPT = timedelta(days=8)  # the longest window (7 days) and a margin
MOST_READ_SECONDS = 60  # the page cache's lifetime: no point in fresher lists
MOST_READ_KEPT = 10  # ids kept per list (a few may have been taken down since)
MOST_READ_SHOWN = 5
MOST_READ_CANDIDATES = 50  # summed per window before the published() check
WINDOWS = {"day": timedelta(hours=24), "week": timedelta(days=7)}

DUE_KEY = "views:flush-due"
LOCK_KEY = "views:flush-lock"
OPEN_FROM_KEY = "views:open-from"  # first hour whose counters may still hold views
MOST_READ_KEY = "views:most-read"

# Crawlers, link previews, monitors, scripts and headless browsers. Real browsers'
# in-app variants (Facebook's FBAN, Zalo) are readers and stay counted.
BOT_USER_AGENT = re.compile(
    r"bot|crawl|spider|slurp|facebookexternalhit|facebookcatalog|embedly|preview|"
    r"curl|wget|python-requests|python-urllib|python-httpx|aiohttp|httpclient|"
    r"go-http-client|java/|okhttp|axios|node-fetch|libwww|scrapy|headless|phantomjs|"
    r"lighthouse|pingdom|uptime|monitor|validator|archiver",
    re.IGNORECASE,
)


# -- who is a reader --------------------------------------------------------------------


def is_bot(user_agent):
    return not user_agent.strip() or BOT_USER_AGENT.search(user_agent) is not None


def is_prefetch(request):
    """A prefetch or prerender is not a view (Sec-Purpose: prefetch[;prerender], and the
    older Purpose / X-Moz headers); views.js also waits for a prerendered page to show."""
    purpose = " ".join(
        request.headers.get(name, "") for name in ("Sec-Purpose", "Purpose", "X-Moz")
    )
    return "prefetch" in purpose.lower() or "prerender" in purpose.lower()


def counts_as_view(request):
    return not is_bot(request.headers.get("User-Agent", "")) and not is_prefetch(request)


# -- cache keys ---------------------------------------------------------------------------


def hour_of(moment):
    """The clock hour (hours since the epoch, UTC) a moment falls in."""
    return int(moment.timestamp() // HOUR)


def hour_start(hour):
    return datetime.fromtimestamp(hour * HOUR, tz=UTC)


def _counter_key(hour, article_id):
    return f"views:c:{hour}:{article_id}"


def _registry_key(hour):
    return f"views:n:{hour}"


def _entry_key(hour, number):
    return f"views:id:{hour}:{number}"


def _seen_key(address, article_id):
    # The address is hashed: no reader's IP sits in the cache.
    digest = hashlib.sha256(f"{address}|{article_id}".encode()).hexdigest()[:32]
    return f"views:seen:{digest}"


def _cache_up():
    """False while the Redis backend knows Redis is down (newsroom/cache.py): nothing can
    be counted, and trying would only fill the log."""
    return getattr(cache, "is_available", True)


def _now():
    return datetime.now(tz=UTC)


# -- counting -----------------------------------------------------------------------------


def record_view(article_id, address, now=None):
    """Count one view of a (published) article by a reader at `address`.

    True if counted; False if this address was counted for it within the rate limit,
    or the cache does not answer. Never touches the database.
    """
    if not _cache_up():
        return False
    try:
        if not cache.add(_seen_key(address, article_id), 1, RATE_LIMIT_SECONDS):
            return False
        hour = hour_of(now or _now())
        counter = _counter_key(hour, article_id)
        if cache.add(counter, 0, COUNTER_TTL):
            # First view of this article this hour: register it for the flush.
            cache.add(_registry_key(hour), 0, COUNTER_TTL)
            number = cache.incr(_registry_key(hour))
            cache.set(_entry_key(hour, number), article_id, COUNTER_TTL)
        cache.incr(counter)
        return True
    except Exception:  # a cache outage must not break reading: the view is not counted
        logger.warning("view not counted: cache unavailable", exc_info=True)
        return False


def _open_hours(now):
    """The hours whose counters may hold views not flushed yet."""
    current = hour_of(now)
    first = max(current - LOOKBACK_HOURS, cache.get(OPEN_FROM_KEY) or 0)
    return range(first, current + 1)


def pending(now=None, hours=None):
    """{(article id, hour): views} counted in the cache and not flushed yet."""
    now = now or _now()
    hours = list(hours if hours is not None else _open_hours(now))
    sizes = cache.get_many([_registry_key(hour) for hour in hours])
    entry_keys = [
        _entry_key(hour, number)
        for hour in hours
        for number in range(1, (sizes.get(_registry_key(hour)) or 0) + 1)
    ]
    counters = {}
    for key, article_id in cache.get_many(entry_keys).items():
        hour = int(key.split(":")[2])
        counters[_counter_key(hour, article_id)] = (article_id, hour)
    found = cache.get_many(list(counters))
    return {counters[key]: count for key, count in found.items() if count}


def _pending_or_nothing(now=None):
    try:
        return pending(now)
    except Exception:
        logger.warning("pending view counts unreadable: cache unavailable", exc_info=True)
        return {}


# -- flushing into the database -------------------------------------------------------------


def flush_if_due():
    """Flush if nobody did in the last FLUSH_INTERVAL seconds (called by beacons)."""
    if not _cache_up():
        return None  # nothing to flush, and no way to flush only once a minute
    try:
        if cache.add(DUE_KEY, 1, FLUSH_INTERVAL):
            return flush()
    except Exception:
        logger.warning("view counts not flushed", exc_info=True)
    return None


def flush(now=None):
    """Move the cache counters into the tables. Returns the number of views written,
    or None if another flush holds the lock."""
    now = now or _now()
    if not cache.add(LOCK_KEY, 1, FLUSH_LOCK_SECONDS):
        return None
    try:
        counts = pending(now)
        existing = set(
            Article.objects.filter(pk__in={pk for pk, _hour in counts}).values_list("pk", flat=True)
        )
        written = {key: n for key, n in counts.items() if key[0] in existing}  # purged: drop
        totals = {}
        for (article_id, _hour), n in written.items():
            totals[article_id] = totals.get(article_id, 0) + n
        with transaction.atomic():
            _add_counts(
                ArticleViewCount,
                ("article_id", "hour"),
                [(pk, hour_start(hour), n) for (pk, hour), n in written.items()],
            )
            _add_counts(ArticleViewTotal, ("article_id",), [(pk, n) for pk, n in totals.items()])
            ArticleViewCount.objects.filter(hour__lt=now - BUCKETS_KEPT).delete()
        for (article_id, hour), n in counts.items():
            with contextlib.suppress(ValueError):  # expired meanwhile
                cache.decr(_counter_key(hour, article_id), n)
        # Earlier hours are closed: no view can be counted in them any more (one hour
        # of slack for a request that straddled the hour).
        cache.set(OPEN_FROM_KEY, hour_of(now) - 1, COUNTER_TTL)
        return sum(written.values())
    finally:
        cache.delete(LOCK_KEY)


def _add_counts(model, key_fields, rows, batch=500):
    """INSERT … ON CONFLICT DO UPDATE SET count = count + new: atomic, whoever else
    flushes at the same time (both SQLite and PostgreSQL speak this UPSERT)."""
    if not rows:
        return
    meta = model._meta
    quote = connection.ops.quote_name
    amount = "count" if model is ArticleViewCount else "total"
    columns = [meta.get_field(name.removesuffix("_id")).column for name in key_fields]
    amount_column = quote(meta.get_field(amount).column)
    table = quote(meta.db_table)
    names = ", ".join([*(quote(c) for c in columns), amount_column])
    conflict = ", ".join(quote(c) for c in columns)
    placeholder = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    for start in range(0, len(rows), batch):
        chunk = rows[start : start + batch]
        params = []
        for row in chunk:
            params += [
                connection.ops.adapt_datetimefield_value(value)
                if isinstance(value, datetime)
                else value
                for value in row
            ]
        sql = (
            f"INSERT INTO {table} ({names}) VALUES {', '.join([placeholder] * len(chunk))} "
            f"ON CONFLICT ({conflict}) DO UPDATE SET "
            f"{amount_column} = {table}.{amount_column} + excluded.{amount_column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


# -- reading the counts ------------------------------------------------------------------------


def view_count(article, now=None):
    """All views of the article: flushed (its ArticleViewTotal, loaded with the page by
    `for_display`) plus the counters not flushed yet. No query."""
    try:
        flushed = article.view_total.total
    except ArticleViewTotal.DoesNotExist:
        flushed = 0
    current = hour_of(now or _now())
    keys = [_counter_key(hour, article.pk) for hour in range(current - LOOKBACK_HOURS, current + 1)]
    try:
        unflushed = sum(cache.get_many(keys).values())
    except Exception:
        unflushed = 0
    return flushed + unflushed


def most_read_ids(now=None):
    """{"day": [ids], "week": [ids]}, most read first, from the cache (recomputed every
    MOST_READ_SECONDS). The ids were published when computed; callers load them
    through `published()` again, so an article hidden since never shows."""
    try:
        found = cache.get(MOST_READ_KEY)
    except Exception:
        found = None
    if found is None:
        found = compute_most_read(now)
        with contextlib.suppress(Exception):  # no cache: computed again next time
            cache.set(MOST_READ_KEY, found, MOST_READ_SECONDS)
    return found


def compute_most_read(now=None):
    """The most-read lists from the buckets and the counters not flushed yet.

    Each window's MOST_READ_CANDIDATES most read articles are summed from the buckets
    alone (an aggregate over the small bucket table), then ONE query keeps the
    published ones: joining every published article instead would scan the articles
    table. An article hidden since it was read thus costs a place among the
    candidates, never a place in the list.
    """
    now = now or _now()
    unflushed = _pending_or_nothing(now)
    windows = {}
    for name, length in WINDOWS.items():
        since = now - length
        in_window = {}
        for (article_id, hour), n in unflushed.items():
            if hour_start(hour) > since:
                in_window[article_id] = in_window.get(article_id, 0) + n
        buckets = ArticleViewCount.objects.filter(hour__gt=since).values("article")
        top = buckets.annotate(views=Sum("count")).order_by("-views", "-article")
        totals = {row["article"]: row["views"] for row in top[:MOST_READ_CANDIDATES]}
        extra = set(in_window) - set(totals)
        if extra:
            # Read since the last flush: their flushed views count too.
            for row in buckets.filter(article__in=extra).annotate(views=Sum("count")):
                totals[row["article"]] = row["views"]
        for pk, n in in_window.items():
            totals[pk] = totals.get(pk, 0) + n
        windows[name] = totals
    candidates = set().union(*windows.values())
    visible = set(
        Article.objects.published().filter(pk__in=candidates).values_list("pk", flat=True)
    )
    return {
        name: [
            pk
            for pk, _views in sorted(totals.items(), key=lambda item: (-item[1], -item[0]))
            if pk in visible
        ][:MOST_READ_KEPT]
        for name, totals in windows.items()
    }


def client_address(request):
    """The reader's address (newsroom.http.client_ip: behind a trusted proxy, the
    address it forwarded)."""
    return client_ip(request)
