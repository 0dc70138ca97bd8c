"""robots.txt, the sitemap index and its sections, and the Google News sitemap."""

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from articles.sitemaps import ArticleSitemap
from tests.factories import (
    VN,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_photo,
)

pytestmark = pytest.mark.django_db

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)


def get_xml(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    assert response["Content-Type"] == "application/xml"
    return ET.fromstring(response.content)


def urls(root):
    """{loc: lastmod as a datetime or None} of a <urlset>."""
    found = {}
    for url in root.findall(f"{SM}url"):
        lastmod = url.findtext(f"{SM}lastmod")
        found[url.findtext(f"{SM}loc")] = datetime.fromisoformat(lastmod) if lastmod else None
    return found


def index_entries(client):
    root = get_xml(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    entries = {}
    for sitemap in root.findall(f"{SM}sitemap"):
        lastmod = sitemap.findtext(f"{SM}lastmod")
        entries[sitemap.findtext(f"{SM}loc")] = datetime.fromisoformat(lastmod) if lastmod else None
    return entries


def seconds(moment):
    """Sitemaps give times to the second."""
    return moment.replace(microsecond=0)


def modified(article):
    article.refresh_from_db()
    return seconds(max(article.updated_at, article.published_at))


def test_robots_txt_disallows_private_paths_and_names_both_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert disallowed == {"/admin/", "/quan-tri/", "/xem-truoc/", "/tim-kiem/"}
    sitemaps = [line.split(": ", 1)[1] for line in lines if line.startswith("Sitemap: ")]
    assert sitemaps == ["http://testserver/sitemap.xml", "http://testserver/sitemap-news.xml"]


def test_index_lists_every_section_with_absolute_urls_and_lastmod(client):
    category = make_category(name="Công Thương")
    article = make_article(category=category, authors=[make_author("Minh Thư")])
    entries = index_entries(client)
    assert list(entries) == [
        "http://testserver/sitemap-trang.xml",
        "http://testserver/sitemap-chuyen-muc.xml",
        "http://testserver/sitemap-tac-gia.xml",
        "http://testserver/sitemap-bai-viet.xml",
    ]
    assert entries["http://testserver/sitemap-bai-viet.xml"] == modified(article)
    for section in ("trang", "chuyen-muc", "tac-gia"):
        assert entries[f"http://testserver/sitemap-{section}.xml"] == seconds(article.published_at)
    for loc in entries:
        assert urls(get_xml(client, loc.removeprefix("http://testserver")))


def test_sections_list_categories_authors_and_pages(client):
    parent = make_category(name="Công Thương")
    child = make_category(name="Xuất nhập khẩu", parent=parent)
    empty = make_category(name="Năng lượng")
    writer, idle = make_author("Minh Thư"), make_author("Chưa viết bài")
    older = make_article(category=parent, published_at=timezone.now() - timedelta(days=2))
    newer = make_article(category=child, authors=[writer])
    newest = seconds(newer.published_at)
    categories = urls(get_xml(client, "/sitemap-chuyen-muc.xml"))
    assert categories == {
        "http://testserver/cong-thuong/": newest,  # a sub-section's article counts
        "http://testserver/xuat-nhap-khau/": newest,
        "http://testserver/nang-luong/": None,
    }
    authors = urls(get_xml(client, "/sitemap-tac-gia.xml"))
    assert authors == {"http://testserver/tac-gia/minh-thu/": newest}
    assert idle.get_absolute_url() not in str(authors) and empty.pk
    pages = urls(get_xml(client, "/sitemap-trang.xml"))
    assert pages == {
        "http://testserver/": newest,
        "http://testserver/cai-chinh/": None,
        "http://testserver/rss/": None,
    }
    assert older.pk


def test_article_pages_are_oldest_first_and_each_has_its_own_lastmod(client, monkeypatch):
    """Pages of N articles, oldest first (a full page never changes); the index gives
    every page the newest change among exactly the articles that page lists."""
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    now = timezone.now()
    articles = [
        make_article(title=f"Bài {n}", published_at=now - timedelta(days=10 - n)) for n in range(5)
    ]
    # An old article edited today: its page (the first) gets today's lastmod, not the others.
    with time_machine.travel(now + timedelta(minutes=5)):
        articles[0].sapo = "Đã cập nhật."
        articles[0].save()
    entries = index_entries(client)
    base = "http://testserver/sitemap-bai-viet.xml"
    pages = [base, f"{base}?p=2", f"{base}?p=3"]
    assert [loc for loc in entries if loc.startswith(base)] == pages
    expected = [[articles[0], articles[1]], [articles[2], articles[3]], [articles[4]]]
    for loc, wanted in zip(pages, expected, strict=True):
        listed = urls(get_xml(client, loc.removeprefix("http://testserver")))
        assert list(listed) == [f"http://testserver{a.get_absolute_url()}" for a in wanted]
        assert list(listed.values()) == [modified(a) for a in wanted]
        assert entries[loc] == max(listed.values())
    assert entries[pages[0]] > entries[pages[1]]


@pytest.mark.parametrize("page", ["0", "4", "abc", "²", "-1"])
def test_bad_sitemap_pages_are_404(client, monkeypatch, page):
    monkeypatch.setattr(ArticleSitemap, "limit", 2)
    for n in range(5):
        make_article(title=f"Bài {n}")
    assert client.get(f"/sitemap-bai-viet.xml?p={page}").status_code == 404
    assert client.get("/sitemap-khong-co.xml").status_code == 404


def test_hidden_articles_are_in_no_sitemap(client):
    """Drafts, scheduled, unpublished, taken-down and trashed articles appear nowhere,
    nor do they lend their dates: a scheduled article does not date its section."""
    category = make_category(name="Công Thương")
    photo = make_photo()
    visible = make_article(title="Tin công khai", category=category, lead_photo=photo)
    ghost = make_author("Chỉ có bài ẩn")
    hidden = make_hidden_articles(category, [ghost], photo)
    found = {}
    for path in ("/sitemap-trang.xml", "/sitemap-chuyen-muc.xml", "/sitemap-tac-gia.xml",
                 "/sitemap-bai-viet.xml", "/sitemap-news.xml"):  # fmt: skip
        found.update(urls(get_xml(client, path)))
    for article in hidden.values():
        assert f"http://testserver{article.get_absolute_url()}" not in found
    assert f"http://testserver{ghost.get_absolute_url()}" not in found
    assert found["http://testserver/cong-thuong/"] == seconds(visible.published_at)
    assert found["http://testserver/"] == seconds(visible.published_at)
    entries = index_entries(client)
    assert "http://testserver/sitemap-tac-gia.xml" not in entries  # no visible signed article
    assert max(entries.values()) <= timezone.now()


def test_news_sitemap_has_google_news_fields(client):
    hostile = 'Giá "xăng" </script><script>alert(1)</script> & dầu'
    article = make_article(title=hostile)
    root = get_xml(client, "/sitemap-news.xml")
    [url] = root.findall(f"{SM}url")
    assert url.findtext(f"{SM}loc") == f"http://testserver{article.get_absolute_url()}"
    news = url.find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "Báo Công Thương"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "vi"
    date = news.findtext(f"{NEWS}publication_date")
    assert date.endswith("+07:00")
    assert datetime.fromisoformat(date) == seconds(article.published_at)
    title = news.find(f"{NEWS}title")
    assert title.text == hostile and len(title) == 0


def test_news_sitemap_keeps_exactly_the_last_48_hours(client):
    """An article published at T is listed until T+48h and gone a second later, with no
    job running."""
    with time_machine.travel(T0, tick=False):
        article = make_article(title="Tin nóng", published_at=T0)
        make_article(title="Tin cũ", published_at=T0 - timedelta(hours=49))
    loc = f"http://testserver{article.get_absolute_url()}"
    with time_machine.travel(T0 + timedelta(hours=48), tick=False):
        response = client.get("/sitemap-news.xml")
        assert list(urls(ET.fromstring(response.content))) == [loc]
    with time_machine.travel(T0 + timedelta(hours=48, seconds=1), tick=False):
        response = client.get("/sitemap-news.xml")
        assert response.status_code == 200
        assert urls(ET.fromstring(response.content)) == {}
        # Still in the article sitemap, of course.
        assert loc in urls(get_xml(client, "/sitemap-bai-viet.xml"))


def test_news_sitemap_ignores_scheduled_articles_until_due(client):
    with time_machine.travel(T0, tick=False):
        make_article(title="Hẹn giờ", published_at=T0 + timedelta(minutes=10))
        assert urls(get_xml(client, "/sitemap-news.xml")) == {}
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        assert len(urls(get_xml(client, "/sitemap-news.xml"))) == 1


SITEMAP_PATHS = ["/sitemap.xml", "/sitemap-trang.xml", "/sitemap-chuyen-muc.xml",
                 "/sitemap-tac-gia.xml", "/sitemap-bai-viet.xml", "/sitemap-news.xml"]  # fmt: skip


def _counts(client):
    counts = {}
    for path in SITEMAP_PATHS:
        client.get(path)  # warm the site settings cache
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        counts[path] = len(queries.captured_queries)
    return counts


def test_sitemap_query_counts_are_fixed_whatever_the_number_of_articles(client, monkeypatch):
    monkeypatch.setattr(ArticleSitemap, "limit", 10)
    sections = [make_category(name="Công Thương"), make_category(name="Năng lượng")]
    authors = [make_author("Minh Thư"), make_author("Hoàng Anh")]

    def add(n):
        for i in range(n):
            make_article(category=sections[i % 2], authors=[authors[i % 2]])

    add(3)
    before = _counts(client)
    add(40)  # five article pages instead of one
    after = _counts(client)
    assert before == after
    # The index: two for the static pages' dates, count and date of sections and of
    # authors, one grouped query for every article page, one each for tags and threads.
    assert after.pop("/sitemap.xml") <= 8
    assert max(after.values()) <= 4, after  # count, items (+ news publication)


def test_sitemaps_answer_304_until_an_article_changes(
    client, settings, django_capture_on_commit_callbacks
):
    """The page cache's validators (articles/pagecache.py) cover the sitemaps too."""
    settings.PAGE_CACHE_SECONDS = 60
    article = make_article()
    for path in SITEMAP_PATHS:
        response = client.get(path)
        assert response["Cache-Control"] == "public, max-age=5"
        assert "noindex" in response["X-Robots-Tag"]
        etag = response["ETag"]
        cached = client.get(path, HTTP_IF_NONE_MATCH=etag)
        assert cached.status_code == 304, path
    changing = ["/sitemap-bai-viet.xml"]  # its lastmod shows the save
    etags = {path: client.get(path)["ETag"] for path in changing}
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        Article.objects.get(pk=article.pk).save()
    for path, etag in etags.items():
        assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200, path
