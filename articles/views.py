"""Public pages. Every article list starts from `Article.objects.published()`."""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import F, Window
from django.db.models.functions import Coalesce, RowNumber
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from articles.models import Article, Author, Category

PAGE_SIZE = 20
HOME_LATEST = 12
HOME_PER_CATEGORY = 4


def _page_or_404(queryset, request):
    """Strict pagination: "abc", "0", "-1" or a page past the end are 404, not page 1."""
    raw = request.GET.get("page", "1")
    if not raw.isdigit():
        raise Http404("Trang không tồn tại.")
    try:
        return Paginator(queryset, PAGE_SIZE).page(int(raw))
    except (EmptyPage, PageNotAnInteger):
        raise Http404("Trang không tồn tại.") from None


def home(request):
    published = Article.objects.published().for_listing().latest_first()
    featured = published.filter(is_featured=True).first() or published.first()
    latest = list(published.exclude(pk=getattr(featured, "pk", None))[:HOME_LATEST])
    sections = Category.objects.filter(parent__isnull=True, show_in_menu=True)
    # One query for every section block: rank each section's articles by date.
    ranked = (
        Article.objects.published()
        .for_listing()
        .annotate(
            section_id=Coalesce("category__parent_id", "category_id"),
            rank=Window(
                RowNumber(),
                partition_by=Coalesce("category__parent_id", "category_id"),
                order_by=[F("published_at").desc(), F("id").desc()],
            ),
        )
        .filter(rank__lte=HOME_PER_CATEGORY)
        .order_by("section_id", "rank")
    )
    by_section = {}
    for article in ranked:
        by_section.setdefault(article.section_id, []).append(article)
    blocks = [(s, by_section[s.pk]) for s in sections if s.pk in by_section]
    return render(
        request,
        "articles/home.html",
        {"featured": featured, "latest": latest, "blocks": blocks},
    )


def category_detail(request, slug):
    category = get_object_or_404(Category.objects.select_related("parent"), slug=slug)
    articles = Article.objects.published().in_category(category).for_listing().latest_first()
    page = _page_or_404(articles, request)
    return render(
        request,
        "articles/category_detail.html",
        {
            "category": category,
            "page_obj": page,
            "subcategories": list(category.children.filter(show_in_menu=True)),
        },
    )


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
    context = {
        "article": article,
        "lead_photo": article.lead_photo_outside_body,
        "extra_photos": article.photo_uses_outside_body,
        "related": related,
    }
    return render(request, "articles/article_detail.html", context)


def author_detail(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    articles = Article.objects.published().by_author(author).for_listing().latest_first()
    page = _page_or_404(articles, request)
    return render(request, "articles/author_detail.html", {"author": author, "page_obj": page})
