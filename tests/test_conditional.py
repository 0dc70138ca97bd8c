"""Conditional GET on public pages: 304 while nothing shown has changed, never after."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from articles import conditional
from articles.models import Article, Correction, SiteSettings
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


def validators(client, path):
    response = client.get(path)
    assert response.status_code == 200
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
    return ["/", "/cong-thuong/", "/tac-gia/minh-thu/", article.get_absolute_url()]


def test_unchanged_pages_answer_304_with_their_validators(client, world):
    article, _ = world
    with time_machine.travel(T0, tick=False):
        for path in pages(article):
            response = client.get(path)
            etag, modified = response["ETag"], response["Last-Modified"]
            assert etag.startswith('W/"') and modified, path
            assert response["Cache-Control"] == "no-cache"
            assert revalidate(client, path, etag, modified) == (304, 304), path
            not_modified = client.get(path, HTTP_IF_NONE_MATCH=etag)
            assert not_modified.content == b""
            assert not_modified["ETag"] == etag


def test_a_304_costs_one_or_two_queries(client, world):
    """Lists: one query; an article page: the article and its section's newest."""
    article, _ = world
    for path in pages(article):
        etag, _ = validators(client, path)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
        expected = 2 if path == article.get_absolute_url() else 1
        assert len(queries.captured_queries) == expected, (path, queries.captured_queries)


def test_a_scheduled_article_becoming_due_changes_every_list(client, world):
    """No row changes when a scheduled article's minute comes; the validator, computed
    at request time, changes anyway."""
    article, _ = world
    with time_machine.travel(T0 - timedelta(minutes=30), tick=False):
        make_article(title="Tin hẹn giờ", published_at=T0, category=article.category)
    with time_machine.travel(T0 - timedelta(minutes=1), tick=False):
        before = {p: validators(client, p) for p in ["/", "/cong-thuong/", "/rss/tin-moi-nhat.rss"]}
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        for path, (etag, modified) in before.items():
            assert revalidate(client, path, etag, modified) == (200, 200), path
            assert "Tin hẹn giờ" in client.get(path).content.decode()


def test_edits_corrections_and_takedowns_end_the_304s(client, world):
    article, other = world
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    with time_machine.travel(T0, tick=False):
        saved = {p: validators(client, p) for p in pages(article)}
    with time_machine.travel(T0 + timedelta(minutes=1), tick=False):
        article.title = "Tin chính (cập nhật)"
        article.save()
        for path, (etag, modified) in saved.items():
            assert revalidate(client, path, etag, modified) == (200, 200), path
        saved = {p: validators(client, p) for p in pages(article)}
    with time_machine.travel(T0 + timedelta(minutes=2), tick=False):
        Correction.objects.create(article=article, text="Đính chính số liệu.")
        etag, modified = saved[article.get_absolute_url()]
        assert revalidate(client, article.get_absolute_url(), etag, modified) == (200, 200)
    with time_machine.travel(T0 + timedelta(minutes=3), tick=False):
        saved = {p: validators(client, p) for p in pages(article)}
    with time_machine.travel(T0 + timedelta(minutes=4), tick=False):
        Article.objects.get(pk=other.pk).take_down(by=chief, reason="Sai sự thật")
        for path, (etag, modified) in saved.items():
            assert "Tin khác" not in client.get(path).content.decode()
            if path == article.get_absolute_url():
                # Its related box lost an article: the ETag sees it. (A client sending
                # only If-Modified-Since does not: no time of this page moved.)
                assert client.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 200
            else:
                assert revalidate(client, path, etag, modified) == (200, 200), path
        # The taken-down article's own page is a 404, never a 304.
        response = client.get(other.get_absolute_url(), HTTP_IF_NONE_MATCH="*")
        assert response.status_code == 404


def test_a_new_hotline_changes_the_etag(client, world):
    article, _ = world
    etag, _ = validators(client, "/")
    site = SiteSettings.load()
    site.hotline = "0866.59.4498"
    site.save()
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_deploy_changes_the_etag_but_not_the_date(client, world, monkeypatch):
    """New templates or code change the page without any row changing."""
    etag, modified = validators(client, "/")
    monkeypatch.setattr(conditional, "_deployed_mtime", lambda: 4_000_000_000.0)
    assert client.get("/", HTTP_IF_NONE_MATCH=etag).status_code == 200
    assert client.get("/")["Last-Modified"] == modified


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
    paths = [*pages(article), "/rss/", "/rss/tin-moi-nhat.rss", "/sitemap.xml"]
    for path in paths:
        response = client.get(path)
        vary = {v.strip().lower() for v in response.get("Vary", "").split(",")}
        assert "cookie" not in vary, path
        assert not response.cookies, path
    # A staff member's session cookie changes nothing either.
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    response = client.get(article.get_absolute_url())
    assert "cookie" not in response.get("Vary", "").lower()
