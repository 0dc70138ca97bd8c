"""Hole 5: characters that str.isdigit() accepts but int() rejects, and other hostile
input, answer 400 or 404 — never a 500."""

import json

import pytest
from django.urls import reverse

from articles.models import Article, ArticleRevision
from tests.factories import (
    EDITOR_IN_CHIEF,
    REPORTER,
    make_article,
    make_author,
    make_photo,
    make_user,
)

# Each is "a digit" to str.isdigit() (or int()) but not an ASCII number.
NOT_NUMBERS = ["²", "①", "٣", "१", "１", " 1", "1_0", "-1", "+1", "0x1", "1.0", "",
               "99999999999999999999999"]  # fmt: skip


@pytest.fixture
def chief(client):
    user = make_user("tongbientap", EDITOR_IN_CHIEF)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("page", NOT_NUMBERS)
def test_public_page_numbers(client, page):
    article = make_article()
    author = make_author("Minh Thư")
    for url in (article.category.get_absolute_url(), author.get_absolute_url(), "/cai-chinh/"):
        response = client.get(url, {"page": page})
        assert response.status_code == 404, (url, page)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["²", "①", "٣", "99999999999999999999999"])
def test_admin_urls_with_bad_ids(client, chief, bad):
    article = make_article(status=Article.Status.DRAFT)
    ArticleRevision.objects.create(article=article, number=1, content={"title": "x"})
    base = "/admin/articles/article"
    urls = [
        f"{base}/{bad}/change/",
        f"{base}/{bad}/history/",
        f"{base}/{bad}/delete/",
        f"/admin/articles/photo/{bad}/change/",
        f"/admin/articles/photo/{bad}/delete/",
        f"{base}/{article.pk}/preview/?revision={bad}",
        f"{base}/{article.pk}/history/compare/?a={bad}&b=1",
        f"/admin/auth/user/{bad}/change/",
        f"/admin/auth/user/{bad}/password/",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 400, 404), (url, response.status_code)
        if response.status_code == 302:  # the admin's "does not exist" redirect
            assert response["Location"].startswith("/admin/")


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["²", "①", "#²", "%", "_", "\\", "a" * 5000, "\u0301" * 50])
def test_photo_searches(client, chief, query):
    make_photo()
    assert client.get("/admin/articles/photo/", {"q": query}).status_code == 200
    browse = reverse("articles:editor_browse")
    response = client.get(browse, {"CKEditorFuncNum": "1", "q": query})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/admin/articles/photo/", "/admin/articles/article/", "/quan-tri/thu-vien-anh/"],
)
def test_nul_bytes_in_a_query_string_are_400(client, chief, url):
    """PostgreSQL cannot compare text containing NUL (psycopg2 raises): refused first."""
    make_article()
    response = client.get(url, {"q": "ab\x00c", "CKEditorFuncNum": "1"})
    assert response.status_code == 400
    assert "không hợp lệ" in response.content.decode()


@pytest.mark.django_db
def test_nul_and_control_characters_never_reach_stored_text(client, chief):
    article = make_article(title="Tin\x00 nóng\x07", sapo="Sapo\x00 có\x1b lỗi")
    article.refresh_from_db()
    assert (article.title, article.sapo) == ("Tin nóng", "Sapo có lỗi")


@pytest.mark.django_db
def test_autosave_with_deeply_nested_json(client, chief):
    url = reverse("admin:articles_article_autosave")
    nested = "[" * 100_000 + "]" * 100_000
    response = client.post(url, {"key": "new", "content": nested})
    assert response.status_code == 400
    assert "không hợp lệ" in response.json()["error"]


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["²", "①", "abc", "-1"])
def test_autosave_with_bad_keys(client, chief, key):
    url = reverse("admin:articles_article_autosave")
    response = client.post(url, {"key": key, "content": json.dumps({"title": "x"})})
    assert response.status_code == 404


@pytest.mark.django_db
def test_reporter_opens_a_photo_she_did_not_upload(client):
    owner = make_user("phongvien2", REPORTER)
    photo = make_photo(uploaded_by=owner)
    make_article(lead_photo=photo)  # public, so she may see it
    client.force_login(make_user("phongvien", REPORTER))
    response = client.get(reverse("admin:articles_photo_change", args=[photo.pk]))
    assert response.status_code == 200


@pytest.mark.django_db
def test_autosave_with_nul_characters_is_stored_clean(client, chief):
    url = reverse("admin:articles_article_autosave")
    content = json.dumps({"title": "Tin\u0000 nóng", "body": "<p>a\u0000b</p>"})
    response = client.post(url, {"key": "new", "content": content})
    assert response.status_code == 200
    from articles.models import Autosave

    saved = Autosave.objects.get(user=chief).content
    assert (saved["title"], saved["body"]) == ("Tin nóng", "<p>ab</p>")
