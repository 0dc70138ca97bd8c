"""What search engines and link previews read: canonical, meta, OpenGraph, Twitter and
JSON-LD, checked on the parsed page (not on substrings)."""

import json
from datetime import datetime, timedelta
from html.parser import HTMLParser

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.utils import timezone
from PIL import Image

from articles.models import Correction, PreviewLink, Rendition
from articles.renditions import generate_renditions
from tests.factories import (
    EDITOR_IN_CHIEF,
    VN,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

HOSTILE = "Giá \"xăng\" </script><script>alert(1)</script> & dầu 'tăng'"
T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)


class Head(HTMLParser):
    """The parsed page: <title> text, every <meta>, <link> and <script> with its text."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.title, self.metas, self.links, self.scripts = "", [], [], []
        self._in = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.metas.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script":
            self.scripts.append([attrs, ""])
            self._in = "script"
        elif tag == "title":
            self._in = "title"

    def handle_endtag(self, tag):
        if tag in ("script", "title"):
            self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.scripts[-1][1] += data

    def meta(self, key):
        """Every content of <meta property=key> or <meta name=key>."""
        return [m["content"] for m in self.metas if key in (m.get("property"), m.get("name"))]

    def one(self, key):
        [value] = self.meta(key)
        return value

    def link(self, rel):
        return [link["href"] for link in self.links if link.get("rel") == rel]

    def json_ld(self):
        found = {}
        for attrs, text in self.scripts:
            if attrs.get("src", "").startswith("/static/") and not text.strip():
                continue  # our own static script file (no inline code)
            # Inline, only data: JSON-LD (the hostile title never opens a script).
            assert attrs == {"type": "application/ld+json"}, attrs
            data = json.loads(text)
            found[data["@type"]] = data
        return found


def head(client, path, status=200):
    response = client.get(path)
    assert response.status_code == status, (path, response.status_code)
    return Head(response.content.decode())


@pytest.fixture
def article():
    parent = make_category(name="Công Thương")
    category = make_category(name="Xuất nhập khẩu", parent=parent)
    photo = make_photo(size=(1600, 1000), caption="Cảng Hải Phòng")
    generate_renditions(photo)
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        article = make_article(
            title="Xuất khẩu gạo tăng mạnh",
            category=category,
            published_at=T0 - timedelta(minutes=30),
            sapo="Kim ngạch xuất khẩu gạo tăng 20% so với cùng kỳ.",
            authors=[make_author("Minh Thư"), make_author("Hoàng Anh")],
            lead_photo=photo,
        )
    return article


def test_article_page_meta_and_open_graph(client, article):
    page = head(client, article.get_absolute_url())
    url = f"http://testserver{article.get_absolute_url()}"
    og = Rendition.objects.get(photo=article.lead_photo, kind="og")
    assert page.title == "Xuất khẩu gạo tăng mạnh — Báo Công Thương"
    assert page.link("canonical") == [url]
    assert page.one("description") == "Kim ngạch xuất khẩu gạo tăng 20% so với cùng kỳ."
    assert page.one("og:type") == "article"
    assert page.one("og:title") == "Xuất khẩu gạo tăng mạnh"
    assert page.one("og:description") == page.one("description")
    assert page.one("og:url") == url
    assert page.one("og:site_name") == "Báo Công Thương"
    assert page.one("og:locale") == "vi_VN"
    assert page.one("og:image") == f"http://testserver{og.file.url}"
    assert (page.one("og:image:width"), page.one("og:image:height")) == ("1200", "630")
    assert page.one("og:image:alt") == "Cảng Hải Phòng"
    assert page.one("article:published_time") == "2024-03-05T08:45:00+07:00"
    assert page.one("article:modified_time") == "2024-03-05T08:45:00+07:00"
    assert page.one("article:section") == "Xuất nhập khẩu"
    assert page.meta("article:author") == [
        "http://testserver/tac-gia/minh-thu/",
        "http://testserver/tac-gia/hoang-anh/",
    ]
    assert page.one("twitter:card") == "summary_large_image"
    assert page.one("twitter:title") == "Xuất khẩu gạo tăng mạnh"
    assert page.one("twitter:image") == page.one("og:image")
    assert page.meta("robots") == []


def test_article_json_ld_news_article_and_breadcrumbs(client, article):
    page = head(client, article.get_absolute_url())
    url = f"http://testserver{article.get_absolute_url()}"
    data = page.json_ld()
    assert set(data) == {"NewsArticle", "BreadcrumbList"}
    news = data["NewsArticle"]
    assert news["@context"] == "https://schema.org"
    assert news["headline"] == "Xuất khẩu gạo tăng mạnh"
    assert news["description"] == "Kim ngạch xuất khẩu gạo tăng 20% so với cùng kỳ."
    assert datetime.fromisoformat(news["datePublished"]) == article.published_at
    assert news["datePublished"].endswith("+07:00")
    assert news["dateModified"] == news["datePublished"]  # saved before publication
    assert news["author"] == [
        {"@type": "Person", "name": "Minh Thư", "url": "http://testserver/tac-gia/minh-thu/"},
        {"@type": "Person", "name": "Hoàng Anh", "url": "http://testserver/tac-gia/hoang-anh/"},
    ]
    publisher = news["publisher"]
    assert publisher["@type"] in ("Organization", "NewsMediaOrganization")
    assert publisher["name"] == "Báo Công Thương"
    logo = publisher["logo"]
    assert logo["@type"] == "ImageObject"
    assert logo["url"] == "http://testserver/static/brand/logo.png"
    with Image.open(finders.find("brand/logo.png")) as image:
        assert image.format == "PNG"  # Google wants a raster logo, at least 112×112
        assert image.size == (logo["width"], logo["height"]) and min(image.size) >= 112
    jpegs = Rendition.objects.filter(photo=article.lead_photo, format="jpg")
    renditions = {r.kind: r for r in jpegs}
    assert news["image"][0] == f"http://testserver{renditions['og'].file.url}"
    assert f"http://testserver{renditions['16x9-960'].file.url}" in news["image"]
    assert f"http://testserver{renditions['1x1-320'].file.url}" in news["image"]
    assert all(image.startswith("http://testserver/media/") for image in news["image"])
    assert news["articleSection"] == "Xuất nhập khẩu"
    assert news["mainEntityOfPage"] == {"@type": "WebPage", "@id": url}
    assert news["inLanguage"] == "vi"

    crumbs = data["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Trang chủ", "http://testserver/"),
        (2, "Công Thương", "http://testserver/cong-thuong/"),
        (3, "Xuất nhập khẩu", "http://testserver/xuat-nhap-khau/"),
        (4, "Xuất khẩu gạo tăng mạnh", url),
    ]


def test_date_modified_follows_edits_and_corrections(client, article):
    with time_machine.travel(T0 + timedelta(hours=2), tick=False):
        Correction.objects.create(article=article, text="Sửa số liệu: 20% thay vì 25%.")
        page = head(client, article.get_absolute_url())
    assert page.json_ld()["NewsArticle"]["dateModified"] == "2024-03-05T11:15:00+07:00"
    assert page.one("article:modified_time") == "2024-03-05T11:15:00+07:00"


def test_article_without_byline_or_photo(client):
    """The paper signs an unsigned article; no image means no image fields and the
    small Twitter card."""
    article = make_article(title="Tin ngắn", sapo="")
    page = head(client, article.get_absolute_url())
    news = page.json_ld()["NewsArticle"]
    assert news["author"] == [
        {
            "@type": news["publisher"]["@type"],
            "name": "Báo Công Thương",
            "url": "http://testserver/",
        }
    ]
    assert "image" not in news
    assert page.meta("og:image") == []
    assert page.one("twitter:card") == "summary"
    assert page.one("description") == "Tin ngắn"  # no sapo: the title describes it


def test_hostile_title_stays_inert_everywhere_in_the_page(client):
    """A title closing the script element and opening another stays text: in <title>,
    in every meta attribute, in the JSON-LD, in the breadcrumb."""
    category = make_category(name='Chuyên mục "</script>"')
    article = make_article(title=HOSTILE, category=category, sapo=f"Sapo: {HOSTILE}")
    response = client.get(article.get_absolute_url())
    page = Head(response.content.decode())
    assert page.title == f"{HOSTILE} — Báo Công Thương"
    for key in ("og:title", "twitter:title"):
        assert page.one(key) == HOSTILE
    assert page.one("description") == f"Sapo: {HOSTILE}"
    assert page.one("og:description") == f"Sapo: {HOSTILE}"
    data = page.json_ld()  # also asserts every <script> on the page is JSON-LD
    assert set(data) == {"NewsArticle", "BreadcrumbList"}
    assert data["NewsArticle"]["headline"] == HOSTILE
    assert data["NewsArticle"]["articleSection"] == 'Chuyên mục "</script>"'
    assert data["BreadcrumbList"]["itemListElement"][-1]["name"] == HOSTILE
    for _, text in page.scripts:
        assert "<" not in text and ">" not in text and "&" not in text


def test_hidden_articles_have_no_page_and_no_structured_data(client):
    category = make_category(name="Công Thương")
    for kind, hidden in make_hidden_articles(category, [make_author("Minh Thư")]).items():
        response = client.get(hidden.get_absolute_url())
        assert response.status_code == 404, kind
        assert "ld+json" not in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "scheduled"])
def test_previews_are_noindex_without_canonical_or_structured_data(client, status):
    """A preview's public URL may not exist yet: no canonical, no og:url, no JSON-LD,
    no publication time; only noindex and what a chat app shows for a shared link."""
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    fields = (
        {"status": "draft"}
        if status == "draft"
        else {"published_at": timezone.now() + timedelta(days=1)}
    )
    article = make_article(title="Bài chưa lên trang", created_by=chief, **fields)
    link = PreviewLink.objects.create(article=article, created_by=chief)
    shared = client.get(link.get_absolute_url())
    client.force_login(chief)
    staff = client.get(f"/admin/articles/article/{article.pk}/preview/")
    for response in (shared, staff):
        assert response.status_code == 200
        assert "noindex" in response["X-Robots-Tag"]
        page = Head(response.content.decode())
        assert page.one("robots") == "noindex, nofollow"
        assert page.link("canonical") == []
        assert page.meta("og:url") == [] and page.meta("article:published_time") == []
        assert page.json_ld() == {}
        assert page.one("og:title") == "Bài chưa lên trang"


def test_category_page_meta_with_page_numbers(client):
    category = make_category(name="Công Thương", description="Tin tức ngành Công Thương.")
    for n in range(25):
        make_article(title=f"Bài {n}", category=category)
    page = head(client, "/cong-thuong/?utm_source=zalo")
    assert page.link("canonical") == ["http://testserver/cong-thuong/"]
    assert page.one("description") == "Tin tức ngành Công Thương."
    assert page.one("og:type") == "website"
    assert page.one("og:title") == "Công Thương"
    assert page.one("og:url") == "http://testserver/cong-thuong/"
    assert page.one("og:site_name") == "Báo Công Thương"
    assert page.one("og:locale") == "vi_VN"
    assert page.one("og:image") == "http://testserver/static/brand/logo.png"
    second = head(client, "/cong-thuong/?page=2&utm_source=zalo")
    assert second.link("canonical") == ["http://testserver/cong-thuong/?page=2"]


def test_section_pages_have_a_breadcrumb_list(client):
    """Home › section, and home › section › sub-section, as the visible breadcrumb."""
    parent = make_category(name="Công Thương")
    child = make_category(name="Xuất nhập khẩu", parent=parent)
    make_article(category=child)
    crumbs = head(client, "/cong-thuong/").json_ld()["BreadcrumbList"]["itemListElement"]
    assert [(c["position"], c["name"], c["item"]) for c in crumbs] == [
        (1, "Trang chủ", "http://testserver/"),
        (2, "Công Thương", "http://testserver/cong-thuong/"),
    ]
    crumbs = head(client, "/xuat-nhap-khau/").json_ld()["BreadcrumbList"]["itemListElement"]
    assert [c["name"] for c in crumbs] == ["Trang chủ", "Công Thương", "Xuất nhập khẩu"]
    assert crumbs[-1]["item"] == "http://testserver/xuat-nhap-khau/"


def test_author_page_meta(client):
    author = make_author("Minh Thư")
    make_article(authors=[author])
    page = head(client, author.get_absolute_url())
    assert page.link("canonical") == ["http://testserver/tac-gia/minh-thu/"]
    assert page.one("description") == "Các bài viết của tác giả Minh Thư trên Báo Công Thương"
    assert page.one("og:title") == "Minh Thư"
    assert page.one("og:url") == "http://testserver/tac-gia/minh-thu/"


def test_home_has_website_and_organization(client):
    make_article()
    page = head(client, "/")
    assert page.link("canonical") == ["http://testserver/"]
    assert page.one("description") == "Báo Công Thương — tin tức, thời sự"
    assert page.one("og:type") == "website" and page.one("og:url") == "http://testserver/"
    data = page.json_ld()
    assert data["WebSite"]["url"] == "http://testserver/"
    assert data["WebSite"]["name"] == "Báo Công Thương"
    assert data["WebSite"]["inLanguage"] == "vi"
    organization = next(v for k, v in data.items() if k != "WebSite")
    assert organization["@id"] == data["WebSite"]["publisher"]["@id"]
    assert organization["name"] == "Báo Công Thương"
    assert organization["logo"]["url"] == "http://testserver/static/brand/logo.png"


def test_logos_are_served_from_static(client):
    for name, size in (("brand/logo.png", (512, 512)), ("brand/logo-144.png", (144, 144))):
        with Image.open(finders.find(name)) as image:
            assert image.size == size
    with open(finders.find("brand/logo.svg"), encoding="utf-8") as svg:
        assert "<title" in svg.read()
