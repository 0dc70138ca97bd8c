"""Hole 7: reporters cannot set the featured flag, and bodies show only our own photos
(an image from elsewhere tells its host who reads the article)."""

import pytest
from django.urls import reverse

from articles.models import Article
from articles.richtext import sanitize_html
from tests.factories import (
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    make_article,
    make_category,
    make_photo,
    make_user,
)


@pytest.mark.django_db
def test_reporter_cannot_feature_her_draft(client):
    reporter = make_user("phongvien", REPORTER)
    category = make_category("Thời sự")
    client.force_login(reporter)
    add = reverse("admin:articles_article_add")
    assert 'name="is_featured"' not in client.get(add).content.decode()
    response = client.post(add, article_form_data(category=category, is_featured="on"))
    assert response.status_code == 302
    article = Article.objects.get()
    assert not article.is_featured
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, is_featured="on"),
    )
    article.refresh_from_db()
    assert not article.is_featured


@pytest.mark.django_db
def test_managing_editor_features_an_article(client):
    article = make_article(status=Article.Status.EDITED)
    client.force_login(make_user("thuky", MANAGING_EDITOR))
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, is_featured="on"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_featured


@pytest.mark.parametrize(
    "src",
    [
        "http://tracker.example/pixel.gif",
        "https://tracker.example/media/photos/ab/x.jpg",
        "//tracker.example/media/photos/ab/x.jpg",
        "/\\tracker.example/x.jpg",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "/media/../../etc/passwd",
        "/media/photos/../../x.jpg",
        "/static/logo.png",
        "/media/other/x.jpg",
        "javascript:alert(1)",
    ],
)
def test_foreign_images_are_removed_from_bodies(src):
    cleaned = sanitize_html(f'<p>Trước<img src="{src}" alt="x">sau</p>')
    assert cleaned == "<p>Trướcsau</p>"


def test_our_own_photos_and_renditions_stay():
    for src in ("/media/photos/ab/x.jpg", "/media/renditions/cd/y.webp"):
        html = (
            f'<figure class="image"><img src="{src}" alt="Ảnh">'
            "<figcaption>Chú thích</figcaption></figure>"
        )
        assert sanitize_html(html) == html


@pytest.mark.django_db
def test_a_library_photo_inserted_by_the_editor_survives_the_save(client):
    reporter = make_user("phongvien", REPORTER)
    photo = make_photo(uploaded_by=reporter)
    category = make_category("Thời sự")
    client.force_login(reporter)
    body = (
        f'<figure class="image"><img src="{photo.image.url}" alt="Ảnh"><figcaption>Hội nghị'
        '</figcaption></figure><p><img src="http://tracker.example/p.gif" alt=""></p>'
    )
    response = client.post(
        reverse("admin:articles_article_add"), article_form_data(category=category, body=body)
    )
    assert response.status_code == 302
    stored = Article.objects.get().body
    assert photo.image.url in stored
    assert "tracker.example" not in stored
