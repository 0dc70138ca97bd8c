"""Hole 8: share links serve their purpose and no longer: the creator and editors can
always revoke, a published article's link leads to the public page, and the page says
which version it shows."""

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, PreviewLink
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    REPORTER,
    make_article,
    make_author,
    make_user,
)


def revoke_url(link):
    return reverse("admin:articles_article_revoke_preview_link", args=[link.article_id, link.pk])


@pytest.fixture
def submitted_with_link():
    reporter = make_user("phongvien", REPORTER)
    article = make_article(
        "Bài đã gửi", status=Article.Status.DRAFT, created_by=reporter, authors=[make_author()]
    )
    link = PreviewLink.objects.create(article=article, created_by=reporter)
    services.transition_article(article, "submit", by=reporter)
    return reporter, article, link


@pytest.mark.django_db
def test_creator_revokes_after_submitting(client, submitted_with_link):
    reporter, article, link = submitted_with_link
    assert not article.can_edit(reporter)  # she may no longer edit it …
    client.force_login(reporter)
    response = client.post(revoke_url(link))  # … but may still withdraw her link
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert client.get(link.get_absolute_url()).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("role", [EDITOR, MANAGING_EDITOR])
def test_editors_revoke_anyones_link(client, submitted_with_link, role):
    _reporter, _article, link = submitted_with_link
    client.force_login(make_user("bientap", role))
    assert client.post(revoke_url(link)).status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None


@pytest.mark.django_db
def test_another_reporter_cannot_revoke(client, submitted_with_link):
    _reporter, _article, link = submitted_with_link
    client.force_login(make_user("phongvien2", REPORTER))
    assert client.post(revoke_url(link)).status_code == 403
    link.refresh_from_db()
    assert link.revoked_at is None


@pytest.mark.django_db
def test_after_publication_the_link_leads_to_the_public_article(client, submitted_with_link):
    _reporter, article, link = submitted_with_link
    services.transition_article(article, "publish", by=make_user("thuky", MANAGING_EDITOR))
    response = client.get(link.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert "Bản xem trước" not in client.get(response["Location"]).content.decode()


@pytest.mark.django_db
def test_the_preview_says_what_it_shows_and_when_it_changed(client, submitted_with_link):
    _reporter, article, link = submitted_with_link
    html = client.get(link.get_absolute_url()).content.decode()
    assert "Bản xem trước" in html
    assert "nội dung hiện tại, cập nhật lúc" in html
    from articles.text import article_datetime

    article.refresh_from_db()
    assert article_datetime(article.updated_at) in html
