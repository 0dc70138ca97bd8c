"""Strict pagination for public lists, with the total count cached briefly.

Counting a 21,000-article section costs ~50 ms on PostgreSQL on every request, yet the
count only sizes the page links: a figure up to a minute old is fine. The articles on
the page are always queried live, so visibility stays exact: the page's rows are a plain
slice of the live list, never cut short by a cached count that is behind (Django's
`Paginator.page` stops the slice at `count`, which would hide an article that has just
become due until the cached figure expires).
"""

from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.functional import cached_property

from articles.text import parse_number

PAGE_SIZE = 20
COUNT_TTL = 60


class CachedCountPaginator(Paginator):
    def __init__(self, object_list, per_page, *, count_key=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self):
        if self.count_key is None:
            return super().count
        key = f"page-count:{self.count_key}"
        count = cache.get(key)
        if count is None:
            count = Paginator.count.func(self)
            cache.set(key, count, COUNT_TTL)
        return count

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        rows = self.object_list[bottom : bottom + self.per_page]
        # A cached count that is ahead (articles just hidden) must not serve an empty page.
        if number > 1 and not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return self._get_page(rows, number, self)


def page_or_404(queryset, request, *, count_key=None):
    """Page `?page=N` of the list; "abc", "0", "-1" or past the end are 404, not page 1."""
    paginator = CachedCountPaginator(queryset, PAGE_SIZE, count_key=count_key)
    return _page_or_404(paginator, request)


def ranked_page_or_404(ranked, request, *, rows, cache_key):
    """Page `?page=N` of an expensive ranked queryset (reader search), strictly as
    `page_or_404`.

    The ranking runs once, as a list of ids (bounded by the query itself), kept for a
    minute under `cache_key`; the page's own rows are then loaded from `rows` by id.
    `rows` re-applies its filters on every request (`published()`), so an article
    taken down within that minute disappears at once; new ones show within a minute.
    """
    key = f"ranked-ids:{cache_key}"
    ids = cache.get(key)
    if ids is None:
        ids = list(ranked.values_list("pk", flat=True))
        cache.set(key, ids, COUNT_TTL)
    page = _page_or_404(Paginator(ids, PAGE_SIZE), request)
    loaded = rows.in_bulk(page.object_list)
    page.object_list = [loaded[pk] for pk in page.object_list if pk in loaded]
    return page


def _page_or_404(paginator, request):
    number = parse_number(request.GET.get("page", "1"))  # ASCII digits only
    if number is None:
        raise Http404("Trang không tồn tại.")
    try:
        return paginator.page(number)
    except (EmptyPage, PageNotAnInteger):
        raise Http404("Trang không tồn tại.") from None
