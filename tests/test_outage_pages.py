"""What a database outage looks like inside one process (tests/test_database_outage.py
stops a real PostgreSQL): the 503 maintenance page wherever the error is raised, and
stale copies that never bring back what was withdrawn."""

import sys

import pytest
from django.db import InterfaceError, OperationalError
from django.test import Client, RequestFactory

from articles import errors, pagecache, services
from tests.factories import EDITOR_IN_CHIEF, make_article, make_user


def _database_down(*args, **kwargs):
    raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")


def _assert_maintenance(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert "Hệ thống đang tạm ngừng để bảo trì" in html
    assert "Traceback" not in html


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.django_db
def test_a_view_losing_the_database_answers_the_maintenance_page(settings, monkeypatch, debug):
    """With DEBUG on too: the middleware answers before the technical 500 page."""
    settings.DEBUG = debug
    make_article("Bài trong chuyên mục")
    monkeypatch.setattr("articles.views.Article.objects.published", _database_down)
    response = Client(raise_request_exception=False).get("/")
    _assert_maintenance(response)
    assert "Nội dung chưa lưu" not in response.content.decode()  # readers: no desk note


@pytest.mark.django_db
def test_the_admin_gets_the_page_with_the_note_about_unsaved_text(admin_client, monkeypatch):
    monkeypatch.setattr("articles.admin.article.ArticleAdmin.get_queryset", _database_down)
    response = admin_client.get("/admin/articles/article/")
    _assert_maintenance(response)
    assert "Nội dung chưa lưu vẫn được giữ trong trình duyệt" in response.content.decode()


@pytest.mark.parametrize("error", [OperationalError("gone"), InterfaceError("closed")])
def test_handler500_turns_an_outage_outside_views_into_503(error):
    """Raised by middleware (saving the session), the error reaches handler500."""
    request = RequestFactory().get("/admin/")
    try:
        raise error
    except type(error):
        assert sys.exc_info()[1] is error
        _assert_maintenance(errors.server_error(request))


def test_handler500_stays_500_for_other_errors():
    try:
        raise ValueError("bug")
    except ValueError:
        response = errors.server_error(RequestFactory().get("/"))
    assert response.status_code == 500


@pytest.mark.django_db
def test_no_stale_copy_of_a_withdrawn_article_during_an_outage(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    """Stale-if-error serves copies from before ordinary edits, never from before a
    take-down: a legal take-down must not come back while the database is down."""
    settings.PAGE_CACHE_SECONDS = 60
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    kept = make_article("Bài vẫn đọc được")
    withdrawn = make_article("Bài sai phạm phải gỡ")
    reader = Client()
    for article in (kept, withdrawn):
        assert reader.get(article.get_absolute_url())["X-Page-Cache"] == "MISS"
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_article(withdrawn, "take_down", by=chief, reason="Sai phạm")
    monkeypatch.setattr("articles.views.Article.objects.published", _database_down)

    response = reader.get(withdrawn.get_absolute_url())
    _assert_maintenance(response)
    assert "Bài sai phạm phải gỡ" not in response.content.decode()

    # An ordinary edit later: copies built after the take-down are stale but servable.
    monkeypatch.undo()
    assert reader.get(kept.get_absolute_url())["X-Page-Cache"] == "MISS"
    pagecache.bump()
    monkeypatch.setattr("articles.views.Article.objects.published", _database_down)
    response = reader.get(kept.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "STALE-IF-ERROR"


@pytest.mark.django_db
def test_a_scheduled_time_passing_during_an_outage_keeps_the_stale_copies(settings, monkeypatch):
    """The generation moves when a scheduled article is due, which needs the database;
    while it is down the last generation stays, so its copies are still served."""
    settings.PAGE_CACHE_SECONDS = 60
    article = make_article("Bài vẫn đọc được")
    reader = Client()
    reader.get(article.get_absolute_url())
    state = pagecache.current_state()
    monkeypatch.setattr(pagecache, "_next_scheduled_publication", _database_down)
    assert pagecache.current_state(now=state.generation / 1e9) == state  # nothing due
    due = pagecache.State(state.generation, next_due=1.0, floor=state.floor)
    pagecache._store().write(due)
    assert pagecache.current_state() == due  # due, but the lookup failed: kept
