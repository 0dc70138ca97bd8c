"""Whole public pages for anonymous readers, cached and invalidated exactly.

A hit is served from the cache without touching the database. Every cached page
carries the *content generation* it was built under; anything readers may see
changing (an article published, edited, unpublished, taken down; a section, byline,
photo caption, correction or the masthead edited) bumps the generation, so no page
built before the change is served after it — no pattern deletes, nothing to find.
A scheduled article becomes visible by itself: the generation also moves when the
next scheduled publish time passes (checked on each request, no cron).

When a page must be rebuilt, one request rebuilds it and the others wait for it
(single flight) — or, if only its minute-long lifetime ran out and nothing changed,
get the previous copy meanwhile (stale-while-revalidate). If rebuilding fails
because the database is down, the last copy is served (stale-if-error): copies are
kept PAGE_CACHE_STALE_SECONDS past their lifetime for that; without one the reader
gets the 503 maintenance page (newsroom/outage.py).

Logged-in staff (any request with a session cookie) always get a fresh page, and
such pages are marked private. Anonymous pages set no cookie and vary on nothing.
"""

import hashlib
import os
import threading
import time
from contextlib import nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control
from django.utils.http import http_date, parse_http_date_safe

from newsroom import outage
from newsroom.db_router import primary_only

# Public pages cached whole: URL name -> the query parameters that change the page.
CACHEABLE_VIEWS = {
    "articles:home": (),
    "articles:category": ("page",),
    "articles:detail": (),
    "articles:author": ("page",),
    "articles:tag": ("page",),
    "articles:thread": ("page",),
    "articles:corrections": ("page",),
    "articles:rss": (),
    "articles:rss_latest": (),
    "articles:rss_category": (),
    "sitemap_index": (),
    "sitemap_section": ("p",),
    "sitemap_news": (),
    "robots_txt": (),
}

STATE_KEY = "pagecache:state"
BUMP_LOCK_KEY = "pagecache:bump-lock"
WAIT_STEP = 0.02  # seconds between looks at the cache while another request rebuilds


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


# -- the content generation ----------------------------------------------------------


@dataclass(frozen=True)
class State:
    generation: int
    next_due: float | None  # epoch seconds of the next scheduled publication
    # The generation at the last withdrawal (an article that readers had seen was
    # unpublished, taken down, trashed or purged): no copy built before it is served,
    # even stale while the database is down.
    floor: int = 0


class _CacheStateStore:
    """The state in the shared cache (Redis): every app server sees one generation."""

    def read(self):
        raw = cache.get(STATE_KEY)
        return State(*raw) if raw else None

    def write(self, state):
        cache.set(STATE_KEY, (state.generation, state.next_due, state.floor), None)


class _FileStateStore:
    """The state in a small file: processes of one machine (gunicorn workers with a
    per-process local-memory cache) agree on the generation without Redis."""

    def __init__(self, path):
        self.path = Path(path)

    def read(self):
        try:
            generation, due, *floor = self.path.read_text().split()
            return State(
                int(generation), float(due) if due != "-" else None, int(floor[0]) if floor else 0
            )
        except (OSError, ValueError):
            return None

    def write(self, state):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One temporary file per thread, not per process: two threads of one gunicorn
        # worker (--threads) saving at once would otherwise write the same file, and
        # the second os.replace would find it gone (FileNotFoundError: a 500).
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.{threading.get_ident()}")
        due = "-" if state.next_due is None else repr(state.next_due)
        temporary.write_text(f"{state.generation} {due} {state.floor}")
        os.replace(temporary, self.path)


def _store():
    if settings.PAGE_CACHE_STATE_FILE:
        return _FileStateStore(settings.PAGE_CACHE_STATE_FILE)
    return _CacheStateStore()


def _next_scheduled_publication():
    from articles.models import Article

    moment = (
        Article.objects.scheduled()
        .order_by("published_at")
        .values_list("published_at", flat=True)[:1]
    )
    moment = next(iter(moment), None)
    return moment.timestamp() if moment else None


def current_state(now=None):
    """The generation pages must carry now; moves on when a scheduled article is due."""
    store = _store()
    state = store.read()
    now = now or time.time()
    if state is None or (state.next_due is not None and now >= state.next_due):
        try:
            state = bump(store=store)
        except (DatabaseError, InterfaceError):
            # The database is down: the next scheduled publication cannot be looked up
            # (nor shown). Keep the generation we have so its pages stay servable as
            # stale copies; a generation-less start gets an unknown one (nothing hits).
            if state is None:
                raise
    return state


def bump_after_commit(article=None, **kwargs):
    """Signal receiver: bump once the change is committed (a rebuild before the commit
    would read, and keep, the old content)."""
    from django.db import transaction

    # `article` comes with services.article_changed only (model signals send `instance`).
    withdrawn = _withdrawn(article)
    transaction.on_commit(lambda: bump(withdrawn=withdrawn))


def _withdrawn(article):
    """An article readers may have seen is no longer public."""
    return (
        article is not None
        and article.first_published_at is not None
        and (not article.is_published or article.deleted_at is not None)
    )


def bump_after_outage(**kwargs):
    """The cache came back after an outage: changes made meanwhile could not move the
    generation it holds, so move it now (and keep withdrawals out of stale copies)."""
    with suppress(DatabaseError, InterfaceError):  # the database is down too: the next
        bump(withdrawn=True)  # change or due time bumps


def bump(store=None, withdrawn=False):
    """Something readers see changed: no page built before now may be served (and, if
    something was withdrawn, not even as a stale copy while the database is down)."""
    store = store or _store()
    previous = store.read()
    # Nanoseconds keep generations increasing across restarts and processes.
    generation = max(time.time_ns(), (previous.generation + 1) if previous else 0)
    floor = generation if withdrawn else (previous.floor if previous else 0)
    state = State(generation, _next_scheduled_publication(), floor)
    store.write(state)
    return state


# -- entries ---------------------------------------------------------------------------


# Headers of the built response worth keeping with the copy (the rest are set anew).
KEPT_HEADERS = ("Content-Type", "X-Robots-Tag", "Content-Language")


@dataclass
class Entry:
    generation: int
    built_at: float  # when this copy was made (its lifetime counts from here)
    modified_at: float  # when its content last changed (Last-Modified)
    content: bytes
    headers: dict
    etag: str


def page_key(request, url_name):
    """One key per page: scheme, host, path and only the parameters that change it (an
    arbitrary ?utm=… must not create new entries or bypass the cache)."""
    params = CACHEABLE_VIEWS[url_name]
    query = "&".join(f"{name}={request.GET.get(name, '')}" for name in params)
    raw = f"{request.scheme}://{request.get_host()}{request.path}?{query}"
    return "page:" + hashlib.sha256(raw.encode()).hexdigest()


def _current(entry, state):
    """A copy built under the current generation and still within its lifetime."""
    return (
        entry is not None
        and entry.generation == state.generation
        and time.time() - entry.built_at < settings.PAGE_CACHE_SECONDS
    )


def _response_from(entry, request, state_label):
    """The copy as a response: 304 when the client's copy is this one (its ETag, or a
    date no older than the build — the copy has not changed since it was built)."""
    if _not_modified(request, entry):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(entry.content)
        for name, value in entry.headers.items():
            response[name] = value
    response["ETag"] = entry.etag
    response["Last-Modified"] = http_date(int(entry.modified_at))
    response["X-Page-Cache"] = state_label
    # Short enough for a documented staleness bound in browsers, CDNs and nginx.
    response["Cache-Control"] = f"public, max-age={settings.PAGE_CACHE_PUBLIC_MAX_AGE}"
    return response


def _not_modified(request, entry):
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:  # RFC 9110: If-None-Match wins over If-Modified-Since
        tags = {tag.strip() for tag in if_none_match.split(",")}
        return entry.etag in tags or "*" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and since >= int(entry.modified_at)


def _cacheable_response(response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in response.get("Cache-Control", "")
        and "no-store" not in response.get("Cache-Control", "")
    )


# -- the middleware --------------------------------------------------------------------


class PageCacheMiddleware:
    """Serves and stores the pages of CACHEABLE_VIEWS for anonymous GET requests.

    Placed last, so it sees the resolved view: on a hit (or a wait for another
    request's rebuild) the view never runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "page_cache_bypass", False):
            # A logged-in user's page: never kept by a shared cache in front.
            patch_cache_control(response, private=True, no_cache=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        url_name = match.view_name if match else None
        if url_name not in CACHEABLE_VIEWS or request.method not in ("GET", "HEAD"):
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            request.page_cache_bypass = True  # staff: always fresh, never stored
            return None
        if not enabled():
            return None
        return self._serve(request, url_name, lambda: view_func(request, *view_args, **view_kwargs))

    def _serve(self, request, url_name, build):
        state = current_state()
        key = page_key(request, url_name)
        entry = cache.get(key)
        if _current(entry, state):
            return _response_from(entry, request, "HIT")
        lock = key + ":lock"
        if entry is not None and entry.generation == state.generation:
            # Only its lifetime ran out: one request rebuilds, the others get this copy.
            if not cache.add(lock, 1, settings.PAGE_CACHE_LOCK_SECONDS):
                return _response_from(entry, request, "STALE")
        elif not cache.add(lock, 1, settings.PAGE_CACHE_LOCK_SECONDS):
            # Content changed (or no copy): never serve the old copy; wait for the one
            # request rebuilding it.
            fresh = self._wait_for_rebuild(key, state)
            if fresh is not None:
                return _response_from(fresh, request, "HIT")
            return self._rebuild(request, key, state, build, stale=entry, locked=False)
        # The lock is ours. Someone may have stored a new copy between our first look
        # and taking the lock (and released it since): look again before building.
        latest = cache.get(key)
        if _current(latest, state):
            cache.delete(lock)
            return _response_from(latest, request, "HIT")
        return self._rebuild(request, key, state, build, stale=latest or entry)

    def _wait_for_rebuild(self, key, state):
        deadline = time.monotonic() + settings.PAGE_CACHE_LOCK_SECONDS
        while time.monotonic() < deadline:
            time.sleep(WAIT_STEP)
            entry = cache.get(key)
            if entry is not None and entry.generation == state.generation:
                return entry
            if cache.get(key + ":lock") is None:
                # Released: the copy is stored first, so look once more; none means the
                # builder gave up (an error page): build ourselves.
                entry = cache.get(key)
                return entry if entry is not None and entry.generation == state.generation else None
        return None

    def _rebuild(self, request, key, state, build, *, stale, locked=True):
        try:
            return self._build_and_store(request, key, state, build, stale=stale)
        finally:
            # Released only once the new copy is stored: a waiter seeing no lock and no
            # new copy would otherwise build the page a second time.
            if locked:
                cache.delete(key + ":lock")

    def _build_and_store(self, request, key, state, build, *, stale):
        # Just after a change (generations are bump times in ns), read the primary: a
        # replica still behind it would be cached as current.
        just_changed = time.time_ns() - state.generation < settings.REPLICA_PIN_SECONDS * 1e9
        try:
            with primary_only() if just_changed else nullcontext():
                response = build()
                if hasattr(response, "render") and not response.is_rendered:
                    response = response.render()
        except (DatabaseError, InterfaceError) as error:
            if stale is not None and stale.generation >= state.floor:
                return _response_from(stale, request, "STALE-IF-ERROR")
            if outage.is_database_down(error):
                # Raised here (process_view), it would skip the outage middleware.
                return outage.unavailable_response(request)
            raise
        if not _cacheable_response(response):
            return response
        content = response.content
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        now = time.time()
        if stale is not None and stale.etag == etag:
            modified_at = stale.modified_at  # the same content: unchanged since then
        elif stale is not None:
            # HTTP dates have whole seconds: a change within the same second as the
            # previous copy must still be newer for If-Modified-Since.
            modified_at = max(now, int(stale.modified_at) + 1)
        else:
            modified_at = now
        entry = Entry(
            generation=state.generation,
            built_at=now,
            modified_at=modified_at,
            content=content,
            headers={name: response[name] for name in KEPT_HEADERS if name in response},
            etag=etag,
        )
        cache.set(key, entry, settings.PAGE_CACHE_SECONDS + settings.PAGE_CACHE_STALE_SECONDS)
        return _response_from(entry, request, "MISS")
