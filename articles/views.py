"""Public pages. Every article list starts from `Article.objects.published()`."""

import hashlib
import logging
from urllib.parse import urlencode

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from articles import discovery, readership, seo
from articles.context_processors import menu_sections, public_chrome
from articles.models import Article, Author, Category, Correction, EventThread, PreviewLink, Tag
from articles.models.article import SEARCH_CANDIDATES
from articles.models.search import QueryTooSlow, time_budget
from articles.pagination import page_or_404, ranked_page_or_404
from articles.search import SearchQuery
from newsroom.db_router import no_pin_cookie

logger = logging.getLogger(__name__)

HOME_LATEST = 12
HOME_PER_CATEGORY = 4
SUGGESTION_BUDGET_MS = 150  # typo suggestions on a search that matched nothing


def home(request):
    """The front page: the lead story, the latest news, then a block per section.

    A fixed number of queries whatever the number of sections or articles: every
    list's ids in one UNION of small indexed queries (the most-read ids from the
    cache), then one query for all cards.
    """
    published = Article.objects.published().latest_first()
    sections = menu_sections(request)
    slots = {
        # The newest featured article leads; without one, the newest article.
        "featured": published.featured()[:1],
        "latest": published[: HOME_LATEST + 1],
        **{section.pk: published.in_category(section)[:HOME_PER_CATEGORY] for section in sections},
    }
    ids = published.latest_ids_by_slot(slots)
    lead_id = next(iter(ids["featured"] or ids["latest"]), None)
    latest_ids = [pk for pk in ids["latest"] if pk != lead_id][:HOME_LATEST]
    most_read = readership.most_read_ids()
    wanted = {lead_id, *latest_ids, *(pk for s in sections for pk in ids[s.pk])} - {None}
    wanted |= set(discovery.most_read_wanted(most_read))
    cards = Article.objects.published().for_listing().in_bulk(wanted)
    blocks = [
        (section, [cards[pk] for pk in ids[section.pk]]) for section in sections if ids[section.pk]
    ]
    return render(
        request,
        "articles/home.html",
        {
            "featured": cards.get(lead_id),
            "latest": [cards[pk] for pk in latest_ids],
            "blocks": blocks,
            "most_read": discovery.most_read_cards(most_read, cards),
            "meta": seo.home_meta(request),
        },
    )


def category_detail(request, slug):
    # The section and its menu's sub-sections in one query.
    rows = list(
        Category.objects.select_related("parent").filter(
            Q(slug=slug) | Q(parent__slug=slug, show_in_menu=True)
        )
    )
    category = next((row for row in rows if row.slug == slug), None)
    if category is None:
        raise Http404("Chuyên mục không tồn tại.")
    articles = Article.objects.published().in_category(category).for_listing().latest_first()
    page = page_or_404(articles, request, count_key=f"category:{category.pk}")
    return render(
        request,
        "articles/category_detail.html",
        {
            "category": category,
            "page_obj": page,
            "subcategories": [row for row in rows if row.parent_id == category.pk],
            "most_read": discovery.most_read_box(),
            "meta": seo.category_meta(request, category, page.number),
        },
    )


def article_detail(request, slug, pk):
    article = get_object_or_404(Article.objects.published().for_display(), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    context = _article_context(request, article, discovery.article_boxes(article))
    context["view_count"] = readership.view_count(article)
    context["section"] = discovery.section_of(article)
    return render(request, "articles/article_detail.html", context)


def _article_context(request, article, boxes=None, preview=None):
    corrections = list(article.corrections.all())
    return {
        "article": article,
        "tags": article.tag_list,
        "lead_photo": article.lead_photo_outside_body,
        "extra_photos": article.photo_uses_outside_body,
        "corrections": corrections,
        "boxes": boxes or discovery.ArticleBoxes(),
        "preview": preview,
        "meta": seo.article_meta(request, article, corrections=corrections, preview=preview),
    }


def render_article_preview(request, article, *, revision=None, shared=False, chrome=False):
    """Any version of an article in the public template, marked and never cached or indexed.

    `chrome`: add the public masthead, date line and section menu, for a preview served
    under /admin/ (where the `site_chrome` context processor adds nothing)."""
    article = Article.objects.for_display().get(pk=article.pk)
    if revision is not None:
        for name in ("title", "slug", "sapo", "body", "source"):
            setattr(article, name, revision.content.get(name, getattr(article, name)))
    preview = {"revision": revision, "shared": shared}
    context = _article_context(request, article, preview=preview)
    if chrome:
        context.update(public_chrome(request))
    response = render(request, "articles/article_detail.html", context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def shared_preview(request, token):
    """An outsider's view through a signed link: one article, until expiry or revocation."""
    link = PreviewLink.resolve(token)
    # A trashed or taken-down article is out of outsiders' reach, old links included.
    article = link.article if link else None
    if article is None or article.is_deleted or article.status == Article.Status.TAKEN_DOWN:
        raise Http404("Liên kết xem trước không hợp lệ hoặc đã hết hạn.")
    if article.is_published:
        # Its purpose is served: readers' page from now on, never the draft view.
        return redirect(article.get_absolute_url())
    return render_article_preview(request, article, shared=True)


def corrections(request):
    """Every correction notice on a published article (Press Law art. 42)."""
    notices = Correction.objects.public().select_related("article", "article__category")
    page = page_or_404(notices, request)
    return render(request, "articles/corrections.html", {"page_obj": page})


def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = Article.objects.published().by_author(author).for_listing().latest_first()
    page = page_or_404(articles, request, count_key=f"author:{author.pk}")
    return render(
        request,
        "articles/author_detail.html",
        {"author": author, "page_obj": page, "meta": seo.author_meta(request, author, page.number)},
    )


def search(request):
    """/tim-kiem/?q=…: published articles matching the words, best first.

    A query with no word in it gets a page asking for one, without touching the
    articles; one matching nothing offers articles with close titles (typos, on
    PostgreSQL). Search pages are never indexed by search engines.
    """
    query = SearchQuery.parse(request.GET.get("q", ""))
    page, near = None, []
    if query:
        page = ranked_page_or_404(
            Article.objects.published().search(query),
            request,
            rows=Article.objects.published().for_listing(),
            cache_key="search:" + hashlib.sha256(query.key.encode()).hexdigest(),
        )
        if not page.paginator.count:
            near = _near_titles(query)
    response = render(
        request,
        "articles/search.html",
        {
            "query": query,
            "search_text": query.text,
            "page_obj": page,
            "near": near,
            "result_count": _result_count(page.paginator.count) if page else "",
            "page_query": urlencode({"q": query.text}),
        },
    )
    response["X-Robots-Tag"] = "noindex"
    return response


def _near_titles(query):
    """Close titles for a query that matched nothing (typos): a suggestion, never worth a
    slow page. On 100,000 articles whose titles share many words, the trigram scan took
    up to a second; past SUGGESTION_BUDGET_MS the page simply offers none."""
    try:
        with time_budget(SUGGESTION_BUDGET_MS):
            return list(Article.objects.published().near_titles(query).for_listing())
    except QueryTooSlow:
        logger.info("typo suggestions skipped: over %s ms", SUGGESTION_BUDGET_MS)
        return []


def _result_count(count):
    """ "25", "1.234" (Vietnamese thousands), or "hơn 500" past what search ranks."""
    if count > SEARCH_CANDIDATES:
        return "hơn " + f"{SEARCH_CANDIDATES:,}".replace(",", ".")
    return f"{count:,}".replace(",", ".")


def tag_detail(request, slug):
    """/tu-khoa/<slug>/: the tag's published articles, newest first.

    A tag no published article carries is a 404, like an unknown one: a tag typed on
    an embargoed draft must not announce its subject, and crawlers get no empty pages.
    """
    tag = get_object_or_404(Tag, slug=slug)
    articles = Article.objects.published().tagged(tag).for_listing().latest_first()
    page = page_or_404(articles, request, count_key=f"tag:{tag.pk}")
    if not page.object_list:
        raise Http404("Từ khóa chưa có bài viết.")
    return render(
        request,
        "articles/tag_detail.html",
        {"tag": tag, "page_obj": page, "meta": seo.tag_meta(request, tag, page.number)},
    )


def thread_detail(request, slug):
    """/dong-su-kien/<slug>/: the running story, newest first, under its title and
    description. 404 until one of its articles is published (same reason as tags)."""
    thread = get_object_or_404(EventThread, slug=slug)
    articles = Article.objects.published().in_thread(thread).for_listing().latest_first()
    page = page_or_404(articles, request, count_key=f"thread:{thread.pk}")
    if not page.object_list:
        raise Http404("Dòng sự kiện chưa có bài viết.")
    return render(
        request,
        "articles/thread_detail.html",
        {"thread": thread, "page_obj": page, "meta": seo.thread_meta(request, thread, page.number)},
    )


@csrf_exempt  # a beacon carries no token; it changes nothing but a counter
@require_POST
@no_pin_cookie
def record_view(request, pk):
    """The article page's beacon (static/js/views.js): one view of a published article.

    204 whether counted or not (a bot, a prefetch, a repeat within the rate limit);
    404 for an id readers cannot see. Writes to the cache only, except the flush that
    falls due at most once a minute. Sets no cookie.
    """
    pk = int(pk)
    response = HttpResponse(status=204)
    response["Cache-Control"] = "no-store"
    if not readership.counts_as_view(request):
        return response
    if not Article.objects.published().filter(pk=pk).exists():
        raise Http404("Bài viết không tồn tại.")
    if readership.record_view(pk, readership.client_address(request)):
        readership.flush_if_due()
    return response


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; point them at the static file."""
    return redirect(static("favicon.ico"), permanent=True)
