"""The admin as journalists and editors use it, through real forms with logged-in clients."""

import pytest
from django.urls import reverse

from articles.models import Article
from tests.factories import (
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    make_article,
    make_author,
    make_category,
    make_user,
)
from tests.html_tables import result_row, result_rows

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")


def article_form(category, **overrides):
    """The POST the admin's add form sends (with empty inline formsets)."""
    data = {
        "title": "Giá xăng giảm lần thứ ba liên tiếp",
        "slug": "",
        "sapo": "Liên Bộ Công Thương - Tài chính điều chỉnh giá xăng dầu.",
        "body": "<p>Nội dung chi tiết.</p>",
        "category": category.pk,
        "source": "",
        "status": "draft",
        "byline_entries-TOTAL_FORMS": "0",
        "byline_entries-INITIAL_FORMS": "0",
        "photo_uses-TOTAL_FORMS": "0",
        "photo_uses-INITIAL_FORMS": "0",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "related_entries-TOTAL_FORMS": "0",
        "related_entries-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def category():
    return make_category(name="Thị trường")


def login(client, username, role):
    user = make_user(username, role)
    client.force_login(user)
    return user


def test_reporter_creates_a_draft_with_server_slug(client, category):
    """A journalist saves an article: it is a draft, the slug is computed Vietnamese-aware."""
    user = login(client, "phongvien", REPORTER)
    response = client.post(ADD_URL, article_form(category, title="Đà Nẵng mưa lớn"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert article.slug == "da-nang-mua-lon"
    assert article.status == Article.Status.DRAFT
    assert article.created_by == user and article.updated_by == user


def test_typed_slug_is_made_safe(client, category):
    """A slug typed with Vietnamese letters is saved in the server's ASCII form."""
    login(client, "phongvien", REPORTER)
    client.post(ADD_URL, article_form(category, slug="Thị trường Tết"))
    assert Article.objects.get().slug == "thi-truong-tet"


def test_reporter_cannot_publish_by_forged_post(client, category):
    """status=published and a publish time in a crafted POST change nothing for a reporter."""
    login(client, "phongvien", REPORTER)
    client.post(
        ADD_URL,
        article_form(category, status="published", published_at_0="01/01/2020",
                     published_at_1="08:00:00"),
    )  # fmt: skip
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not Article.objects.published().exists()


def test_body_posted_to_admin_is_sanitised(client, category):
    """Scripts, event handlers and javascript: links posted straight to the admin are dropped."""
    login(client, "phongvien", REPORTER)
    body = (
        '<p onmouseover="steal()">Đoạn văn</p><script>alert(document.cookie)</script>'
        '<a href="javascript:alert(1)">link</a><iframe src="https://evil.example"></iframe>'
        '<figure class="image"><img src="/media/a.jpg"><figcaption>Chú thích</figcaption></figure>'
    )
    client.post(ADD_URL, article_form(category, body=body))
    stored = Article.objects.get().body
    for bad in ("onmouseover", "<script", "alert", "javascript:", "<iframe"):
        assert bad not in stored
    assert "<p>Đoạn văn</p>" in stored
    assert "<figcaption>Chú thích</figcaption>" in stored


def test_managing_editor_submits_then_publishes_from_the_form(client, category):
    """A managing editor saves, submits, then approves and publishes with the form's buttons."""
    login(client, "thukytoasoan", MANAGING_EDITOR)
    byline = make_author("Minh Thư")  # publishing needs a byline
    client.post(
        ADD_URL,
        article_form(
            category,
            _transition="submit",
            **{"byline_entries-TOTAL_FORMS": "1", "byline_entries-0-author": byline.pk,
               "byline_entries-0-position": "0"},
        ),
    )  # fmt: skip
    article = Article.objects.get()
    assert article.status == Article.Status.SUBMITTED
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = article_form(category, _transition="publish", base_version=article.version)
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.is_published


def test_publish_action_needs_permission(client, category):
    """The bulk publish action is refused to a reporter; the articles stay drafts."""
    article = make_article(category=category, status=Article.Status.DRAFT)
    login(client, "phongvien", REPORTER)
    changelist = reverse("admin:articles_article_changelist")
    response = client.post(
        changelist, {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert response.status_code in (200, 302)


def test_publish_action_for_managing_editor(client, category):
    """The managing editor's bulk publish makes the articles public."""
    byline = make_author("Minh Thư")  # publishing needs a byline
    drafts = [make_article(title=f"Bài {i}", category=category, status=Article.Status.EDITED,
                           authors=[byline])
              for i in range(3)]  # fmt: skip
    login(client, "thukytoasoan", MANAGING_EDITOR)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]},
    )
    assert Article.objects.published().count() == 3


def test_slug_preview_shows_what_will_be_saved(client):
    """The form's slug preview comes from the server: 'Đà Nẵng mưa lớn' -> da-nang-mua-lon."""
    login(client, "phongvien", REPORTER)
    url = reverse("admin:articles_article_slug_preview")
    response = client.get(url, {"text": "Đà Nẵng mưa lớn"})
    assert response.json() == {"slug": "da-nang-mua-lon"}


def test_slug_preview_requires_login(client):
    """Anonymous visitors get the login page, not the preview."""
    response = client.get(reverse("admin:articles_article_slug_preview"), {"text": "x"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_changelist_shows_columns_and_filters(client, category):
    """The change list's rows show title, category, status ("Hẹn giờ" for a future publish
    time, "Đã xuất bản" once due) and bylines; the "Hẹn giờ" filter lists only the
    scheduled article. (The filter sidebar prints "Hẹn giờ" and every byline whatever
    the rows say, so the rows are read, not the page.)"""
    from datetime import timedelta

    from django.utils import timezone

    author = make_author("Minh Thư")
    make_article(title="Bài hẹn giờ", category=category, authors=[author],
                 published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    make_article(title="Bài đã đăng", category=category, authors=[make_author("Hoàng Anh")])
    login(client, "tongbientap", EDITOR_IN_CHIEF)
    url = reverse("admin:articles_article_changelist")
    html = client.get(url).content.decode()
    scheduled_row = result_row(html, "headline", "Bài hẹn giờ")
    assert scheduled_row["status_column"] == "Hẹn giờ"
    assert scheduled_row["byline_names"] == "Minh Thư"
    assert scheduled_row["category"] == category.name
    live_row = result_row(html, "headline", "Bài đã đăng")
    assert live_row["status_column"] == "Đã xuất bản"
    assert live_row["byline_names"] == "Hoàng Anh"
    scheduled = client.get(url, {"trang_thai": "scheduled"}).content.decode()
    assert [row["headline"] for row in result_rows(scheduled)] == ["Bài hẹn giờ"]


def test_admin_search_by_title(client, category):
    """Searching the change list by a title word finds the article."""
    make_article(title="Xuất khẩu gạo tăng mạnh", category=category)
    make_article(title="Giá vàng đi ngang", category=category)
    login(client, "tongbientap", EDITOR_IN_CHIEF)
    html = client.get(reverse("admin:articles_article_changelist"), {"q": "gạo"}).content.decode()
    assert [row["headline"] for row in result_rows(html)] == ["Xuất khẩu gạo tăng mạnh"]


def test_admin_is_in_vietnamese(client):
    """The admin speaks Vietnamese."""
    login(client, "tongbientap", EDITOR_IN_CHIEF)
    html = client.get(reverse("admin:index")).content.decode()
    assert "Bài viết" in html or "bài viết" in html
    assert "Thoát" in html


def test_autocomplete_for_bylines_and_categories(client):
    """Bylines and categories are chosen by autocomplete (search by name)."""
    make_author("Minh Thư")
    make_category(name="Năng lượng")
    login(client, "phongvien", REPORTER)
    base = reverse("admin:autocomplete")
    query = {"app_label": "articles", "term": "Minh", "model_name": "byline"}
    authors = client.get(base, {**query, "field_name": "author"}).json()
    assert [r["text"] for r in authors["results"]] == ["Minh Thư"]
    query = {"app_label": "articles", "term": "Năng", "model_name": "article"}
    categories = client.get(base, {**query, "field_name": "category"}).json()
    assert [r["text"] for r in categories["results"]] == ["Năng lượng"]


def test_site_settings_single_row(client):
    """Site settings are one row: no second one can be added."""
    from articles.models import SiteSettings

    SiteSettings.load()
    login(client, "tongbientap", EDITOR_IN_CHIEF)
    assert client.get(reverse("admin:articles_sitesettings_add")).status_code == 403
