"""Conditional GET for public pages, feeds and sitemaps: ETag, Last-Modified and 304.

A validator is computed from one or two indexed probes before the view runs, so a
reader or crawler whose copy is current gets a 304 without the page being queried or
rendered. What goes into a validator is everything that can change what the response
shows without the URL changing:

* the newest *visible* publication time, worked out at request time — a scheduled
  article becoming due changes pages although no row changes;
* the newest save of any article, whatever its state — publishing, editing, taking
  down, unpublishing and trashing all save the article, and a removal must not be
  answered with a 304 of a page that still lists it;
* for an article page: its own save time, its newest correction, and the ids and
  times of its section's newest articles (the "Cùng chuyên mục" box);
* the masthead (site settings, cached) and the deployed templates and code, so a
  deploy or a new hotline is not hidden behind an old ETag (these two have no
  reliable time, so they are in the ETag only).

ETags are weak (the page header shows the current minute, so two 200s for one
validator need not be byte-identical). Last-Modified is the newest of those times;
a client sending only If-Modified-Since therefore sees edits, publications and
removals too, but not a masthead change, a deploy, or a related article taken down
from an article page's box (the ETag covers those; browsers and caches send both).

Responses get `Cache-Control: no-cache` unless the view set its own: with a
Last-Modified header and no explicit freshness, browsers would otherwise reuse a
page for a while without asking (heuristic freshness). Page caching itself is not
done here.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from functools import cache, wraps
from pathlib import Path

from django.conf import settings
from django.db.models import Max, Subquery
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from articles.models import Article, SiteSettings


@dataclass(frozen=True)
class Validators:
    """What one response depends on: `parts` (hashed into the ETag) and its newest time."""

    parts: tuple
    last_modified: datetime | None

    @property
    def etag(self):
        site = SiteSettings.load()
        masthead = tuple(getattr(site, field.attname) for field in site._meta.concrete_fields)
        fingerprint = repr((code_version(), masthead, self.parts)).encode()
        return f'W/"{hashlib.blake2b(fingerprint, digest_size=12).hexdigest()}"'

    @property
    def timestamp(self):
        """Last-Modified in whole seconds (HTTP dates have none), or None.

        Data times only: a deploy changes the ETag, not the date (file times can lie,
        e.g. unpacked from an archive made elsewhere, and would pin the date).
        """
        return int(self.last_modified.timestamp()) if self.last_modified else None


def code_version():
    """Newest modification time of the templates, static files and Python code deployed.

    Read once per process (every worker of one deploy sees the same files and agrees);
    on every request with DEBUG on, where templates are edited under a running server.
    """
    return _files_mtime() if settings.DEBUG else _deployed_mtime()


@cache
def _deployed_mtime():
    return _files_mtime()


def _files_mtime():
    roots = [Path(settings.BASE_DIR) / "templates", Path(settings.BASE_DIR) / "static"]
    roots.append(Path(__file__).resolve().parent)
    files = (
        path
        for root in roots
        for path in root.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    )
    return max((path.stat().st_mtime for path in files), default=0.0)


def _newest(*times):
    present = [t for t in times if t is not None]
    return max(present) if present else None


def newest_publication():
    """Publication time of the newest article readers can see now (an index probe)."""
    return (
        Article.objects.published()
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def public_lists(request, *args, **kwargs):
    """Validators of every list of articles: home, sections, authors, feeds, sitemaps.

    One query made of two index probes: the newest save of any article (whatever its
    state, on purpose: a take-down, unpublish or trash is a save of an article that
    is no longer published) and the newest visible publication. Global rather than
    per section: a new article anywhere only costs the other lists one full response.
    """
    newest_visible = (
        Article.objects.published().order_by("-published_at").values("published_at")[:1]
    )
    row = (
        Article.objects.order_by("-updated_at")
        .annotate(newest_visible=Subquery(newest_visible))
        .values_list("newest_visible", "updated_at")
        .first()
    ) or (None, None)
    return Validators(parts=("lists", *row), last_modified=_newest(*row))


# The article page's "Cùng chuyên mục" box lists the section's 5 newest other articles;
# the section's 6 newest (the article itself perhaps among them) cover it.
SECTION_WINDOW = 6


def article_page(request, slug, pk):
    """Validators of one published article's page; None (no 304) for anything else.

    Two queries: the article (its save, publication, newest correction, lead photo's
    renditions) and the ids and times of its section's newest articles, so a related
    article published, edited or taken down changes the ETag too.
    """
    row = (
        Article.objects.published()
        .filter(pk=pk)
        .annotate(newest_correction=Max("corrections__created_at"))
        .values_list(
            "slug",
            "category_id",
            "updated_at",
            "published_at",
            "newest_correction",
            "lead_photo__renditions_ready_at",
        )
        .first()
    )
    if row is None or row[0] != slug:
        return None  # the view answers 404 or redirects to the right slug
    section = list(
        Article.objects.published()
        .filter(category_id=row[1])
        .latest_first()
        .values_list("pk", "updated_at", "published_at")[:SECTION_WINDOW]
    )
    times = [*row[2:], *(t for _, updated, published in section for t in (updated, published))]
    return Validators(parts=("article", *row, *section), last_modified=_newest(*times))


def conditional(validators_for):
    """Decorate a view: answer 304 (or 412) when the client's copy is current.

    `validators_for(request, *args, **kwargs)` returns Validators, or None to let the
    view answer unconditionally. Like django.views.decorators.http.condition, but one
    function computes both validators (one set of queries), headers are only added to
    200 responses and 304s, and a freshness default is set.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            validators = validators_for(request, *args, **kwargs)
            # "If-None-Match: *" asks whether the resource exists at all, which only the
            # view knows (the list validators are site-wide): let it answer.
            if validators is None or request.headers.get("If-None-Match", "").strip() == "*":
                return view(request, *args, **kwargs)
            etag, timestamp = validators.etag, validators.timestamp
            response = get_conditional_response(request, etag=etag, last_modified=timestamp)
            if response is None:
                response = view(request, *args, **kwargs)
                if response.status_code != 200:
                    return response
            response.headers["ETag"] = etag
            # Replaces the Last-Modified that Feed and the sitemap views set from their
            # items alone, so If-Modified-Since is judged against the same validator.
            if timestamp is not None:
                response.headers["Last-Modified"] = http_date(timestamp)
            else:
                response.headers.pop("Last-Modified", None)
            response.headers.setdefault("Cache-Control", "no-cache")
            return response

        return wrapped

    return decorator
