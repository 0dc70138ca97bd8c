"""Hole 1: the admin's "view on site" shortcut must not reveal what readers cannot see.

Django's /admin/r/<content_type>/<id>/ redirects any staff user to get_absolute_url():
a draft's slug is its headline, and a preview link's URL is a working secret.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from articles import services
from articles.models import Article, Author, Category, EventThread, PreviewLink, Tag
from tests.factories import EDITOR, REPORTER, make_article, make_author, make_user

SECRET_TITLE = "Bộ trưởng từ chức trước kỳ họp"  # slug: bo-truong-tu-chuc-truoc-ky-hop
SECRET_SLUG = "bo-truong-tu-chuc-truoc-ky-hop"


def shortcut(obj):
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


def hidden_articles():
    now = timezone.now()
    return {
        "draft": make_article(SECRET_TITLE, status=Article.Status.DRAFT),
        "submitted": make_article(SECRET_TITLE, status=Article.Status.SUBMITTED),
        "scheduled": make_article(SECRET_TITLE, published_at=now + timedelta(days=1)),
        "trashed": make_article(SECRET_TITLE, deleted_at=now),
        "taken_down": make_article(
            SECRET_TITLE, status=Article.Status.TAKEN_DOWN, published_at=now
        ),
    }


@pytest.fixture
def bare_staff(client):
    """A staff account with no permission at all: the weakest account that can log in."""
    user = make_user("nhanvien", None)
    client.force_login(user)
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["draft", "submitted", "scheduled", "trashed", "taken_down"])
@pytest.mark.parametrize("role", [None, REPORTER, EDITOR])
def test_hidden_article_is_a_404_that_reveals_nothing(client, state, role):
    client.force_login(make_user("ai-do", role))
    article = hidden_articles()[state]
    response = client.get(shortcut(article))
    assert response.status_code == 404
    assert SECRET_SLUG not in response.get("Location", "")
    assert SECRET_SLUG not in response.content.decode()
    assert SECRET_TITLE not in response.content.decode()


@pytest.mark.django_db
def test_preview_link_url_is_never_handed_out(client, bare_staff):
    article = make_article(SECRET_TITLE, status=Article.Status.DRAFT)
    link = PreviewLink.objects.create(article=article)
    response = client.get(shortcut(link))
    assert response.status_code == 404
    assert link.token not in response.get("Location", "")
    assert link.token not in response.content.decode()


@pytest.mark.django_db
def test_public_objects_still_redirect(client, bare_staff):
    article = make_article("Tin đã đăng")
    category, author = Category.objects.get(), make_author("Minh Thư")
    for obj in (article, category, author):
        response = client.get(shortcut(obj))
        assert response.status_code == 302
        assert response["Location"] == obj.get_absolute_url()


@pytest.mark.django_db
@pytest.mark.parametrize("object_id", ["²", "①", "-1", "abc", "99999999999999999999999"])
def test_bad_ids_are_404(client, bare_staff, object_id):
    content_type = ContentType.objects.get_for_model(Article)
    assert client.get(f"/admin/r/{content_type.pk}/{object_id}/").status_code == 404


@pytest.mark.django_db
def test_anonymous_is_sent_to_login(client):
    article = make_article(SECRET_TITLE, status=Article.Status.DRAFT)
    response = client.get(shortcut(article))
    assert response.status_code == 302
    assert SECRET_SLUG not in response["Location"]
    assert "/admin/login/" in response["Location"]


def _tag_on_a_draft():
    draft = make_article(SECRET_TITLE, status=Article.Status.DRAFT)
    [tag] = services.set_article_tags(draft, [SECRET_TITLE])
    return tag


def _thread_of_a_draft():
    thread = EventThread.objects.create(title=SECRET_TITLE)
    make_article(SECRET_TITLE, status=Article.Status.DRAFT, thread=thread)
    return thread


FACTORIES = {
    Article: lambda: make_article(SECRET_TITLE, status=Article.Status.DRAFT),
    Category: None,  # public by nature: its page exists for readers
    Author: None,  # public by nature
    PreviewLink: lambda: PreviewLink.objects.create(
        article=make_article(SECRET_TITLE, status=Article.Status.DRAFT)
    ),
    # A tag or thread has a page once one of its articles is published.
    Tag: _tag_on_a_draft,
    EventThread: _thread_of_a_draft,
}


@pytest.mark.django_db
def test_tags_and_threads_with_a_published_article_redirect(client, bare_staff):
    thread = EventThread.objects.create(title="Bão số 3")
    article = make_article("Tin bão mới nhất", thread=thread)
    [tag] = services.set_article_tags(article, ["Bão số 3"])
    for obj in (tag, thread):
        response = client.get(shortcut(obj))
        assert response.status_code == 302
        assert response["Location"] == obj.get_absolute_url()


@pytest.mark.django_db
def test_every_model_with_a_public_url_is_covered(client, bare_staff):
    """A model that gains get_absolute_url must be added above (and judged) here."""
    with_urls = {
        model
        for model in apps.get_models()
        if hasattr(model, "get_absolute_url") and model._meta.app_label == "articles"
    }
    assert with_urls == set(FACTORIES)
    for model, factory in FACTORIES.items():
        if factory is None:
            continue
        obj = factory()
        response = client.get(shortcut(obj))
        assert response.status_code == 404, model
        assert SECRET_SLUG not in response.get("Location", ""), model
