"""Most read ("Đọc nhiều"): views counted by a beacon into cache counters (never a
database write per view), flushed into hourly buckets, summed over 24 hours and 7 days;
bots, prefetches and repeats not counted; only published articles ever listed."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import readership
from articles.models import Article, ArticleViewCount, ArticleViewTotal
from tests.factories import (
    VN,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
ZALO_IN_APP = (
    "Mozilla/5.0 (Linux; Android 13; SM-A525F) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Version/4.0 Chrome/120.0.0.0 Mobile Safari/537.36 Zalo android/12100641 ZaloTheme/light"
)
T0 = datetime(2024, 3, 5, 10, 30, tzinfo=VN)


def beacon(client, article, *, ua=CHROME, ip="203.0.113.5", **headers):
    url = reverse("articles:record_view", args=[article.pk])
    return client.post(url, HTTP_USER_AGENT=ua, REMOTE_ADDR=ip, **headers)


def pending_total(article):
    """Views counted in the cache and not flushed yet."""
    return sum(n for (pk, _hour), n in readership.pending().items() if pk == article.pk)


def views_of(article):
    """Every counted view: flushed (the first beacon finds the flush due) or not."""
    flushed = ArticleViewTotal.objects.filter(article=article).values_list("total", flat=True)
    return sum(flushed) + pending_total(article)


def writes(queries):
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.fixture
def article():
    return make_article("Giá vàng hôm nay")


# -- the beacon --


def test_a_view_is_counted_with_a_204_that_sets_no_cookie(client, article, cache_backend):
    response = beacon(client, article)
    assert response.status_code == 204
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    assert views_of(article) == 1
    readership.flush()
    assert ArticleViewTotal.objects.get(article=article).total == 1
    assert pending_total(article) == 0  # moved, not copied


@pytest.mark.parametrize("method", ["get", "head", "put", "delete"])
def test_only_post_is_accepted(client, article, method):
    response = getattr(client, method)(reverse("articles:record_view", args=[article.pk]))
    assert response.status_code == 405
    assert views_of(article) == 0


def test_unknown_and_hidden_articles_are_404_and_not_counted(client):
    hidden = make_hidden_articles(make_category("Thời sự"), authors=[make_author("Minh Thư")])
    for kind, article in hidden.items():
        assert beacon(client, article).status_code == 404, kind
    assert client.post("/api/luot-xem/999999/", HTTP_USER_AGENT=CHROME).status_code == 404
    for path in ("/api/luot-xem/abc/", "/api/luot-xem/²/", "/api/luot-xem/99999999999999999999/"):
        assert client.post(path, HTTP_USER_AGENT=CHROME).status_code == 404
    assert readership.pending() == {}


@pytest.mark.parametrize(
    "ua",
    [
        "",
        "   ",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (compatible; coccocbot-web/1.0; +http://help.coccoc.com/searchengine)",
        "Baiduspider+(+http://www.baidu.com/search/spider.htm)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0)",
        "AhrefsBot-crawler",
        "curl/8.5.0",
        "Wget/1.21.4",
        "python-requests/2.32.3",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 HeadlessChrome/131.0.0.0",
        "Go-http-client/2.0",
    ],
)
def test_bots_and_requests_without_a_user_agent_are_not_counted(client, article, ua):
    response = beacon(client, article, ua=ua)
    assert response.status_code == 204
    assert views_of(article) == 0


@pytest.mark.parametrize("ua", [CHROME, ZALO_IN_APP])
def test_browsers_including_in_app_ones_are_readers(client, article, ua):
    beacon(client, article, ua=ua)
    assert views_of(article) == 1


@pytest.mark.parametrize(
    "header, value",
    [
        ("HTTP_SEC_PURPOSE", "prefetch"),
        ("HTTP_SEC_PURPOSE", "prefetch;prerender"),
        ("HTTP_PURPOSE", "prefetch"),
        ("HTTP_X_MOZ", "prefetch"),
    ],
)
def test_prefetches_and_prerenders_are_not_views(client, article, header, value):
    assert beacon(client, article, **{header: value}).status_code == 204
    assert views_of(article) == 0


def test_one_view_per_address_and_article_per_ten_minutes(client, article, cache_backend):
    other = make_article("Tin khác")
    beacon(client, article, ip="203.0.113.5")
    beacon(client, article, ip="203.0.113.5")  # a reload: not counted
    beacon(client, other, ip="203.0.113.5")  # another article: counted
    beacon(client, article, ip="198.51.100.7")  # another reader: counted
    assert (views_of(article), views_of(other)) == (2, 1)


def test_the_rate_limit_ends_after_ten_minutes(client, article):
    with time_machine.travel(T0, tick=False):
        article = make_article("Tin mới", published_at=T0 - timedelta(hours=1))
        beacon(client, article)
    with time_machine.travel(T0 + timedelta(minutes=9, seconds=59), tick=False):
        beacon(client, article)
        assert views_of(article) == 1
    with time_machine.travel(T0 + timedelta(minutes=10, seconds=1), tick=False):
        beacon(client, article)
        assert views_of(article) == 2


def test_behind_a_trusted_proxy_its_forwarded_address_names_the_reader(client, article, settings):
    settings.TRUST_PROXY_HEADERS = True
    for forwarded in ("198.51.100.7", "10.1.1.1, 198.51.100.8", "198.51.100.8"):
        beacon(client, article, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert views_of(article) == 2  # two readers; the second one's repeat not counted


def test_without_a_trusted_proxy_a_forwarded_address_is_ignored(client, article, settings):
    settings.TRUST_PROXY_HEADERS = False
    for forwarded in ("198.51.100.7", "198.51.100.8"):
        beacon(client, article, ip="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert views_of(article) == 1  # one address: a client's own header is not believed


def test_no_database_write_per_view_only_when_the_flush_is_due(client, cache_backend):
    """Each beacon writes to the cache only; the database is written by the flush that
    falls due at most once a minute (here: the first beacon, then after a minute)."""
    articles = [make_article(f"Tin {n}") for n in range(3)]
    with CaptureQueriesContext(connection) as first:
        beacon(client, articles[0], ip="10.0.0.1")
    assert writes(first), "the first beacon finds the flush due"
    for number in range(20):
        with CaptureQueriesContext(connection) as queries:
            assert beacon(client, articles[number % 3], ip=f"10.0.1.{number}").status_code == 204
        assert writes(queries) == []
        assert len(queries) == 1  # the published() check
    cache.delete(readership.DUE_KEY)  # a minute later
    with CaptureQueriesContext(connection) as due:
        beacon(client, articles[0], ip="10.0.2.1")
    assert writes(due)
    assert sum(ArticleViewTotal.objects.values_list("total", flat=True)) == 22


def test_flush_command_moves_counters_and_adds_up(client, article, cache_backend, capsys):
    cache.add(readership.DUE_KEY, 1, 600)  # no opportunistic flush in this test
    for number in range(3):
        beacon(client, article, ip=f"10.0.0.{number}")
    call_command("flush_view_counts")
    assert "Đã ghi 3 lượt xem." in capsys.readouterr().out
    call_command("flush_view_counts")
    assert "Đã ghi 0 lượt xem." in capsys.readouterr().out
    beacon(client, article, ip="10.0.0.9")
    call_command("flush_view_counts")
    [bucket] = ArticleViewCount.objects.filter(article=article)
    assert bucket.count == 4  # the same hour: added to, not replaced
    assert ArticleViewTotal.objects.get(article=article).total == 4
    assert readership.pending() == {}


def test_flush_refuses_to_run_twice_at_once(article):
    cache.add(readership.LOCK_KEY, 1, 60)
    with pytest.raises(CommandError, match="Một lần ghi khác đang chạy"):
        call_command("flush_view_counts")


def test_views_arriving_during_a_flush_are_kept(article, monkeypatch):
    """The flush subtracts what it wrote, so a view counted meanwhile waits for the next."""
    readership.record_view(article.pk, "10.0.0.1")
    real_add = readership._add_counts

    def add_while_a_reader_arrives(*args, **kwargs):
        readership.record_view(article.pk, "10.0.0.2")
        return real_add(*args, **kwargs)

    monkeypatch.setattr(readership, "_add_counts", add_while_a_reader_arrives)
    assert readership.flush() == 1
    monkeypatch.undo()
    assert pending_total(article) == 1
    readership.flush()
    assert ArticleViewTotal.objects.get(article=article).total == 2


def test_counts_of_a_purged_article_are_dropped(article):
    readership.record_view(article.pk, "10.0.0.1")
    Article.objects.filter(pk=article.pk).delete()
    assert readership.flush() == 0
    assert not ArticleViewCount.objects.exists()


def test_old_buckets_are_pruned_but_totals_kept(article):
    with time_machine.travel(T0, tick=False):
        readership.record_view(article.pk, "10.0.0.1")
        readership.flush()
    with time_machine.travel(T0 + timedelta(days=9), tick=False):
        readership.record_view(article.pk, "10.0.0.1")
        readership.flush()
        assert list(ArticleViewCount.objects.values_list("count", flat=True)) == [1]
    assert ArticleViewTotal.objects.get(article=article).total == 2


# -- the windows --


def test_day_and_week_windows_end_on_the_hour(cache_backend):
    """A view at 10:30 is in its 10:00 bucket: "24 giờ" until 10:00 the next day,
    "7 ngày" until 10:00 seven days later."""
    with time_machine.travel(T0, tick=False):
        article = make_article("Bài được đọc", published_at=T0 - timedelta(days=1))
        readership.record_view(article.pk, "10.0.0.1")
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        assert readership.compute_most_read() == {"day": [article.pk], "week": [article.pk]}
        readership.flush()  # the same figures from the table as from the counters
    checks = [
        (timedelta(hours=23, minutes=29, seconds=59), [article.pk], [article.pk]),
        (timedelta(hours=23, minutes=30, seconds=1), [], [article.pk]),
        (timedelta(days=6, hours=23, minutes=29, seconds=59), [], [article.pk]),
        (timedelta(days=6, hours=23, minutes=30, seconds=1), [], []),
    ]
    for offset, day, week in checks:
        with time_machine.travel(T0 + offset, tick=False):
            assert readership.compute_most_read() == {"day": day, "week": week}, offset


def test_most_read_order_and_unflushed_views_count_too(cache_backend):
    first, second, third = (make_article(f"Bài {n}") for n in range(3))
    for number in range(3):
        readership.record_view(first.pk, f"10.0.0.{number}")
    readership.record_view(second.pk, "10.0.0.1")
    readership.flush()
    for number in range(3):  # not flushed: read from the counters
        readership.record_view(second.pk, f"10.0.1.{number}")
    readership.record_view(third.pk, "10.0.0.1")
    assert readership.compute_most_read()["day"] == [second.pk, first.pk, third.pk]


def test_most_read_lists_only_published_articles(client, cache_backend):
    category = make_category("Thời sự")
    hidden = make_hidden_articles(category, authors=[make_author("Minh Thư")])
    live = make_article("Tin công khai được đọc", category=category)
    for number, article in enumerate([*hidden.values(), live]):
        # Counted while they were visible (or by a counter written before hiding).
        for reader in range(number + 2):
            readership.record_view(article.pk, f"10.0.{number}.{reader}")
    readership.flush()
    assert readership.compute_most_read() == {"day": [live.pk], "week": [live.pk]}
    for path in ("/", category.get_absolute_url(), live.get_absolute_url()):
        html = client.get(path).content.decode()
        assert "Tin công khai được đọc" in html and "ẨN" not in html, path


def test_a_cached_list_never_shows_an_article_hidden_since(client):
    shown = make_article("Tin sẽ bị gỡ")
    readership.record_view(shown.pk, "10.0.0.1")
    assert readership.most_read_ids()["day"] == [shown.pk]  # cached for a minute
    Article.objects.filter(pk=shown.pk).update(status=Article.Status.TAKEN_DOWN)
    assert readership.most_read_ids()["day"] == [shown.pk]
    html = client.get("/").content.decode()
    assert "Tin sẽ bị gỡ" not in html


def test_most_read_box_on_home_category_and_article_pages(client):
    category = make_category("Kinh tế")
    popular = make_article("Tin được đọc nhiều nhất", category=category)
    quiet = make_article("Tin đọc ít", category=category)
    for number in range(3):
        readership.record_view(popular.pk, f"10.0.0.{number}")
    readership.record_view(quiet.pk, "10.0.0.1")
    for path in ("/", category.get_absolute_url(), quiet.get_absolute_url()):
        html = client.get(path).content.decode()
        box = html[html.index('<section class="most-read"') :]
        box = box[: box.index("</section>")]
        assert "Đọc nhiều" in box and "Trong 24 giờ" in box and "Trong 7 ngày" in box, path
        assert box.index("Tin được đọc nhiều nhất") < box.index("Tin đọc ít"), path


def test_article_shows_its_views_with_the_vietnamese_thousands_separator(client, article):
    ArticleViewTotal.objects.create(article=article, total=1233)
    readership.record_view(article.pk, "10.0.0.1")  # not flushed yet: counted too
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="view-count">Lượt xem: 1.234</span>' in html


def test_the_beacon_counts_while_pages_come_from_the_page_cache(settings, article, cache_backend):
    settings.PAGE_CACHE_SECONDS = 60
    reader = Client()
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "MISS"
    for number in range(3):
        page = reader.get(article.get_absolute_url())
        assert page["X-Page-Cache"] == "HIT"  # the view never ran …
        assert 'data-view-beacon="/api/luot-xem/' in page.content.decode()
        assert beacon(reader, article, ip=f"10.0.0.{number}").status_code == 204  # … counted
    readership.flush()
    assert ArticleViewTotal.objects.get(article=article).total == 3
    # Counts do not invalidate cached pages: the page keeps its minute.
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "HIT"


def test_previews_carry_no_beacon(client, article):
    client.force_login(make_user("tongbientap", "Tổng biên tập / Phó tổng biên tập"))
    html = client.get(reverse("admin:articles_article_preview", args=[article.pk])).content
    assert b"data-view-beacon" not in html and b"js/views.js" not in html


def test_no_pin_cookie_on_the_beacon_even_with_read_replicas(client, article, monkeypatch):
    from newsroom import db_router

    monkeypatch.setattr(db_router, "replicas", lambda: ["replica_1"])
    response = beacon(client, article)
    assert response.status_code == 204 and not response.cookies
    assert views_of(article) == 1


def test_without_a_working_cache_pages_work_and_nothing_is_counted(client, article, monkeypatch):
    """The counters' cache is down (a Redis outage): the beacon still answers 204, the
    article page and the lists render, nothing is counted."""
    broken = RedisCache("redis://127.0.0.1:9/0", {"OPTIONS": {"socket_connect_timeout": 0.2}})
    monkeypatch.setattr(readership, "cache", broken)
    assert beacon(client, article).status_code == 204
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Lượt xem: 0" in response.content.decode()
    assert client.get("/").status_code == 200
    assert client.get(article.category.get_absolute_url()).status_code == 200
    monkeypatch.undo()
    assert readership.pending() == {}


# -- query budgets with the lists filled --


def _count(client, path):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_home_and_category_query_budgets_with_most_read(client, cache_backend):
    """Home ≤ 8 and category ≤ 6 queries with both most-read lists filled, the same for
    a few or many articles and views (most-read ids come from the cache)."""
    sections = [make_category("Kinh tế"), make_category("Xã hội")]
    author = make_author("Minh Thư")

    def add(count):
        for number in range(count):
            article = make_article(f"Bài {number}", category=sections[number % 2],
                                   authors=[author], lead_photo=make_photo())  # fmt: skip
            for reader in range(number % 4 + 1):
                readership.record_view(article.pk, f"10.{count}.{number}.{reader}")
        readership.flush()
        cache.delete(readership.MOST_READ_KEY)

    def measure():
        pages = ["/", sections[0].get_absolute_url()]
        for path in pages:
            client.get(path)  # warm: site settings, list counts, most-read ids
        return {path: _count(client, path) for path in pages}

    add(4)
    before = measure()
    add(30)
    after = measure()
    assert before == after, (before, after)
    assert after["/"] <= 8 and after[sections[0].get_absolute_url()] <= 6, after
