"""RSS 2.0 feeds: the latest news and one per section, checked on the parsed XML."""

import email.utils
import xml.etree.ElementTree as ET
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article, Category, Rendition
from articles.renditions import generate_renditions
from tests.factories import (
    FIXED_NOW,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_photo,
)

pytestmark = pytest.mark.django_db

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "dc": "http://purl.org/dc/elements/1.1/",
    "media": "http://search.yahoo.com/mrss/",
}
LATEST = "/rss/tin-moi-nhat.rss"
HOSTILE = "Giá \"xăng\" </script><script>alert(1)</script> & dầu 'tăng'"


def get_feed(client, path, **headers):
    response = client.get(path, **headers)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    return response, ET.fromstring(response.content)


def items(root):
    return root.findall("./channel/item")


def titles(root):
    return [item.findtext("title") for item in items(root)]


@pytest.fixture
def section():
    return make_category(name="Công Thương")


@pytest.fixture
def photo():
    photo = make_photo(size=(1600, 1000))
    generate_renditions(photo)
    return photo


def test_latest_feed_is_rss_2_with_absolute_urls_and_every_item_field(client, section, photo):
    """Channel: title, link, description, language, lastBuildDate, atom:link self, image.
    Item: plain-text title, link, HTML description from the sapo, permalink GUID,
    RFC 822 date at +0700, one dc:creator per byline, category, enclosure and media."""
    child = make_category(name="Xuất nhập khẩu", parent=section)
    published = timezone.now().replace(microsecond=0) - timedelta(hours=2)
    article = make_article(
        title="Xuất khẩu gạo tăng mạnh",
        category=child,
        published_at=published,
        sapo="Kim ngạch xuất khẩu gạo tăng 20%.",
        authors=[make_author("Minh Thư"), make_author("Hoàng Anh")],
        lead_photo=photo,
    )
    response, root = get_feed(client, LATEST)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel.findtext("title") == "Báo Công Thương — Tin mới nhất"
    assert channel.findtext("link") == "http://testserver/"
    assert channel.findtext("description") == "Tin mới nhất của Báo Công Thương"
    assert channel.findtext("language") == "vi"
    self_link = channel.find("atom:link", NS)
    assert self_link.get("rel") == "self"
    assert self_link.get("href") == "http://testserver/rss/tin-moi-nhat.rss"
    image = channel.find("image")
    assert image.findtext("url") == "http://testserver/static/brand/logo-144.png"
    assert image.findtext("title") == channel.findtext("title")
    assert image.findtext("link") == channel.findtext("link")
    assert int(image.findtext("width")) <= 144  # the RSS maximum

    [item] = items(root)
    url = f"http://testserver{article.get_absolute_url()}"
    assert item.findtext("title") == "Xuất khẩu gạo tăng mạnh"
    assert item.findtext("link") == url
    guid = item.find("guid")
    assert guid.text == url and guid.get("isPermaLink") == "true"
    assert item.findtext("description") == "Kim ngạch xuất khẩu gạo tăng 20%."
    pub_date = item.findtext("pubDate")
    assert pub_date.endswith(" +0700")
    assert email.utils.parsedate_to_datetime(pub_date) == published
    assert [c.text for c in item.findall("dc:creator", NS)] == ["Minh Thư", "Hoàng Anh"]
    assert [c.text for c in item.findall("category")] == ["Công Thương", "Xuất nhập khẩu"]

    og = Rendition.objects.get(photo=photo, kind="og")
    enclosure = item.find("enclosure")
    assert enclosure.get("url") == f"http://testserver{og.file.url}"
    assert enclosure.get("type") == "image/jpeg"
    assert int(enclosure.get("length")) == og.file.size == og.size_bytes
    media = item.find("media:content", NS)
    assert media.get("url") == enclosure.get("url")
    assert (media.get("width"), media.get("height")) == ("1200", "630")
    assert media.get("medium") == "image" and media.get("type") == "image/jpeg"
    # lastBuildDate: the newest change of an item (its save, here after publication).
    built = email.utils.parsedate_to_datetime(channel.findtext("lastBuildDate"))
    assert built == Article.objects.get(pk=article.pk).updated_at.replace(microsecond=0)


def test_latest_feed_has_the_50_newest_newest_first(client, section):
    now = timezone.now()
    for minutes in range(55):
        make_article(title=f"Tin số {minutes}", published_at=now - timedelta(minutes=minutes + 1))
    _, root = get_feed(client, LATEST)
    assert titles(root) == [f"Tin số {n}" for n in range(50)]


def test_section_feed_includes_its_subsections_and_nothing_else(client, section):
    child = make_category(name="Xuất nhập khẩu", parent=section)
    other = make_category(name="Năng lượng")
    make_article(title="Tin chuyên mục cha", category=section)
    make_article(title="Tin chuyên mục con", category=child)
    make_article(title="Tin năng lượng", category=other)
    _, root = get_feed(client, "/rss/cong-thuong.rss")
    channel = root.find("channel")
    assert channel.findtext("title") == "Báo Công Thương — Công Thương"
    assert channel.findtext("link") == "http://testserver/cong-thuong/"
    assert sorted(titles(root)) == ["Tin chuyên mục cha", "Tin chuyên mục con"]
    _, root = get_feed(client, "/rss/xuat-nhap-khau.rss")
    assert titles(root) == ["Tin chuyên mục con"]


def test_unknown_section_feed_is_404(client):
    assert client.get("/rss/khong-co.rss").status_code == 404


def test_hidden_articles_never_appear_in_any_feed(client, section, photo):
    author = make_author("Minh Thư")
    make_article(title="Tin công khai", category=section, authors=[author], lead_photo=photo)
    hidden = make_hidden_articles(section, [author], photo)
    for path in (LATEST, "/rss/cong-thuong.rss"):
        response, root = get_feed(client, path)
        assert titles(root) == ["Tin công khai"], path
        body = response.content.decode()
        for article in hidden.values():
            assert article.get_absolute_url() not in body


def test_hostile_title_and_sapo_stay_inert(client, section):
    """The title is plain text (no element, no entity left to decode); the sapo, which
    readers render as HTML, is escaped HTML: parsed as HTML it has no tag at all."""
    make_article(title=HOSTILE, sapo="Sapo <img src=x onerror=alert(1)> & “ngoặc”")
    _, root = get_feed(client, LATEST)
    [item] = items(root)
    title = item.find("title")
    assert title.text == HOSTILE and len(title) == 0
    description = item.findtext("description")
    tags = []
    parser = HTMLParser()
    parser.handle_starttag = lambda tag, attrs: tags.append(tag)
    parser.feed(description)
    assert tags == []
    assert description == "Sapo &lt;img src=x onerror=alert(1)&gt; &amp; “ngoặc”"


def test_characters_xml_cannot_carry_are_dropped_not_fatal(client, section):
    """A control character pasted into a sapo must not break the whole feed."""
    make_article(title="Tin có\x01ký tự lạ", sapo="Sapo\x0b có ký tự\x1f điều khiển")
    _, root = get_feed(client, LATEST)
    [item] = items(root)
    assert item.findtext("title") == "Tin cóký tự lạ"
    assert item.findtext("description") == "Sapo có ký tự điều khiển"


def test_photo_without_renditions_has_media_but_no_enclosure(client, section):
    """RSS requires an enclosure's length: before renditions exist only media:content
    (the original file, with its size) is given."""
    bare = make_photo(size=(300, 200))
    make_article(lead_photo=bare)
    _, root = get_feed(client, LATEST)
    [item] = items(root)
    assert item.find("enclosure") is None
    media = item.find("media:content", NS)
    assert media.get("url") == f"http://testserver{bare.image.url}"
    assert (media.get("width"), media.get("height")) == ("300", "200")


def test_dates_are_in_the_paper_time_zone(client, section):
    """23:35 in Hanoi is 16:35 UTC: the feed says "23:35:00 +0700"."""
    with time_machine.travel(FIXED_NOW + timedelta(hours=1), tick=False):
        make_article(published_at=FIXED_NOW)
        _, root = get_feed(client, LATEST)
    assert items(root)[0].findtext("pubDate") == "Sat, 26 Sep 2020 23:35:00 +0700"


def _count(client, path):
    client.get(path)  # warm the site settings cache, as on a running site
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries.captured_queries)


def test_feed_query_count_is_fixed_whatever_the_number_of_articles(client, section, photo):
    child = make_category(name="Xuất nhập khẩu", parent=section)
    authors = [make_author("Minh Thư"), make_author("Hoàng Anh")]

    def add(n):
        for _ in range(n):
            make_article(category=child, authors=authors, lead_photo=photo)

    add(2)
    before = {path: _count(client, path) for path in (LATEST, "/rss/cong-thuong.rss")}
    add(60)
    after = {path: _count(client, path) for path in (LATEST, "/rss/cong-thuong.rss")}
    assert before == after
    # items, bylines (+ the section for a section feed)
    assert after[LATEST] <= 3 and after["/rss/cong-thuong.rss"] <= 4, after


def test_feed_answers_304_until_something_changes(
    client, section, settings, django_capture_on_commit_callbacks
):
    """The page cache's validators (articles/pagecache.py) cover the feeds too."""
    settings.PAGE_CACHE_SECONDS = 60
    article = make_article(title="Tin đầu")
    response, _ = get_feed(client, LATEST)
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag.startswith('"') and modified
    assert client.get(LATEST, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(LATEST, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    with (
        time_machine.travel(timezone.now() + timedelta(seconds=2)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        article.title = "Tin đầu (sửa)"
        article.save()
    assert client.get(LATEST, HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get(LATEST, HTTP_IF_MODIFIED_SINCE=modified).status_code == 200


def test_rss_page_lists_every_feed_in_vietnamese(client, section):
    make_category(name="Xuất nhập khẩu", parent=section)
    make_category(name="Năng lượng")
    response = client.get("/rss/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "theo dõi tin mới của Báo Công Thương" in html
    for name, path in [
        ("Tin mới nhất", "/rss/tin-moi-nhat.rss"),
        ("Công Thương", "/rss/cong-thuong.rss"),
        ("Xuất nhập khẩu", "/rss/xuat-nhap-khau.rss"),
        ("Năng lượng", "/rss/nang-luong.rss"),
    ]:
        assert (
            f'<a href="{path}">{name}</a><span class="feed-url">http://testserver{path}</span>'
            in html
        )
        assert client.get(path).status_code == 200


def test_pages_announce_their_feeds(client, section):
    """Every page links the latest-news feed; a section page also its own feed."""
    make_article()
    link = '<link rel="alternate" type="application/rss+xml" title="Báo Công Thương — {}" '
    link += 'href="{}">'
    latest = link.format("Tin mới nhất", "/rss/tin-moi-nhat.rss")
    own = link.format("Công Thương", "/rss/cong-thuong.rss")
    home = client.get("/").content.decode()
    assert latest in home and own not in home
    page = client.get("/cong-thuong/").content.decode()
    assert latest in page and own in page
    assert '<a href="/rss/">RSS</a>' in home  # footer


@pytest.mark.parametrize("slug", ["rss", "tin-moi-nhat"])
def test_feed_paths_are_reserved_category_slugs(slug):
    with pytest.raises(ValidationError) as refusal:
        Category(name="Chuyên mục", slug=slug).full_clean()
    assert "slug" in refusal.value.message_dict
