"""The whole-page cache for anonymous readers: hits touch no database, any change
readers could see invalidates every page at once, scheduled articles appear on time,
a rebuild happens once however many readers wait, and staff always see fresh pages."""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from articles import pagecache, services
from articles.models import Article, SiteSettings
from tests.factories import (
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 60


@pytest.fixture
def publisher():
    return make_user("thuky", MANAGING_EDITOR)


def anonymous():
    return Client()


@pytest.mark.django_db
def test_a_hit_touches_no_database_and_sets_no_cookie(django_assert_num_queries):
    article = make_article("Giá xăng giảm")
    reader = anonymous()
    for url in ("/", article.get_absolute_url(), article.category.get_absolute_url()):
        first = reader.get(url)
        assert first.status_code == 200 and first["X-Page-Cache"] == "MISS"
        with django_assert_num_queries(0):
            second = reader.get(url)
        assert second["X-Page-Cache"] == "HIT"
        assert second.content == first.content
        assert not second.cookies
        assert "Cookie" not in second.get("Vary", "")
        assert "public" in second["Cache-Control"] and "max-age=5" in second["Cache-Control"]


@pytest.mark.django_db
def test_etag_gives_304_without_the_database(django_assert_num_queries):
    make_article()
    reader = anonymous()
    etag = reader.get("/")["ETag"]
    with django_assert_num_queries(0):
        response = reader.get("/", HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert reader.get("/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db
def test_tracking_parameters_share_one_entry():
    make_article()
    reader = anonymous()
    reader.get("/")
    assert reader.get("/", {"utm_source": "facebook", "fbclid": "x"})["X-Page-Cache"] == "HIT"


@pytest.mark.django_db
def test_staff_always_get_a_fresh_private_page(client):
    article = make_article("Tiêu đề cũ")
    anonymous().get(article.get_absolute_url())
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    Article.objects.filter(pk=article.pk).update(title="Tiêu đề mới")  # no signal at all
    response = client.get(article.get_absolute_url())
    assert "Tiêu đề mới" in response.content.decode()
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_publishing_appears_on_every_cached_page_at_once(
    publisher, django_capture_on_commit_callbacks
):
    section = make_category("Công Thương")
    author = make_author("Minh Thư")
    make_article("Bài cũ", category=section, authors=[author])
    new = make_article("Tin nóng vừa duyệt", category=section, authors=[author],
                       status=Article.Status.EDITED)  # fmt: skip
    reader = anonymous()
    pages = ["/", section.get_absolute_url(), author.get_absolute_url()]
    for url in pages:
        assert "Tin nóng vừa duyệt" not in reader.get(url).content.decode()
        assert reader.get(url)["X-Page-Cache"] == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_article(new, "publish", by=publisher)
    for url in pages:
        assert "Tin nóng vừa duyệt" in reader.get(url).content.decode(), url
    assert reader.get(new.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_taking_down_removes_it_everywhere_immediately(django_capture_on_commit_callbacks):
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    article = make_article("Bài sai phạm")
    reader = anonymous()
    pages = ["/", article.category.get_absolute_url(), article.get_absolute_url()]
    for url in pages:
        assert "Bài sai phạm" in reader.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        services.transition_article(article, "take_down", by=chief, reason="Sai phạm")
    assert reader.get(article.get_absolute_url()).status_code == 404
    for url in pages[:2]:
        assert "Bài sai phạm" not in reader.get(url).content.decode()


@pytest.mark.django_db
def test_an_edit_through_the_admin_shows_at_once(client, django_capture_on_commit_callbacks):
    article = make_article("Tiêu đề cũ")
    reader = anonymous()
    assert "Tiêu đề cũ" in reader.get(article.get_absolute_url()).content.decode()
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(article, title="Tiêu đề mới"),
        )
    assert response.status_code == 302
    article.refresh_from_db()
    html = reader.get(article.get_absolute_url(), follow=True).content.decode()
    assert "Tiêu đề mới" in html and "Tiêu đề cũ" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("change", ["category", "masthead", "photo caption"])
def test_reference_content_changes_invalidate_too(change, django_capture_on_commit_callbacks):
    photo = make_photo(caption="Chú thích cũ")
    article = make_article("Bài có ảnh", lead_photo=photo)
    reader = anonymous()
    before = reader.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        if change == "category":
            category = article.category
            category.name = "Chuyên mục đổi tên"
            category.save()
            expected = "Chuyên mục đổi tên"
        elif change == "masthead":
            site = SiteSettings.load()
            site.hotline = "0999.888.777"
            site.save()
            expected = "0999.888.777"
        else:
            photo.caption = "Chú thích mới"
            photo.save()
            expected = "Chú thích mới"
    assert expected not in before
    assert expected in reader.get(article.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_scheduled_article_appears_at_its_time_without_any_job(publisher):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        make_article("Bài đang đọc")
        scheduled = make_article(
            "Bài hẹn giờ", status=Article.Status.EDITED, authors=[make_author("Minh Thư")]
        )
        services.transition_article(
            scheduled, "publish", by=publisher, at=start + timedelta(seconds=30)
        )
        pagecache.bump()  # the test transaction never commits: bump as on_commit would
        reader = anonymous()
        assert "Bài hẹn giờ" not in reader.get("/").content.decode()
        assert reader.get("/")["X-Page-Cache"] == "HIT"
    with time_machine.travel(start + timedelta(seconds=29), tick=False):
        assert "Bài hẹn giờ" not in reader.get("/").content.decode()
    with time_machine.travel(start + timedelta(seconds=30), tick=False):
        response = reader.get("/")
        assert "Bài hẹn giờ" in response.content.decode()
        assert response["X-Page-Cache"] == "MISS"


@pytest.mark.django_db
def test_error_pages_are_not_cached():
    reader = anonymous()
    reader.get("/khong-co-chuyen-muc-nay/")
    response = reader.get("/khong-co-chuyen-muc-nay/")
    assert response.status_code == 404 and "X-Page-Cache" not in response


@pytest.mark.django_db
def test_database_down_serves_the_last_copy(monkeypatch):
    article = make_article("Bài vẫn đọc được")
    reader = anonymous()
    reader.get(article.get_absolute_url())
    pagecache.bump()  # content changed …

    def database_down(*args, **kwargs):  # … and the rebuild cannot reach the database
        raise DatabaseError("could not connect to server")

    monkeypatch.setattr("articles.views.Article.objects.published", database_down)
    response = reader.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response["X-Page-Cache"] == "STALE-IF-ERROR"
    assert "Bài vẫn đọc được" in response.content.decode()


# -- single flight: many readers, one rebuild ---------------------------------------------


def _hammer(middleware, request_for, build, readers):
    responses, barrier = [], threading.Barrier(readers)

    def read():
        barrier.wait()
        responses.append(middleware._serve(request_for(), "articles:home", build))

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


@pytest.mark.parametrize("situation", ["changed", "expired"])
def test_500_concurrent_readers_cause_one_rebuild(settings, situation):
    """When a hot page is invalidated (or its lifetime ends) under 500 concurrent
    requests, it is built once: the others wait for it (content changed) or get the
    previous copy meanwhile (nothing changed). No database: the build is a stub."""
    settings.PAGE_CACHE_STATE_FILE = None  # state in the (shared, locmem) cache
    settings.PAGE_CACHE_LOCK_SECONDS = 60  # a loaded CI machine may be slow to schedule
    factory = RequestFactory()
    middleware = pagecache.PageCacheMiddleware(lambda request: None)
    builds = []

    def build():
        builds.append(1)
        time.sleep(0.2)  # a slow page
        from django.http import HttpResponse

        return HttpResponse(f"<p>bản {len(builds)}</p>")

    with time_machine.travel(timezone.now(), tick=True) as clock:
        pagecache._store().write(pagecache.State(1, None))
        middleware._serve(factory.get("/"), "articles:home", build)  # warm
        assert len(builds) == 1
        if situation == "changed":
            pagecache._store().write(pagecache.State(2, None))
        else:
            clock.shift(timedelta(seconds=61))
        responses = _hammer(middleware, lambda: factory.get("/"), build, readers=500)
    assert len(builds) == 2  # the warm-up and exactly one rebuild
    assert all(response.status_code == 200 for response in responses)
    labels = {response["X-Page-Cache"] for response in responses}
    if situation == "changed":
        # Nobody is served the copy built before the change.
        assert {response.content for response in responses} == {b"<p>b\xe1\xba\xa3n 2</p>"}
        assert labels <= {"MISS", "HIT"}
    else:
        assert "STALE" in labels
