"""Tags (từ khóa): one tag however it is typed, set from the article form, shown on the
article and on their own page (/tu-khoa/<slug>/), only ever with published articles."""

import json
import unicodedata
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleTag, Tag
from articles.text import name_key
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    REPORTER,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_photo,
    make_user,
)
from tests.test_seo import Head

pytestmark = pytest.mark.django_db

HANOI = "Hà Nội"
HANOI_NFD = unicodedata.normalize("NFD", HANOI)


def tag_names(article):
    return [entry.tag.name for entry in ArticleTag.objects.filter(article=article)]


# -- one tag however it is typed --


@pytest.mark.parametrize(
    "spelling",
    [
        HANOI,
        "hà nội",
        "HÀ NỘI",
        "Hà\u200bNội",
        HANOI_NFD,
        "  Hà   Nội ",
        "Hà\u200dNội",
        "\ufeffHà Nội",
    ],
)
def test_case_invisible_characters_nfd_and_spacing_make_no_new_tag(spelling):
    assert HANOI_NFD != HANOI  # the NFD spelling really is other code points
    first = make_article("Bài một")
    second = make_article("Bài hai")
    services.set_article_tags(first, [HANOI])
    services.set_article_tags(second, [spelling])
    assert Tag.objects.count() == 1
    assert tag_names(second) == [HANOI]  # the first spelling is the tag's name


@pytest.mark.parametrize(
    "one, other", [("Thanh Hóa", "Thanh Hoá"), ("thủy điện", "thuỷ điện"), ("Hòa Bình", "Hoà Bình")]
)
def test_where_the_tone_mark_sits_makes_no_new_tag(one, other):
    """Both tone-mark placements occur in real text; they are one word."""
    article = make_article()
    services.set_article_tags(article, [one, other])
    assert tag_names(article) == [one]
    assert name_key(one) == name_key(other)


@pytest.mark.parametrize("other", ["Ha Noi", "Hả Nội", "Hà Nộ", "Hà Nội mới"])
def test_other_letters_or_tones_are_another_tag(other):
    """Accents are kept distinct, as Vietnamese newsrooms do: "Ha Noi" may be a typo an
    editor should see, "Hả Nội" is another word; neither silently becomes "Hà Nội"."""
    article = make_article()
    services.set_article_tags(article, [HANOI, other])
    assert tag_names(article) == [HANOI, other]
    assert Tag.objects.count() == 2


def test_accentless_twin_gets_its_own_numbered_slug():
    article = make_article()
    services.set_article_tags(article, [HANOI, "Ha Noi", "Đà Nẵng"])
    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert slugs == {HANOI: "ha-noi", "Ha Noi": "ha-noi-2", "Đà Nẵng": "da-nang"}


def test_tags_keep_the_typed_order_and_drop_removed_ones():
    article = make_article()
    services.set_article_tags(article, ["Giá xăng", HANOI, "", "  ", "Xuất khẩu"])
    assert tag_names(article) == ["Giá xăng", HANOI, "Xuất khẩu"]
    services.set_article_tags(article, ["Xuất khẩu", "giá XĂNG"])
    assert tag_names(article) == ["Xuất khẩu", "Giá xăng"]
    assert Tag.objects.count() == 3  # a tag stays for other articles; only the row goes


def test_suggestions_ignore_accents_and_put_prefix_matches_first():
    article = make_article()
    services.set_article_tags(article, ["Nội thất", HANOI, "Hà Nam", "Giá xăng"])
    assert [t.name for t in Tag.objects.suggest("ha n")] == ["Hà Nam", HANOI]
    assert [t.name for t in Tag.objects.suggest("noi")] == ["Nội thất", HANOI]
    assert Tag.objects.suggest("   ") == []


# -- the article form --


ADD_URL = reverse("admin:articles_article_add")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def category():
    return make_category("Thời sự")


def test_reporter_tags_own_draft_from_the_add_and_change_forms(client, category):
    reporter = make_user("phongvien", REPORTER)
    client.force_login(reporter)
    response = client.post(
        ADD_URL,
        article_form_data(category=category, tag_names=f"{HANOI}, giá xăng, hà nội, Giá Xăng"),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    article = Article.objects.get()
    assert article.created_by == reporter and article.status == Article.Status.DRAFT
    assert tag_names(article) == [HANOI, "giá xăng"]
    form = client.get(change_url(article)).content.decode()
    assert f'value="{HANOI}, giá xăng"' in form
    assert 'data-tag-suggest-url="/admin/articles/tag/suggest/"' in form
    response = client.post(
        change_url(article), article_form_data(article, tag_names=f"Xuất khẩu, {HANOI_NFD}")
    )
    assert response.status_code == 302
    assert tag_names(article) == ["Xuất khẩu", HANOI]


def test_reporter_cannot_tag_someone_elses_article(client, category):
    other = make_article("Bài của người khác", status=Article.Status.DRAFT, category=category)
    client.force_login(make_user("phongvien", REPORTER))
    response = client.post(change_url(other), article_form_data(other, tag_names="Bí mật"))
    assert response.status_code in (302, 403)
    assert tag_names(other) == [] and not Tag.objects.exists()


def test_bad_tag_input_gets_a_vietnamese_message_and_saves_nothing(client, category):
    client.force_login(make_user("bientapvien", EDITOR))
    article = make_article("Bài đang biên tập", status=Article.Status.SUBMITTED, category=category)
    too_many = ", ".join(f"Từ khóa {n}" for n in range(21))
    for value, message in [
        ("x" * 101, "Mỗi từ khóa tối đa 100 ký tự"),
        (too_many, "Tối đa 20 từ khóa cho một bài."),
    ]:
        response = client.post(change_url(article), article_form_data(article, tag_names=value))
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Tag.objects.exists()


def test_without_the_add_tag_permission_only_existing_tags_can_be_used(client, category):
    """Every newsroom role may create tags; an account without the permission may only
    pick existing ones (the refusal names the new ones)."""
    services.set_article_tags(make_article("Bài cũ"), [HANOI])
    user = make_user("cuutac", None)
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_article", "change_article", "view_article"])
    )
    client.force_login(user)
    data = article_form_data(category=category, tag_names="hà nội, Tin mới")
    response = client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Bạn không được tạo từ khóa mới: Tin mới." in response.content.decode()
    response = client.post(ADD_URL, article_form_data(category=category, tag_names="hà nội"))
    assert response.status_code == 302
    assert tag_names(Article.objects.get(created_by=user)) == [HANOI]


def test_suggest_endpoint_needs_a_newsroom_login(client):
    services.set_article_tags(make_article(), [HANOI, "Hà Nam"])
    url = reverse("admin:articles_tag_suggest")
    assert client.get(url, {"q": "ha"}).status_code == 302  # to the login page
    client.force_login(make_user("phongvien", REPORTER))
    response = client.get(url, {"q": "ha n"})
    assert json.loads(response.content) == {"names": ["Hà Nam", HANOI]}
    client.force_login(make_user("nhanvien", None))
    assert client.get(url, {"q": "ha"}).status_code == 403


def test_renaming_a_tag_into_a_twin_is_refused_in_vietnamese(client):
    services.set_article_tags(make_article(), [HANOI, "Ha Noi"])
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    twin = Tag.objects.get(name="Ha Noi")
    url = reverse("admin:articles_tag_change", args=[twin.pk])
    response = client.post(url, {"name": "HÀ NỘI"})
    assert response.status_code == 200
    assert "Đã có từ khóa “Hà Nội”" in response.content.decode()
    response = client.post(url, {"name": "Hà Nội mới"})
    assert response.status_code == 302
    twin.refresh_from_db()
    assert (twin.name, twin.slug) == ("Hà Nội mới", "ha-noi-2")  # the address stays


def test_reporters_cannot_rename_or_delete_tags(client):
    services.set_article_tags(make_article(), [HANOI])
    tag = Tag.objects.get()
    client.force_login(make_user("phongvien", REPORTER))
    response = client.post(reverse("admin:articles_tag_change", args=[tag.pk]), {"name": "Khác"})
    assert response.status_code == 403
    assert client.post(reverse("admin:articles_tag_delete", args=[tag.pk])).status_code == 403
    tag.refresh_from_db()
    assert tag.name == HANOI


# -- public pages --


def test_article_page_links_its_tags_and_the_tag_page_lists_it(client):
    article = make_article("Hà Nội cấm xe máy từ 2030")
    services.set_article_tags(article, [HANOI, "Giao thông"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<nav class="article-tags" aria-label="Từ khóa">' in html
    assert '<a rel="tag" href="/tu-khoa/ha-noi/">Hà Nội</a>' in html
    assert '<a rel="tag" href="/tu-khoa/giao-thong/">Giao thông</a>' in html
    assert html.index("/tu-khoa/ha-noi/") < html.index("/tu-khoa/giao-thong/")
    tag_page = client.get("/tu-khoa/ha-noi/")
    assert tag_page.status_code == 200
    page = tag_page.content.decode()
    assert '<h1 class="page-title">Từ khóa: Hà Nội</h1>' in page
    assert "Hà Nội cấm xe máy từ 2030" in page
    assert '<link rel="canonical" href="http://testserver/tu-khoa/ha-noi/">' in page


def test_tag_page_newest_first_paginated_and_strict_page_numbers(client):
    now = timezone.now()
    for number in range(25):
        article = make_article(
            f"Tin Hà Nội số {number}", published_at=now - timedelta(minutes=number)
        )
        services.set_article_tags(article, [HANOI])
    first = client.get("/tu-khoa/ha-noi/").content.decode()
    assert first.count('class="card-title"') == 20
    assert first.index("Tin Hà Nội số 0<") < first.index("Tin Hà Nội số 1<")
    second = client.get("/tu-khoa/ha-noi/", {"page": 2}).content.decode()
    assert second.count('class="card-title"') == 5 and "Tin Hà Nội số 24<" in second
    for bad in ("3", "0", "abc", "²"):
        assert client.get("/tu-khoa/ha-noi/", {"page": bad}).status_code == 404


def test_tag_pages_show_only_published_articles_and_hide_tags_of_hidden_ones(client):
    """A tag carried only by hidden articles (draft, submitted, returned, unpublished,
    scheduled, taken down, trashed) has no page: an embargoed story's keyword stays
    secret. Next to a published article, hidden ones never show."""
    category = make_category("Pháp luật")
    hidden = make_hidden_articles(category, authors=[make_author("Minh Thư")], photo=make_photo())
    for article in hidden.values():
        services.set_article_tags(article, ["Vụ án bí mật", HANOI])
    assert client.get("/tu-khoa/vu-an-bi-mat/").status_code == 404
    assert client.get("/tu-khoa/khong-co-tu-khoa-nay/").status_code == 404
    live = make_article("Tin công khai", category=category)
    services.set_article_tags(live, [HANOI])
    html = client.get("/tu-khoa/ha-noi/").content.decode()
    assert "Tin công khai" in html
    assert "ẨN" not in html
    # The live article's page shows its own tags only.
    article_html = client.get(live.get_absolute_url()).content.decode()
    assert "Vụ án bí mật" not in article_html and "ẨN" not in article_html


def test_tags_in_structured_data_and_open_graph(client):
    article = make_article("Giá xăng giảm")
    services.set_article_tags(article, ["Giá xăng", "Bộ Công Thương"])
    page = Head(client.get(article.get_absolute_url()).content.decode())
    assert page.json_ld()["NewsArticle"]["keywords"] == ["Giá xăng", "Bộ Công Thương"]
    assert page.meta("article:tag") == ["Giá xăng", "Bộ Công Thương"]
    untagged = Head(
        client.get(make_article("Không có từ khóa").get_absolute_url()).content.decode()
    )
    assert "keywords" not in untagged.json_ld()["NewsArticle"]
    assert untagged.meta("article:tag") == []


def test_tag_page_has_a_breadcrumb_in_structured_data(client):
    services.set_article_tags(make_article(), [HANOI])
    crumbs = Head(client.get("/tu-khoa/ha-noi/").content.decode()).json_ld()["BreadcrumbList"]
    assert [item["name"] for item in crumbs["itemListElement"]] == ["Trang chủ", "Từ khóa: Hà Nội"]
    assert crumbs["itemListElement"][-1]["item"] == "http://testserver/tu-khoa/ha-noi/"


def test_tag_sitemap_lists_only_tags_with_published_articles(client):
    services.set_article_tags(make_article("Tin đã đăng"), [HANOI])
    services.set_article_tags(make_article("Nháp", status=Article.Status.DRAFT), ["Bí mật"])
    xml = client.get("/sitemap-tu-khoa.xml").content.decode()
    assert "http://testserver/tu-khoa/ha-noi/" in xml
    assert "bi-mat" not in xml
    assert "/sitemap-tu-khoa.xml" in client.get("/sitemap.xml").content.decode()


def test_tag_page_queries_do_not_grow_with_the_data(client):
    author = make_author("Minh Thư")

    def add(count):
        for number in range(count):
            article = make_article(f"Tin {number}", authors=[author], lead_photo=make_photo())
            services.set_article_tags(article, [HANOI, f"Riêng {number}"])

    def measure():
        client.get("/tu-khoa/ha-noi/")  # the list count is cached, as on a running site
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/tu-khoa/ha-noi/").status_code == 200
        return len(queries)

    add(2)
    before = measure()
    add(30)
    assert measure() == before <= 5


def test_tag_changes_reach_cached_pages_at_once(settings, django_capture_on_commit_callbacks):
    """Tagging an article and renaming a tag invalidate the page cache."""
    settings.PAGE_CACHE_SECONDS = 60
    article = make_article("Tin giao thông")
    reader = Client()
    assert "Ùn tắc" not in reader.get(article.get_absolute_url()).content.decode()
    assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        services.set_article_tags(article, ["Ùn tắc"])
    assert "Ùn tắc" in reader.get(article.get_absolute_url()).content.decode()
    assert "Ùn tắc" in reader.get("/tu-khoa/un-tac/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        tag = Tag.objects.get()
        tag.name = "Ùn tắc giao thông"
        tag.save()
    assert "Ùn tắc giao thông" in reader.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Tag.objects.get().delete()
    html = reader.get(article.get_absolute_url()).content.decode()
    assert "Ùn tắc" not in html
