"""Correction notices (thông tin cải chính, Press Law art. 42) through the admin and in public.

Those who may publish add a dated correction to a published article from its change
form; it heads the article, is listed on /cai-chinh/ while the article is public, and
is part of the article's history. Once posted it cannot be edited or deleted.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article, ArticleEvent, Correction
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    VN,
    article_form_data,
    database_state,
    make_article,
    make_user,
)
from tests.html_tables import table_with_heading

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)
CORRECTIONS_URL = reverse("articles:corrections")
TEXT = "Bài viết nêu sản lượng điện là 12 tỷ kWh; số liệu đúng là 1,2 tỷ kWh."


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(client, username, role):
    user = make_user(username, role)
    client.force_login(user)
    return user


@pytest.fixture
def published():
    with time_machine.travel(T0 - timedelta(days=2), tick=False):
        return make_article(title="Sản lượng điện tăng mạnh")


def post_correction(client, article, text=TEXT, **overrides):
    article.refresh_from_db()
    return client.post(
        change_url(article), article_form_data(article, corrections=[text], **overrides)
    )


def test_managing_editor_adds_a_correction(client, published):
    """The inline adds a dated correction by its author; the article stays published."""
    user = logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    with time_machine.travel(T0, tick=False):
        response = post_correction(client, published)
    assert response.status_code == 302, response.content.decode()[:3000]
    correction = Correction.objects.get()
    assert (correction.article, correction.text) == (published, TEXT)
    assert (correction.created_by, correction.created_at) == (user, T0)
    published.refresh_from_db()
    assert published.is_published


def test_correction_heads_the_public_article_with_its_date(client, published):
    """On the article page the dated notice comes before the title."""
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    with time_machine.travel(T0, tick=False):
        post_correction(client, published)
    client.logout()
    html = client.get(published.get_absolute_url()).content.decode()
    notice = "<strong>Thông tin cải chính (09:15 | 05/03/2024):</strong> " + TEXT
    assert notice in html
    assert html.index(notice) < html.index('<h1 class="article-title">')


def test_correction_is_listed_on_the_public_corrections_page(client, published):
    """/cai-chinh/ lists the notice with its date and a link to the article."""
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    with time_machine.travel(T0, tick=False):
        post_correction(client, published)
    client.logout()
    response = client.get(CORRECTIONS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert TEXT in html
    assert "09:15 | 05/03/2024" in html
    assert f'<a href="{published.get_absolute_url()}">Sản lượng điện tăng mạnh</a>' in html


def test_correction_is_recorded_in_the_history(client, published):
    """The history has a "correction" event by its author, with the text as its note."""
    user = logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    with time_machine.travel(T0, tick=False):
        post_correction(client, published)
    event = ArticleEvent.objects.get(article=published, action="correction")
    assert (event.actor, event.reason, event.created_at) == (user, TEXT, T0)
    html = client.get(reverse("admin:articles_article_history", args=[published.pk]))
    events = table_with_heading(html.content.decode(), "Thao tác").records()
    corrections = [event for event in events if event["Thao tác"] == "Đăng cải chính"]
    assert len(corrections) == 1
    assert corrections[0]["Lý do / ghi chú"] == " ".join(TEXT.split())
    assert corrections[0]["Người thực hiện"] == user.get_username()


def test_correction_of_a_taken_down_article_leaves_the_public_page(client, published):
    """After the article is taken down its correction is no longer listed on /cai-chinh/."""
    logged_in(client, "tongbientap", EDITOR_IN_CHIEF)
    post_correction(client, published)
    client.logout()
    assert TEXT in client.get(CORRECTIONS_URL).content.decode()

    logged_in(client, "tongbientap2", EDITOR_IN_CHIEF)
    published.refresh_from_db()
    response = client.post(
        change_url(published),
        article_form_data(
            published, _transition="take_down", workflow_reason="Theo yêu cầu của cơ quan quản lý"
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    published.refresh_from_db()
    assert published.status == Article.Status.TAKEN_DOWN
    client.logout()
    html = client.get(CORRECTIONS_URL).content.decode()
    assert TEXT not in html and "Chưa có thông tin cải chính nào." in html
    assert client.get(published.get_absolute_url()).status_code == 404
    assert Correction.objects.filter(article=published).count() == 1  # kept, just not shown


def test_correction_form_is_offered_only_to_those_who_may_publish(client, published):
    """The managing editor gets an empty correction form; the reporter who wrote it does not."""
    reporter = make_user("phongvien", REPORTER)
    Article.objects.filter(pk=published.pk).update(created_by=reporter)
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    assert (
        'name="corrections-__prefix__-text"' in client.get(change_url(published)).content.decode()
    )
    client.force_login(reporter)
    response = client.get(change_url(published))
    assert response.status_code == 200  # view only
    assert "corrections-__prefix__" not in response.content.decode()


def test_reporter_forged_correction_on_own_published_article_creates_nothing(client, published):
    """A reporter's forged POST on their published article is refused and changes nothing."""
    reporter = make_user("phongvien", REPORTER)
    Article.objects.filter(pk=published.pk).update(created_by=reporter)
    client.force_login(reporter)
    before = database_state()
    response = post_correction(client, published)
    assert response.status_code == 403
    assert database_state() == before


def test_reporter_forged_correction_on_own_draft_creates_no_correction(client):
    """On a draft the reporter may save, a forged correction row is ignored."""
    reporter = logged_in(client, "phongvien", REPORTER)
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter)
    response = post_correction(client, draft)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Correction.objects.exists()
    assert not ArticleEvent.objects.filter(action="correction").exists()


@pytest.mark.parametrize(
    "status", [Article.Status.DRAFT, Article.Status.EDITED, Article.Status.TAKEN_DOWN]
)
def test_no_correction_on_an_article_that_is_not_published(client, status):
    """Even a managing editor cannot attach a correction to an unpublished article."""
    logged_in(client, "tongbientap", EDITOR_IN_CHIEF)
    article = make_article(status=status)
    post_correction(client, article)
    assert not Correction.objects.exists()
    assert not ArticleEvent.objects.filter(action="correction").exists()


def test_editor_cannot_add_a_correction(client):
    """An editor (no publishing right) saving a submitted article with a forged row adds none."""
    logged_in(client, "bientap", EDITOR)
    article = make_article(status=Article.Status.SUBMITTED)
    response = post_correction(client, article)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert not Correction.objects.exists()


@pytest.mark.parametrize("role", [MANAGING_EDITOR, EDITOR_IN_CHIEF])
def test_correction_cannot_be_edited_or_deleted_through_the_form(client, published, role):
    """Posting a changed text or DELETE for an existing correction leaves it as it was."""
    correction = Correction.objects.create(article=published, text=TEXT)
    logged_in(client, "nguoi-sua", role)
    published.refresh_from_db()
    data = article_form_data(published)
    data["corrections-0-text"] = "Nội dung đã bị sửa lén"
    data["corrections-0-DELETE"] = "on"
    html = client.get(change_url(published)).content.decode()
    assert 'name="corrections-0-text"' not in html  # shown read-only
    assert 'name="corrections-0-DELETE"' not in html
    client.post(change_url(published), data)
    correction.refresh_from_db()
    assert correction.text == TEXT
    assert Correction.objects.count() == 1


def test_corrections_have_no_admin_pages_of_their_own(client, published):
    """There is no change list, change or delete page for corrections outside the article."""
    correction = Correction.objects.create(article=published, text=TEXT)
    logged_in(client, "tongbientap", EDITOR_IN_CHIEF)
    before = database_state()
    for url in (
        "/admin/articles/correction/",
        f"/admin/articles/correction/{correction.pk}/change/",
        f"/admin/articles/correction/{correction.pk}/delete/",
    ):
        assert client.get(url).status_code == 404, url
        client.post(url, {"post": "yes", "text": "Sửa"})
    assert database_state() == before


def test_correction_text_is_shown_as_text(client, published):
    """Markup typed into a correction is escaped on the article page and on /cai-chinh/."""
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    post_correction(client, published, text=f"Sửa số liệu {attack}")
    client.logout()
    for url in (published.get_absolute_url(), CORRECTIONS_URL):
        html = client.get(url).content.decode()
        assert attack not in html and "<img src=x" not in html
        assert "Sửa số liệu &lt;script&gt;" in html
