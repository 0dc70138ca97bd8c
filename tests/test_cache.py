"""What the site keeps in Django's cache, on local memory and on Redis alike.

- The masthead (`SiteSettings`) is read from the cache on every page; saving it in the
  admin invalidates it at once.
- A public list's total count is cached for a minute (`articles.pagination`); the
  articles on the page are always queried live, so a stale count never hides an
  article that has just become due, nor shows one taken down.

Every test runs twice through the `cache_backend` fixture (see tests/conftest.py).
"""

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import pagecache
from articles.models import Article, Category, SiteSettings
from articles.pagination import COUNT_TTL, PAGE_SIZE
from tests.factories import (
    EDITOR_IN_CHIEF,
    FIXED_NOW,
    make_article,
    make_author,
    make_category,
    make_user,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("cache_backend")]


def test_the_fixture_really_switches_the_backend(cache_backend, settings):
    """The test talks to the backend it is named after (Redis is not silently locmem)."""
    from django.core.cache import caches

    backend = type(caches["default"]).__name__
    assert backend == {"locmem": "LocMemCache", "redis": "PrefixClearingRedisCache"}[cache_backend]
    cache.set("kiem-tra", {"giá trị": "Hà Nội"}, 30)
    assert cache.get("kiem-tra") == {"giá trị": "Hà Nội"}
    if cache_backend == "redis":
        import redis

        client = redis.Redis.from_url(settings.CACHES["default"]["LOCATION"])
        assert client.exists(cache.make_key("kiem-tra")) == 1


# -- the masthead --


def test_site_settings_come_from_the_cache_after_the_first_load(django_assert_num_queries):
    SiteSettings.objects.create(pk=1, hotline="0866.59.4498")
    with django_assert_num_queries(1):
        assert SiteSettings.load().hotline == "0866.59.4498"
    with django_assert_num_queries(0):
        assert SiteSettings.load().hotline == "0866.59.4498"


def test_saving_site_settings_in_the_admin_shows_at_once(client):
    """A new hotline saved in the admin is on the next public page, not 5 minutes later."""
    site = SiteSettings.load()
    site.hotline = "0866.59.4498"
    site.save()
    assert "Đường dây nóng: 0866.59.4498" in client.get("/").content.decode()

    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    data = {field: getattr(site, field) or "" for field in (
        "site_name", "contact_email", "address", "owner_agency", "editor_in_chief",
        "licence_number", "licence_issuer")}  # fmt: skip
    data.update(hotline="024.3934.1234", licence_date="")
    url = reverse("admin:articles_sitesettings_change", args=[site.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    html = client.get("/").content.decode()
    assert "Đường dây nóng: 024.3934.1234" in html
    assert "0866.59.4498" not in html


# -- the list count --


def count_queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def titles(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return [article.title for article in response.context["page_obj"]]


@pytest.fixture
def section():
    return make_category("Thị trường")


def test_list_count_is_counted_once_then_cached(client, section):
    make_article(title="Tin một", category=section)
    assert len(count_queries(client, section.get_absolute_url())) == 1
    assert count_queries(client, section.get_absolute_url()) == []


def test_a_stale_count_never_hides_a_newly_due_article(client, section):
    """Counted while one article was live: the scheduled one shows at its minute all the
    same, and the older one is not pushed off the page."""
    with time_machine.travel(FIXED_NOW, tick=False):
        make_article(title="Tin đã đăng", category=section,
                     published_at=FIXED_NOW - timedelta(hours=1))  # fmt: skip
        make_article(title="Tin hẹn giờ", category=section,
                     published_at=FIXED_NOW + timedelta(seconds=10))  # fmt: skip
        assert titles(client, section.get_absolute_url()) == ["Tin đã đăng"]
    with time_machine.travel(FIXED_NOW + timedelta(seconds=10), tick=False):
        assert count_queries(client, section.get_absolute_url()) == []  # still cached
        assert titles(client, section.get_absolute_url()) == ["Tin hẹn giờ", "Tin đã đăng"]


def test_a_stale_count_never_shows_a_hidden_article(client, section):
    first = make_article(title="Tin sẽ bị gỡ", category=section)
    make_article(title="Tin còn lại", category=section)
    assert set(titles(client, section.get_absolute_url())) == {"Tin sẽ bị gỡ", "Tin còn lại"}
    Article.objects.filter(pk=first.pk).update(status=Article.Status.TAKEN_DOWN)
    assert titles(client, section.get_absolute_url()) == ["Tin còn lại"]


def test_a_full_page_stays_full_and_a_page_emptied_since_is_404(client, section):
    """21 articles counted (two pages); one more arrives: page 1 still shows 20, the
    newest first. Then the page-2 articles are taken down: page 2 is a 404, not an
    empty page, although the cached count still promises two pages."""
    articles = [
        make_article(title=f"Tin {i}", category=section, published_at=FIXED_NOW - timedelta(i))
        for i in range(PAGE_SIZE + 1)
    ]
    url = section.get_absolute_url()
    assert len(titles(client, url)) == PAGE_SIZE
    make_article(title="Tin mới nhất", category=section)
    page1 = titles(client, url)
    assert len(page1) == PAGE_SIZE and page1[0] == "Tin mới nhất"
    Article.objects.filter(pk__in=[a.pk for a in articles[-2:]]).update(deleted_at=FIXED_NOW)
    assert client.get(url, {"page": 2}).status_code == 404


def test_author_page_count_is_cached_too(client, section):
    author = make_author("Minh Thư")
    make_article(title="Bài của Minh Thư", category=section, authors=[author])
    assert len(count_queries(client, author.get_absolute_url())) == 1
    assert count_queries(client, author.get_absolute_url()) == []
    make_article(title="Bài mới của Minh Thư", category=section, authors=[author])
    assert titles(client, author.get_absolute_url())[0] == "Bài mới của Minh Thư"


def test_list_count_expires_after_its_ttl(client, section, cache_backend):
    """After COUNT_TTL seconds the count is taken again (Redis expires keys by its own
    clock, so there the key's TTL is read instead of travelling in time)."""
    make_article(title="Tin một", category=section)
    url = section.get_absolute_url()
    if cache_backend == "redis":
        count_queries(client, url)
        client_redis = cache._cache.get_client(None)
        (key,) = [k for k in client_redis.scan_iter(match=cache.make_key("page-count:*"))]
        assert 0 < client_redis.ttl(key) <= COUNT_TTL
        return
    with time_machine.travel(FIXED_NOW, tick=False):
        assert len(count_queries(client, url)) == 1
    with time_machine.travel(FIXED_NOW + timedelta(seconds=COUNT_TTL - 1), tick=False):
        assert count_queries(client, url) == []
    with time_machine.travel(FIXED_NOW + timedelta(seconds=COUNT_TTL + 1), tick=False):
        assert len(count_queries(client, url)) == 1


# -- the section menu --


def test_the_menu_comes_from_the_cache_and_follows_every_edit(client, section):
    """Every page shows the menu: it is read once, then cached; a rename shows on the
    next page, whether saved here or committed by another process (the content
    generation moves)."""
    make_article(title="Tin một", category=section)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/tim-kiem/")
    assert not any('"articles_category"' in q["sql"] for q in queries.captured_queries)

    section.name = "Thị trường trong nước"
    section.save()
    assert "Thị trường trong nước" in client.get("/tim-kiem/").content.decode()

    Category.objects.filter(pk=section.pk).update(name="Thị trường quốc tế")
    assert "Thị trường quốc tế" not in client.get("/tim-kiem/").content.decode()
    pagecache.bump()  # what another process's committed edit does
    assert "Thị trường quốc tế" in client.get("/tim-kiem/").content.decode()
