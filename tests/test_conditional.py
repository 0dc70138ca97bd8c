"""Conditional GET on public pages, feeds and sitemaps: 304 while nothing shown has
changed, never after. The validators are the page cache's (articles/pagecache.py): the
copy's content hash (ETag) and its build time (Last-Modified); a 304 touches no
database, and any change readers could see makes a new copy."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils.http import http_date

from articles import pagecache, services
from articles.models import Correction, SiteSettings
from tests.factories import (
    EDITOR_IN_CHIEF,
    VN,
    make_article,
    make_author,
    make_category,
    make_user,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


def validators(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    return response["ETag"], response["Last-Modified"]


def revalidate(client, path, etag, modified):
    """Status for a client sending both validators, and for one sending only the date."""
    both = client.get(path, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=modified)
    date_only = client.get(path, HTTP_IF_MODIFIED_SINCE=modified)
    return both.status_code, date_only.status_code


@pytest.fixture
def world():
    with time_machine.travel(T0 - timedelta(hours=1), tick=False):
        category = make_category(name="Công Thương")
        author = make_author("Minh Thư")
        article = make_article(title="Tin chính", category=category, authors=[author])
        other = make_article(title="Tin khác", category=category, authors=[author])
    return article, other


def pages(article):
    return [
        "/", "/cong-thuong/", "/tac-gia/minh-thu/", article.get_absolute_url(),
        "/rss/tin-moi-nhat.rss", "/rss/cong-thuong.rss", "/sitemap.xml", "/sitemap-news.xml",
    ]  # fmt: skip


def test_unchanged_pages_answer_304_without_the_database(client, world, django_assert_num_queries):
    article, _ = world
    with time_machine.travel(T0, tick=False):
        for path in pages(article):
            response = client.get(path)
            etag, modified = response["ETag"], response["Last-Modified"]
            assert etag.startswith('"') and modified, path
            assert response["Cache-Control"] == "public, max-age=5", path
            with django_assert_num_queries(0):
                assert revalidate(client, path, etag, modified) == (304, 304), path
            not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
            assert not_modified.content == b""
            assert not_modified["ETag"] == etag


def _changed(callback, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        callback()


def test_a_scheduled_article_becoming_due_changes_every_list(client, world):
    """No row changes when a scheduled article's minute comes; the copies still go."""
    article, _ = world
    with time_machine.travel(T0 - timedelta(minutes=30), tick=False):
        make_article(title="Tin hẹn giờ", published_at=T0, category=article.category)
        pagecache.bump()  # as the save's on_commit would (the test never commits)
    paths = ["/", "/cong-thuong/", "/rss/tin-moi-nhat.rss", "/sitemap-news.xml"]
    with time_machine.travel(T0 - timedelta(minutes=1), tick=False):
        before = {p: validators(client, p) for p in paths}
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        for path, (etag, modified) in before.items():
            assert revalidate(client, path, etag, modified) == (200, 200), path
            assert "Tin hẹn giờ" in client.get(path).content.decode()


def test_edits_corrections_and_takedowns_end_the_304s(
    client, world, django_capture_on_commit_callbacks
):
    article, other = world
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    with time_machine.travel(T0, tick=False):
        saved = {p: validators(client, p) for p in pages(article)}
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        article.title = "Tin chính (cập nhật)"
        _changed(article.save, django_capture_on_commit_callbacks)
        for path, (etag, modified) in saved.items():
            if path == "/sitemap.xml":
                continue  # lists files, not titles: the same content may answer 304
            assert revalidate(client, path, etag, modified) == (200, 200), path
        saved = {p: validators(client, p) for p in pages(article)}
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        _changed(
            lambda: Correction.objects.create(article=article, text="Đính chính số liệu."),
            django_capture_on_commit_callbacks,
        )
        etag, modified = saved[article.get_absolute_url()]
        assert revalidate(client, article.get_absolute_url(), etag, modified) == (200, 200)
        saved = {p: validators(client, p) for p in pages(article)}
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        _changed(
            lambda: services.transition_article(other, "take_down", by=chief, reason="Sai"),
            django_capture_on_commit_callbacks,
        )
        for path, (etag, modified) in saved.items():
            if path != "/sitemap.xml":
                assert revalidate(client, path, etag, modified) == (200, 200), path
            assert "Tin khác" not in client.get(path).content.decode(), path
        # The taken-down article's own page is a 404, never a 304.
        response = client.get(other.get_absolute_url(), HTTP_IF_NONE_MATCH="*")
        assert response.status_code == 404


def test_a_new_hotline_changes_the_etag(client, world, django_capture_on_commit_callbacks):
    etag, _ = validators(client, "/")
    site = SiteSettings.load()
    site.hotline = "0866.59.4498"
    _changed(site.save, django_capture_on_commit_callbacks)
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_wrong_slug_still_redirects_and_404s_stay_404(client, world):
    article, _ = world
    etag, modified = validators(client, article.get_absolute_url())
    wrong = f"/tieu-de-cu-{article.pk}.html"
    response = client.get(wrong, HTTP_IF_NONE_MATCH=etag, HTTP_IF_MODIFIED_SINCE=modified)
    assert response.status_code == 301
    assert client.get("/khong-co/", HTTP_IF_NONE_MATCH="*").status_code == 404
    assert client.get("/?page=99", HTTP_IF_MODIFIED_SINCE=http_date()).status_code in (200, 304)


def test_anonymous_responses_do_not_vary_on_cookies(client, world):
    """Nothing public reads the session: no Vary: Cookie, no cookie set, so a shared
    cache may serve one copy to every reader."""
    article, _ = world
    paths = [*pages(article), "/rss/", "/robots.txt"]
    for path in paths:
        response = client.get(path)
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        assert "cookie" not in vary, path
        assert not response.cookies, path
    # A staff member's session cookie changes nothing either.
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    response = client.get(article.get_absolute_url())
    assert "cookie" not in response.get("Vary", "").lower()
