"""Hostile input anywhere a user can type or a URL can carry it: never a 500.

Ids that are huge, negative, zero-padded or digits of other scripts in every URL that
carries an id; page numbers of every bad kind on every paginated page; search queries
that are huge, only combining marks, NUL bytes or SQL/LIKE wildcards; titles in NFD near
the length limit (counted after NFC) and emoji-only titles (they still get a slug);
oversized autosaves; malformed multipart bodies. Runs on SQLite and PostgreSQL alike
(CI runs the module on both). tests/security/test_bad_input.py pins the section-1 fixes;
this module sweeps wider.
"""

import json
import unicodedata

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from articles.models import (
    Article,
    ArticleRevision,
    Author,
    Category,
    Correction,
    EventThread,
    Photo,
    PreviewLink,
    Tag,
)
from tests.factories import (
    EDITOR_IN_CHIEF,
    REPORTER,
    article_form_data,
    image_upload,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

# Everything an id in a URL might be, other than the id of an existing row.
BAD_IDS = [str(10**30), "-1", "-0", "0", "007", "0" * 40 + "1", "²", "①", "٣", "１",
           "1e3", "1.0", "0x1", " 1", "1%00", "%00", "1;2", "9" * 18, "9" * 19]  # fmt: skip
# Every bad page number: zero, negative, float and exponent notation, other scripts'
# digits, far past the end, empty, words, very long.
BAD_PAGES = ["0", "-1", "1e3", "1.5", "²", "①", "٣", "999999", "", "abc", "1" * 400,
             "9" * 30, "%00", "\x00", "1 ", "+1", "0x10", "NaN", "inf"]  # fmt: skip
# Search queries of every bad kind.
BAD_QUERIES = [
    "a" * 10_000,
    "Hà Nội " * 1500,
    "\u0301" * 2000,  # only combining marks
    "\u0300\u0301\u0303\u0309\u0323",
    "%",
    "_",
    "%%%_%_",
    "\\",
    "\\%",
    "' OR 1=1 --",
    '" OR ""="',
    "'; DROP TABLE articles_article; --",
    "[a-z]*",
    "(((",
    "a & b | !c <-> d:*",  # tsquery syntax
    "*:*",
    "\ufeff\u200b\u200d",
    "🔥" * 300,
    "\ud7ff\ue000\uffff",
    "ｈà ｎộｉ",
]


@pytest.fixture
def chief(client):
    user = make_user("tongbientap", EDITOR_IN_CHIEF)
    client.force_login(user)
    return user


@pytest.fixture
def site():
    """One of every object that has a URL of its own."""
    category = make_category()
    author = make_author("Minh Thư")
    thread = EventThread.objects.create(title="Bão số 3")
    photo = make_photo()
    article = make_article(authors=[author], lead_photo=photo, thread=thread)
    from articles import services

    services.set_article_tags(article, ["Hà Nội"])
    ArticleRevision.objects.create(article=article, number=1, content={"title": "x"})
    Correction.objects.create(article=article, text="Cải chính.")
    link = PreviewLink.objects.create(article=article)
    return {"category": category, "author": author, "thread": thread, "photo": photo,
            "article": article, "link": link, "tag": Tag.objects.get()}  # fmt: skip


def no_500(response, what):
    assert response.status_code < 500, (what, response.status_code)


# -- ids --


def id_urls(bad, site):
    """(method, URL) for every route with an id, the id replaced by `bad`."""
    article_ct = ContentType.objects.get_for_model(Article).pk
    ok = site["article"].pk
    admin = "/admin/articles"
    get = [
        f"{admin}/article/{bad}/change/",
        f"{admin}/article/{bad}/history/",
        f"{admin}/article/{bad}/delete/",
        f"{admin}/article/{bad}/preview/",
        f"{admin}/article/{ok}/preview/?revision={bad}",
        f"{admin}/article/{bad}/history/compare/?a=1&b=1",
        f"{admin}/article/{ok}/history/compare/?a={bad}&b=1",
        f"{admin}/article/{ok}/history/compare/?a=1&b={bad}",
        f"{admin}/article/photo-info/{bad}/",
        f"{admin}/article/?q=%23{bad}",
        f"{admin}/article/?category__id__exact={bad}",
        f"{admin}/article/?bylines__id__exact={bad}",
        f"{admin}/article/?o={bad}",
        f"{admin}/photo/{bad}/change/",
        f"{admin}/photo/{bad}/delete/",
        f"{admin}/photo/?q={bad}",
        f"{admin}/author/{bad}/change/",
        f"{admin}/category/{bad}/change/",
        f"{admin}/tag/{bad}/change/",
        f"{admin}/eventthread/{bad}/change/",
        f"{admin}/correction/{bad}/change/",
        f"/admin/auth/user/{bad}/change/",
        f"/admin/auth/user/{bad}/password/",
        f"/admin/auth/group/{bad}/change/",
        f"/admin/r/{article_ct}/{bad}/",
        f"/admin/r/{bad}/{ok}/",
        f"/admin/autocomplete/?app_label=articles&model_name=article&field_name=related"
        f"&term=a&page={bad}",
        f"/quan-tri/thong-tin-anh/{bad}/",
        f"/{site['article'].slug}-{bad}.html",
        f"/-{bad}.html",
        f"/api/luot-xem/{bad}/",
        f"/xem-truoc/{bad}/",
    ]
    post = [
        f"{admin}/article/{bad}/change/",
        f"{admin}/article/{bad}/presence/",
        f"{admin}/article/{bad}/preview-links/",
        f"{admin}/article/{ok}/preview-links/{bad}/revoke/",
        f"{admin}/article/{bad}/history/1/restore/",
        f"{admin}/article/{ok}/history/{bad}/restore/",
        f"{admin}/photo/{bad}/change/",
        f"/quan-tri/thong-tin-anh/{bad}/",
        f"/api/luot-xem/{bad}/",
    ]
    return [("get", url) for url in get] + [("post", url) for url in post]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_ids_everywhere(client, chief, site, bad):
    for method, url in id_urls(bad, site):
        response = getattr(client, method)(url, {"key": bad} if method == "post" else None)
        no_500(response, (method, url))
        if method == "get" and "?" not in url and bad not in {"007", "0" * 40 + "1"}:
            # Nothing but the object itself is found under a bad id.
            # (301: the public URL's slug part is free text, and leads to the canonical one)
            assert response.status_code in (301, 302, 400, 403, 404, 405), (
                url,
                response.status_code,
            )


@pytest.mark.parametrize("bad", BAD_IDS)
def test_bad_ids_anonymous(site, bad):
    client = Client()
    for method, url in id_urls(bad, site):
        no_500(getattr(client, method)(url), (method, url))


def test_bad_autosave_keys(client, chief, site):
    url = reverse("admin:articles_article_autosave")
    for bad in BAD_IDS:
        response = client.post(url, {"key": bad, "content": json.dumps({"title": "x"})})
        no_500(response, bad)
        assert response.status_code in (400, 403, 404), (bad, response.status_code)


# -- page numbers --


def paginated_urls(site):
    return [
        "/",
        site["category"].get_absolute_url(),
        site["author"].get_absolute_url(),
        site["tag"].get_absolute_url(),
        site["thread"].get_absolute_url(),
        "/cai-chinh/",
        "/tim-kiem/?q=ngành",
        "/sitemap-bai-viet.xml",
        "/rss/tin-moi-nhat.rss",
        "/admin/articles/article/",
        "/admin/articles/photo/",
        "/admin/articles/tag/",
        "/admin/articles/author/",
        "/admin/articles/eventthread/",
        "/admin/auth/user/",
        "/quan-tri/thu-vien-anh/?CKEditorFuncNum=1",
    ]


@pytest.mark.parametrize("page", BAD_PAGES)
def test_bad_page_numbers(client, chief, site, page):
    for url in paginated_urls(site):
        joiner = "&" if "?" in url else "?"
        for name in ("page", "p"):  # public pages say "page", the admin and sitemaps "p"
            full = f"{url}{joiner}{name}={page}"
            response = client.get(full)
            no_500(response, full)
            public = not url.startswith(("/admin/", "/quan-tri/"))
            if public and name == "page" and url != "/" and not url.startswith("/sitemap"):
                if url.startswith("/rss/"):
                    continue  # feeds have no pages; the parameter is ignored
                # A bad page is a 404 (never a silent first or last page); a NUL is
                # refused before anything (400).
                assert response.status_code in (400, 404) or page in {"", "+1"}, (
                    full,
                    response.status_code,
                )


# -- search queries --


SEARCH_URLS = {
    "/tim-kiem/": "q",
    "/admin/articles/article/": "q",
    "/admin/articles/photo/": "q",
    "/admin/articles/tag/": "q",
    "/admin/articles/author/": "q",
    "/admin/articles/eventthread/": "q",
    "/admin/articles/category/": "q",
    "/admin/auth/user/": "q",
    "/admin/articles/tag/suggest/": "q",
    "/admin/articles/article/slug-preview/": "text",
    "/quan-tri/thu-vien-anh/?CKEditorFuncNum=1": "q",
    "/quan-tri/thong-tin-anh/": "src",
}


@pytest.mark.parametrize("query", BAD_QUERIES, ids=lambda q: f"{q[:12]!r}x{len(q)}")
def test_hostile_search_queries(client, chief, site, query):
    make_article("Giá xăng 100% tăng_mạnh ở Hà Nội")
    for url, name in SEARCH_URLS.items():
        response = client.get(url, {name: query})
        no_500(response, url)
        assert response.status_code in (200, 400, 404), (url, response.status_code)
    autocomplete = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "articles",
            "model_name": "article",
            "field_name": "lead_photo",
            "term": query,
        },  # fmt: skip
    )
    no_500(autocomplete, "autocomplete")


@pytest.mark.parametrize("url", list(SEARCH_URLS))
def test_nul_bytes_in_searches_are_refused_cleanly(client, chief, site, url):
    response = client.get(url, {SEARCH_URLS[url]: "Hà\x00Nội"})
    no_500(response, url)
    assert response.status_code in (400, 404), (url, response.status_code)


def test_wildcards_match_literally(client, site):
    """`%` and `_` are not wildcards to readers: "100%" finds the article that says it,
    and "%" alone does not list everything."""
    make_article("Giá xăng tăng 100% trong tháng")
    make_article("Giá điện giữ nguyên")
    html = client.get("/tim-kiem/", {"q": "%"}).content.decode()
    assert "Giá điện giữ nguyên" not in html
    html = client.get("/tim-kiem/", {"q": "_"}).content.decode()
    assert "Giá điện giữ nguyên" not in html


# -- titles: NFD near the limit, emoji only --


SENTENCE = "Thủ tướng yêu cầu đẩy nhanh tiến độ giải ngân vốn đầu tư công ở Đà Nẵng. "


def nfc_title(length):
    """A Vietnamese title of exactly `length` code points in NFC, mostly accented."""
    text = (SENTENCE * (length // len(SENTENCE) + 1))[:length]
    return text[:-1] + "ạ"  # never ends in a space (a title is stripped)


@pytest.mark.parametrize("length", [272, 300])
def test_nfd_title_within_the_limit_after_nfc(client, chief, site, length):
    title = nfc_title(length)
    assert len(title) == length
    decomposed = unicodedata.normalize("NFD", title)
    assert len(decomposed) > 300  # over the limit only if counted before NFC
    data = article_form_data(category=site["category"], title=decomposed, bylines=[])
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.latest("pk")
    assert article.title == title  # stored in NFC, whole


def test_title_over_the_limit_is_refused_in_vietnamese(client, chief, site):
    title = unicodedata.normalize("NFD", nfc_title(301))
    data = article_form_data(category=site["category"], title=title, bylines=[])
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "tối đa 300" in response.content.decode() or "300 ký tự" in response.content.decode()


EMOJI_TITLES = ["🔥🔥🔥", "🇻🇳", "👍🏽👍🏽", "…", "!!!", "—", "★☆★", "\u200b🔥\u200d"]


@pytest.mark.parametrize("title", EMOJI_TITLES)
def test_titles_without_letters_still_get_a_slug(client, chief, site, title):
    data = article_form_data(category=site["category"], title=title, bylines=[])
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.latest("pk")
    assert article.slug, title
    url = article.get_absolute_url()
    assert not url.startswith("/-"), url
    when = site["article"].published_at
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED, published_at=when, first_published_at=when
    )
    assert Client().get(url).status_code == 200


@pytest.mark.parametrize("name", ["🔥🔥", "★", "…"])
def test_names_without_letters_still_get_a_slug(client, chief, name):
    """Pen names, sections, tags and threads: a page of their own, never /tac-gia//."""
    author = Author.objects.create(display_name=name)
    category = Category.objects.create(name=name)
    thread = EventThread.objects.create(title=name)
    for obj in (author, category, thread):
        assert obj.slug, obj
        assert "//" not in obj.get_absolute_url()
    article = make_article(category=category, authors=[author], thread=thread)
    from articles import services

    [tag] = services.set_article_tags(article, [name])
    assert tag.slug
    for obj in (author, category, thread, tag, article):
        assert Client().get(obj.get_absolute_url()).status_code == 200, obj


# -- oversized and malformed requests --


def test_huge_autosave(client, chief, site):
    url = reverse("admin:articles_article_autosave")
    content = json.dumps({"title": "x", "body": "a" * 6_000_000})
    response = client.post(url, {"key": "new", "content": content})
    no_500(response, "autosave")
    assert response.status_code in (400, 413)


def test_wide_autosave(client, chief, site):
    url = reverse("admin:articles_article_autosave")
    content = json.dumps({f"k{i}": i for i in range(100_000)})
    response = client.post(url, {"key": "new", "content": content})
    no_500(response, "autosave")


def test_too_many_fields(client, chief, site):
    data = {f"f{i}": "x" for i in range(1500)}
    for url in ("/admin/articles/article/add/", "/quan-tri/tai-anh/", "/admin/login/"):
        response = client.post(url, data)
        no_500(response, url)
        assert response.status_code == 400, (url, response.status_code)


MALFORMED_MULTIPART = [
    ("multipart/form-data", b"--x\r\nno headers\r\n--x--"),
    ("multipart/form-data; boundary=", b"--\r\n\r\n--"),
    ("multipart/form-data; boundary=x", b"garbage without any boundary"),
    ("multipart/form-data; boundary=x", b"--x\r\nContent-Disposition: form-data\r\n\r\nv\r\n"),
    ("multipart/form-data; boundary=x",
     b'--x\r\nContent-Disposition: form-data; name="upload"; filename="a.jpg"\r\n'
     b"Content-Type: image/jpeg\r\n\r\n\xff\xd8\xff"),  # truncated: no closing boundary
    ("multipart/form-data; boundary=" + "x" * 5000, b"--" + b"x" * 5000 + b"--"),
    ("multipart/form-data; boundary=x",
     b'--x\r\nContent-Disposition: form-data; name="\xff\xfe"; filename="\xc3\x28.jpg"\r\n'
     b"\r\nabc\r\n--x--\r\n"),  # invalid UTF-8 in names
    ("multipart/form-data; boundary=x; charset=utf-99", b"--x--\r\n"),
    ("application/x-www-form-urlencoded", b"%%%=%%%&\xff\xfe=\xff"),
    ("application/x-www-form-urlencoded; charset=bogus", b"a=1"),
]  # fmt: skip


@pytest.mark.parametrize("content_type, body", MALFORMED_MULTIPART)
def test_malformed_bodies(client, chief, site, content_type, body):
    photo = site["photo"]
    urls = [
        "/admin/articles/article/add/",
        f"/admin/articles/article/{site['article'].pk}/change/",
        "/admin/articles/photo/add/",
        f"/admin/articles/photo/{photo.pk}/change/",
        "/quan-tri/tai-anh/",
        f"/quan-tri/thong-tin-anh/{photo.pk}/",
        "/admin/articles/article/autosave/",
        "/admin/login/",
    ]
    before = Photo.objects.count(), Article.objects.count()
    for url in urls:
        response = client.generic("POST", url, body, content_type=content_type)
        no_500(response, (url, content_type))
    assert (Photo.objects.count(), Article.objects.count()) == before


def test_reporter_forged_inline_rows(client, site):
    """Inline management forms with absurd counts: a refusal, not a crash."""
    reporter = make_user("phongvien", REPORTER)
    client.force_login(reporter)
    data = article_form_data(category=site["category"], bylines=[])
    for total in ("-1", "99999999999999999999", "²", "abc", ""):
        data["byline_entries-TOTAL_FORMS"] = total
        response = client.post(reverse("admin:articles_article_add"), data)
        no_500(response, total)
    data = article_form_data(category=site["category"], bylines=[])
    data.update({"photo_uses-TOTAL_FORMS": "1", "photo_uses-0-photo": "²",
                 "photo_uses-0-position": "-5"})  # fmt: skip
    no_500(client.post(reverse("admin:articles_article_add"), data), "photo row")


def test_upload_field_names_and_image_uploads(client, chief, site):
    """An upload under an unexpected field name, or several under the right one."""
    url = "/quan-tri/tai-anh/"
    response = client.post(url, {"other": image_upload()})
    assert response.status_code == 400
    response = client.post(url, {"upload": [image_upload(), image_upload()]})
    no_500(response, "two uploads")
