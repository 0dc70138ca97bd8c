"""Holes 6 and 9: the 12-month retention rule counts from when readers could first see
the article, on every path that makes one public, and a purge keeps the audit trail."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.demo_content import add_synthetic_articles
from articles.models import Article, ArticleEvent, ArticleTombstone, TransitionNotAllowed
from tests.factories import (
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    VN,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_user,
)

NOW = datetime(2026, 11, 30, 9, 0, tzinfo=VN)


def purge_by(client, user, article):
    client.force_login(user)
    return client.post(
        reverse("admin:articles_article_changelist") + "?thung_rac=1",
        {"action": "purge_selected", "_selected_action": [article.pk]},
    )


@pytest.mark.django_db
def test_a_past_publish_time_is_refused_in_the_form(client):
    article = make_article(status=Article.Status.EDITED)
    client.force_login(make_user("thuky", MANAGING_EDITOR))
    before = (article.status, article.published_at, article.first_published_at)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(
            article, _transition="publish", publish_at_0="01/01/2020", publish_at_1="08:00"
        ),
    )
    assert response.status_code == 200
    assert "đã qua" in response.content.decode()
    article.refresh_from_db()
    assert (article.status, article.published_at, article.first_published_at) == before


@pytest.mark.django_db
def test_a_past_publish_time_is_refused_by_the_service():
    article = make_article(status=Article.Status.EDITED)
    chief = make_user("thuky", MANAGING_EDITOR)
    with pytest.raises(TransitionNotAllowed):
        services.transition_article(
            article, "publish", by=chief, at=timezone.now() - timedelta(days=2000)
        )
    article.refresh_from_db()
    assert article.status == Article.Status.EDITED and article.first_published_at is None


@pytest.mark.django_db
def test_the_bypass_from_the_report_no_longer_works(client):
    """Published "in 2020", taken down and purged the same day: refused, record kept."""
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    with time_machine.travel(NOW, tick=False):
        article = make_article(status=Article.Status.EDITED)
        services.transition_article(article, "publish", by=chief)
        services.transition_article(article, "take_down", by=chief, reason="Sai")
        article.refresh_from_db()
        services.trash_article(article, by=chief)
        response = purge_by(client, chief, article)
    assert response.status_code == 302
    assert Article.objects.filter(pk=article.pk).exists()
    assert article.first_published_at == NOW
    # A year later it may go, and its history stays.
    with time_machine.travel(NOW + timedelta(days=366), tick=False):
        purge_by(client, chief, article)
    assert not Article.objects.filter(pk=article.pk).exists()
    actions = set(
        ArticleEvent.objects.filter(article_id=article.pk).values_list("action", flat=True)
    )
    assert {"publish", "take_down", "trash", "purge"} <= actions
    assert ArticleTombstone.objects.get(article_id=article.pk).purged_by == chief


@pytest.mark.django_db
def test_scheduling_counts_retention_from_the_scheduled_time():
    chief = make_user("thuky", MANAGING_EDITOR)
    when = timezone.now() + timedelta(days=3)
    article = make_article(status=Article.Status.EDITED)
    services.transition_article(article, "publish", by=chief, at=when)
    article.refresh_from_db()
    assert article.first_published_at == when


@pytest.mark.django_db
def test_a_scheduled_article_withdrawn_before_its_time_was_never_public():
    chief = make_user("thuky", MANAGING_EDITOR)
    article = make_article(status=Article.Status.EDITED)
    services.transition_article(article, "publish", by=chief, at=timezone.now() + timedelta(days=3))
    services.transition_article(article, "unpublish", by=chief)
    article.refresh_from_db()
    assert article.first_published_at is None


@pytest.mark.django_db
def test_a_republished_article_keeps_its_first_publication():
    chief = make_user("thuky", MANAGING_EDITOR)
    with time_machine.travel(NOW, tick=False):
        article = make_article(status=Article.Status.EDITED)
        services.transition_article(article, "publish", by=chief)
    with time_machine.travel(NOW + timedelta(days=10), tick=False):
        services.transition_article(article, "unpublish", by=chief)
        services.transition_article(article, "publish", by=chief)
    article.refresh_from_db()
    assert article.first_published_at == NOW
    assert article.published_at == NOW + timedelta(days=10)


@pytest.mark.django_db
def test_the_database_refuses_a_public_article_without_first_publication():
    article = make_article()
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=article.pk).update(first_published_at=None)


@pytest.mark.django_db
def test_imported_article_published_yesterday_cannot_be_purged(client, sample_path):
    make_category("Công Thương", slug="cong-thuong")
    with time_machine.travel(NOW, tick=False):
        call_command(
            "import_article", str(sample_path), "--id", "139085", "--category", "cong-thuong",
            verbosity=0,
        )  # fmt: skip
    article = Article.objects.get(pk=139085)
    assert article.first_published_at == NOW  # public here from the import, not 2020
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    with time_machine.travel(NOW + timedelta(days=1), tick=False):
        services.transition_article(article, "take_down", by=chief, reason="Thử")
        article.refresh_from_db()
        services.trash_article(article, by=chief)
        purge_by(client, chief, article)
    assert Article.objects.filter(pk=139085).exists()
    assert ArticleEvent.objects.filter(article_id=139085, action="import").exists()


@pytest.mark.django_db
def test_bulk_demo_articles_record_their_first_publication():
    make_category("Thời sự")
    make_author("Minh Thư")
    with time_machine.travel(NOW, tick=False):
        add_synthetic_articles(5)
    assert not Article.objects.filter(first_published_at__isnull=True).exists()
    assert set(Article.objects.values_list("first_published_at", flat=True)) == {NOW}


@pytest.mark.django_db
def test_the_data_migration_fills_existing_rows():
    """Rows from before the constraint: first publication from their publish event,
    else the migration's own time (never earlier than can be proven)."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("articles.migrations.0008_retention_tombstones")
    with_event = make_article(title="Có sự kiện", status=Article.Status.EDITED)
    without = make_article(title="Không sự kiện", status=Article.Status.EDITED)
    ArticleEvent.objects.create(
        article=with_event, action="publish", created_at=NOW - timedelta(days=30)
    )
    Article.objects.update(first_published_at=None)
    with time_machine.travel(NOW, tick=False):
        migration.fill_first_publication(apps, None)
    with_event.refresh_from_db()
    without.refresh_from_db()
    assert with_event.first_published_at == NOW - timedelta(days=30)
    assert without.first_published_at is None  # never public: nothing to keep
