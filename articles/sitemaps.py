"""What crawlers read: robots.txt, the sitemap index, its sections and the news sitemap.

    /robots.txt                 private paths disallowed, both sitemaps named
    /sitemap.xml                index of the sections below, each page with its lastmod
    /sitemap-trang.xml          home, corrections, the RSS page
    /sitemap-chuyen-muc.xml     every section page
    /sitemap-tac-gia.xml        authors with at least one published article
    /sitemap-tu-khoa.xml        tags with at least one published article
    /sitemap-dong-su-kien.xml   event threads with at least one published article
    /sitemap-bai-viet.xml?p=N   published articles, oldest first, 5,000 per page
    /sitemap-news.xml           Google News: articles published in the last 48 hours

Built on django.contrib.sitemaps without the sites framework: its views use
`RequestSite`, so URLs take the scheme and host of the request (ALLOWED_HOSTS
decides which hosts exist).

Articles are listed oldest first so that a page, once full, keeps its articles and
its lastmod (a new article lands on the last page only); each page is one indexed
LIMIT/OFFSET query of four columns, never the whole table. The index gives every
article page its own lastmod from one grouped query.
"""

from datetime import UTC, timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.db import connection
from django.db.models import Count, F, Max, OuterRef, Q, Subquery, Window
from django.db.models.functions import Greatest, RowNumber
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from articles.models import (
    Article,
    Author,
    Byline,
    Category,
    Correction,
    EventThread,
    Tag,
)

ARTICLES_PER_SITEMAP = 5000
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000  # Google News reads at most 1,000 URLs per news sitemap
ROBOTS_DISALLOW = ("/admin/", "/quan-tri/", "/xem-truoc/", "/tim-kiem/")


def newest_publication():
    """Publication time of the newest article readers can see now (an index probe)."""
    return (
        Article.objects.published()
        .order_by("-published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def _newest(queryset, field):
    return queryset.order_by(f"-{field}").values_list(field, flat=True).first()


class PagedSitemap(Sitemap):
    """A sitemap that can tell the index its pages and their lastmod cheaply.

    `shared`: figures several sections need, computed once per index (the newest
    publication, the tag and thread counts).
    """

    def __init__(self, shared=None):
        self.shared = {} if shared is None else shared

    def once(self, name, compute):
        if name not in self.shared:
            self.shared[name] = compute()
        return self.shared[name]

    def pages(self):
        """[(page number, lastmod or None)] for the index; none for an empty section."""
        paginator = self.paginator
        if not paginator.count:
            return []
        return [(number, self.get_latest_lastmod()) for number in paginator.page_range]


class StaticSitemap(PagedSitemap):
    def items(self):
        return ["articles:home", "articles:corrections", "articles:rss"]

    def location(self, name):
        return reverse(name)

    def lastmod(self, name):
        if not hasattr(self, "_lastmods"):
            self._lastmods = {
                "articles:home": self.once("newest", newest_publication),
                "articles:corrections": _newest(Correction.objects.public(), "created_at"),
            }
        return self._lastmods.get(name)

    def get_latest_lastmod(self):
        return max((t for t in map(self.lastmod, self.items()) if t), default=None)


class CategorySitemap(PagedSitemap):
    def items(self):
        newest = (
            Article.objects.published()
            .filter(Q(category_id=OuterRef("pk")) | Q(category__parent_id=OuterRef("pk")))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return Category.objects.annotate(newest=Subquery(newest)).only("slug")

    def lastmod(self, category):
        return category.newest

    def get_latest_lastmod(self):
        return self.once("newest", newest_publication)  # every article is in some section


class AuthorSitemap(PagedSitemap):
    def items(self):
        newest = (
            Article.objects.published()
            .filter(byline_entries__author=OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return (
            Author.objects.annotate(newest=Subquery(newest))
            .filter(newest__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, author):
        return author.newest

    def get_latest_lastmod(self):
        signed = Article.objects.published().filter(pk__in=Byline.objects.values("article_id"))
        return _newest(signed, "published_at")


class GroupSitemap(PagedSitemap):
    """Pages of groups of articles (tags, threads): those with a published article."""

    def _group_pages(self, kind):
        figures = self.once("groups", _group_figures)
        pages = -(-figures[kind] // self.limit)
        return [(number, figures[f"{kind}_newest"]) for number in range(1, pages + 1)]


class TagSitemap(GroupSitemap):
    """Tags carrying at least one published article (the others are 404 pages)."""

    def items(self):
        newest = (
            Article.objects.published()
            .filter(tag_entries__tag=OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return (
            Tag.objects.annotate(newest=Subquery(newest))
            .filter(newest__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, tag):
        return tag.newest

    def pages(self):
        return self._group_pages("tags")


class ThreadSitemap(GroupSitemap):
    """Event threads with at least one published article."""

    def items(self):
        newest = (
            Article.objects.published()
            .filter(thread=OuterRef("pk"))
            .order_by("-published_at")
            .values("published_at")[:1]
        )
        return (
            EventThread.objects.annotate(newest=Subquery(newest))
            .filter(newest__isnull=False)
            .only("slug")
            .order_by("pk")
        )

    def lastmod(self, thread):
        return thread.newest

    def pages(self):
        return self._group_pages("threads")


def _group_figures():
    """How many tags and threads have a published article, and the newest publication
    of each kind: ONE query for both index sections."""
    return Article.objects.published().aggregate(
        tags=Count("tag_entries__tag", distinct=True),
        tags_newest=Max("published_at", filter=Q(tag_entries__isnull=False)),
        threads=Count("thread", distinct=True),
        threads_newest=Max("published_at", filter=Q(thread__isnull=False)),
    )


class ArticleSitemap(PagedSitemap):
    limit = ARTICLES_PER_SITEMAP

    @staticmethod
    def _modified():
        # A scheduled article is saved before it appears: its publication is newer.
        return Greatest("updated_at", "published_at")

    def items(self):
        return (
            Article.objects.published()
            .order_by("published_at", "pk")
            .annotate(modified=self._modified())
            .only("pk", "slug", "published_at", "updated_at")
        )

    def lastmod(self, article):
        return article.modified

    def pages(self):
        """Every page's newest modification in one grouped query over the index.

        Rows are numbered in the order the pages list them (the paginator's), so
        page N's lastmod covers exactly the articles /sitemap-bai-viet.xml?p=N shows.
        """
        numbered = (
            Article.objects.published()
            .order_by()
            .annotate(
                position=Window(RowNumber(), order_by=[F("published_at").asc(), F("pk").asc()]),
                modified=self._modified(),
            )
            .values("position", "modified")
        )
        inner, params = numbered.query.sql_with_params()
        position, modified = (connection.ops.quote_name(n) for n in ("position", "modified"))
        page = f"({position} - 1) / %s"
        sql = f"SELECT {page}, MAX({modified}) FROM ({inner}) numbered GROUP BY {page} ORDER BY 1"
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.limit, *params, self.limit])
            rows = cursor.fetchall()
        return [(int(index) + 1, _as_datetime(value)) for index, value in rows]


def _as_datetime(value):
    """A datetime read by raw SQL: SQLite returns text in UTC, PostgreSQL a datetime."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value, UTC)
    return value


class NewsSitemap(Sitemap):
    limit = NEWS_LIMIT

    def items(self):
        since = timezone.now() - NEWS_WINDOW
        return (
            Article.objects.published_since(since)
            .latest_first()
            .only("pk", "slug", "title", "published_at")[:NEWS_LIMIT]
        )


SECTIONS = {
    "trang": StaticSitemap,
    "chuyen-muc": CategorySitemap,
    "tac-gia": AuthorSitemap,
    "tu-khoa": TagSitemap,
    "dong-su-kien": ThreadSitemap,
    "bai-viet": ArticleSitemap,
}


@sitemap_views.x_robots_tag
def index(request):
    entries, shared = [], {}
    for name, sitemap_class in SECTIONS.items():
        location = request.build_absolute_uri(reverse("sitemap_section", args=[name]))
        for number, lastmod in sitemap_class(shared).pages():
            url = location if number == 1 else f"{location}?p={number}"
            entries.append(sitemap_views.SitemapIndexItem(url, lastmod))
    return TemplateResponse(
        request, "sitemaps/index.xml", {"sitemaps": entries}, content_type="application/xml"
    )


def section(request, section):
    return sitemap_views.sitemap(
        request, SECTIONS, section=section, template_name="sitemaps/urlset.xml"
    )


def news(request):
    return sitemap_views.sitemap(
        request, {"news": NewsSitemap}, section="news", template_name="sitemaps/news.xml"
    )


def robots_txt(request):
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in ROBOTS_DISALLOW), ""]
    for name in ("sitemap_index", "sitemap_news"):
        lines.append(f"Sitemap: {request.build_absolute_uri(reverse(name))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
