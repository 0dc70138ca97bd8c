"""Public pages. Every article list starts from `Article.objects.published()`."""

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static

from articles import conditional, seo
from articles.models import Article, Author, Category, Correction, PreviewLink
from articles.pagination import page_or_404

HOME_LATEST = 12
HOME_PER_CATEGORY = 4


@conditional.conditional(conditional.public_lists)
def home(request):
    published = Article.objects.published().latest_first()
    # The newest featured article leads; without one, the newest article.
    # Two indexed queries rather than one sort of every article by (is_featured, date).
    featured = published.featured().for_listing().first() or published.for_listing().first()
    latest = list(published.for_listing().exclude(pk=getattr(featured, "pk", None))[:HOME_LATEST])
    sections = list(Category.objects.filter(parent__isnull=True, show_in_menu=True))
    # A small indexed query per section for its newest ids (bounded by the number of
    # sections, not of articles), then one query loads every card.
    ids_by_section = {
        section.pk: list(
            published.in_category(section).values_list("pk", flat=True)[:HOME_PER_CATEGORY]
        )
        for section in sections
    }
    all_ids = [pk for ids in ids_by_section.values() for pk in ids]
    cards = Article.objects.for_listing().in_bulk(all_ids)
    blocks = [
        (section, [cards[pk] for pk in ids_by_section[section.pk]])
        for section in sections
        if ids_by_section[section.pk]
    ]
    return render(
        request,
        "articles/home.html",
        {
            "featured": featured,
            "latest": latest,
            "blocks": blocks,
            "meta": seo.home_meta(request),
        },
    )


@conditional.conditional(conditional.public_lists)
def category_detail(request, slug):
    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    articles = Article.objects.published().in_category(category).for_listing().latest_first()
    page = page_or_404(articles, request, count_key=f"category:{category.pk}")
    return render(
        request,
        "articles/category_detail.html",
        {
            "category": category,
            "page_obj": page,
            "subcategories": list(category.children.filter(show_in_menu=True)),
            "meta": seo.category_meta(request, category, page.number),
        },
    )


@conditional.conditional(conditional.article_page)
def article_detail(request, slug, pk):
    article = get_object_or_404(Article.objects.published().for_display(), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    related = list(
        Article.objects.published()
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .for_listing()
        .latest_first()[:5]
    )
    return render(
        request, "articles/article_detail.html", _article_context(request, article, related)
    )


def _article_context(request, article, related=(), preview=None):
    corrections = list(article.corrections.all())
    return {
        "article": article,
        "lead_photo": article.lead_photo_outside_body,
        "extra_photos": article.photo_uses_outside_body,
        "corrections": corrections,
        "related": related,
        "preview": preview,
        "meta": seo.article_meta(request, article, corrections=corrections, preview=preview),
    }


def render_article_preview(request, article, *, revision=None, shared=False):
    """Any version of an article in the public template, marked and never cached or indexed."""
    article = Article.objects.for_display().get(pk=article.pk)
    if revision is not None:
        for name in ("title", "slug", "sapo", "body", "source"):
            setattr(article, name, revision.content.get(name, getattr(article, name)))
    preview = {"revision": revision, "shared": shared}
    response = render(
        request, "articles/article_detail.html", _article_context(request, article, preview=preview)
    )
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
    return render_article_preview(request, article, shared=True)


def corrections(request):
    """Every correction notice on a published article (Press Law art. 42)."""
    notices = Correction.objects.public().select_related("article", "article__category")
    page = page_or_404(notices, request)
    return render(request, "articles/corrections.html", {"page_obj": page})


@conditional.conditional(conditional.public_lists)
def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = Article.objects.published().by_author(author).for_listing().latest_first()
    page = page_or_404(articles, request, count_key=f"author:{author.pk}")
    return render(
        request,
        "articles/author_detail.html",
        {"author": author, "page_obj": page, "meta": seo.author_meta(request, author, page.number)},
    )


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; point them at the static file."""
    return redirect(static("favicon.ico"), permanent=True)
