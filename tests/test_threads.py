"""Event threads (dòng sự kiện): editors group articles into a running story with its
own page; each of its articles links to it and shows the thread's other latest ones."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, EventThread
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_photo,
    make_user,
)
from tests.test_seo import Head

pytestmark = pytest.mark.django_db

STORM = "Bão Yagi đổ bộ miền Bắc"


@pytest.fixture
def thread():
    return EventThread.objects.create(
        title=STORM, description="Diễn biến cơn bão số 3 và công tác khắc phục hậu quả."
    )


def thread_articles(thread, count, **fields):
    now = timezone.now()
    return [
        make_article(
            f"Tin bão số {number}",
            thread=thread,
            published_at=now - timedelta(hours=number + 1),
            **fields,
        )
        for number in range(count)
    ]


# -- the admin --


def test_editors_create_threads_with_a_vietnamese_slug(client):
    client.force_login(make_user("bientapvien", EDITOR))
    response = client.post(
        reverse("admin:articles_eventthread_add"),
        {"title": "Giá xăng dầu 2024", "slug": "", "description": "Mọi lần điều chỉnh giá."},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    thread = EventThread.objects.get()
    assert (thread.slug, thread.get_absolute_url()) == (
        "gia-xang-dau-2024",
        "/dong-su-kien/gia-xang-dau-2024/",
    )
    twin = EventThread.objects.create(title="Giá xăng dầu 2024")
    assert twin.slug == "gia-xang-dau-2024-2"


def test_reporters_have_no_thread_admin_and_no_thread_field(client, thread):
    client.force_login(make_user("phongvien", REPORTER))
    assert client.get(reverse("admin:articles_eventthread_changelist")).status_code == 403
    response = client.post(reverse("admin:articles_eventthread_add"), {"title": "Của phóng viên"})
    assert response.status_code == 403
    assert EventThread.objects.count() == 1
    add_form = client.get(reverse("admin:articles_article_add")).content.decode()
    assert 'name="thread"' not in add_form
    assert 'name="tag_names"' in add_form  # reporters do tag


def test_a_reporters_forged_thread_is_ignored(client, thread):
    reporter = make_user("phongvien", REPORTER)
    client.force_login(reporter)
    category = make_category("Thời sự")
    response = client.post(
        reverse("admin:articles_article_add"),
        article_form_data(category=category, thread=thread.pk),
    )
    assert response.status_code == 302
    assert Article.objects.get().thread is None


def test_a_reporter_saving_keeps_the_thread_an_editor_set(client, thread):
    reporter = make_user("phongvien", REPORTER)
    article = make_article(
        "Bài trong dòng", status=Article.Status.DRAFT, created_by=reporter, thread=thread
    )
    client.force_login(reporter)
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, title="Bài trong dòng (sửa)"),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.thread == thread


@pytest.mark.parametrize("role", [EDITOR, MANAGING_EDITOR, EDITOR_IN_CHIEF])
def test_editors_put_an_article_in_a_thread_from_the_article_form(client, thread, role):
    client.force_login(make_user("bientap", role))
    article = make_article("Bài cần xếp", status=Article.Status.SUBMITTED)
    form = client.get(reverse("admin:articles_article_change", args=[article.pk])).content
    assert b'name="thread"' in form
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        article_form_data(article, thread=thread.pk),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.thread == thread


def test_thread_autocomplete_for_editors(client, thread):
    client.force_login(make_user("bientapvien", EDITOR))
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "thread", "term": "yagi"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == [STORM]


# -- public pages --


def test_thread_page_newest_first_with_title_and_description(client, thread):
    thread_articles(thread, 3)
    make_article("Tin không thuộc dòng")
    response = client.get("/dong-su-kien/bao-yagi-do-bo-mien-bac/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<h1 class="page-title">{STORM}</h1>' in html
    assert "Diễn biến cơn bão số 3 và công tác khắc phục hậu quả." in html
    assert html.index("Tin bão số 0<") < html.index("Tin bão số 1<") < html.index("Tin bão số 2<")
    assert "Tin không thuộc dòng" not in html
    head = Head(html)
    assert head.link("canonical") == ["http://testserver/dong-su-kien/bao-yagi-do-bo-mien-bac/"]
    crumbs = head.json_ld()["BreadcrumbList"]["itemListElement"]
    assert [item["name"] for item in crumbs] == ["Trang chủ", STORM]


def test_thread_page_paginates_strictly(client, thread):
    thread_articles(thread, 21)
    url = thread.get_absolute_url()
    assert client.get(url).content.decode().count('class="card-title"') == 20
    assert client.get(url, {"page": 2}).content.decode().count('class="card-title"') == 1
    for bad in ("3", "-1", "abc"):
        assert client.get(url, {"page": bad}).status_code == 404


def test_thread_without_published_articles_is_404(client, thread):
    """Unknown threads and threads whose articles are all hidden (an embargoed story's
    thread must not announce it) answer 404; so does every hidden article's box."""
    hidden = make_hidden_articles(make_category("Thời sự"), authors=[make_author("Minh Thư")])
    for article in hidden.values():
        Article.objects.filter(pk=article.pk).update(thread=thread)
    assert client.get(thread.get_absolute_url()).status_code == 404
    assert client.get("/dong-su-kien/khong-co/").status_code == 404
    live = make_article("Tin bão công khai", thread=thread)
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Tin bão công khai" in html and "ẨN" not in html
    article_html = client.get(live.get_absolute_url()).content.decode()
    assert "ẨN" not in article_html


def test_article_links_its_thread_and_shows_its_other_latest_five(client, thread):
    articles = thread_articles(thread, 7)
    current = articles[3]
    html = client.get(current.get_absolute_url()).content.decode()
    box = html[html.index('<section class="thread-box"') :]
    box = box[: box.index("</section>")]
    assert f'Dòng sự kiện: <a href="/dong-su-kien/bao-yagi-do-bo-mien-bac/">{STORM}</a>' in box
    shown = [a.title for a in articles if f">{a.title}<" in box]
    # The five newest others, newest first; the article itself is not listed.
    assert shown == ["Tin bão số 0", "Tin bão số 1", "Tin bão số 2", "Tin bão số 4",
                     "Tin bão số 5"]  # fmt: skip
    assert box.index("Tin bão số 0") < box.index("Tin bão số 5")
    assert "Tin bão số 3<" not in box


def test_article_outside_any_thread_has_no_thread_box(client, thread):
    html = client.get(make_article("Tin thường").get_absolute_url()).content.decode()
    assert "thread-box" not in html and "Dòng sự kiện" not in html


def test_thread_sitemap_lists_threads_with_published_articles(client, thread):
    thread_articles(thread, 1)
    draft_thread = EventThread.objects.create(title="Dòng chưa công bố")
    make_article("Nháp", status=Article.Status.DRAFT, thread=draft_thread)
    xml = client.get("/sitemap-dong-su-kien.xml").content.decode()
    assert "http://testserver/dong-su-kien/bao-yagi-do-bo-mien-bac/" in xml
    assert "dong-chua-cong-bo" not in xml
    assert "/sitemap-dong-su-kien.xml" in client.get("/sitemap.xml").content.decode()


def test_thread_page_queries_do_not_grow_with_the_data(client, thread):
    author = make_author("Minh Thư")

    def measure():
        client.get(thread.get_absolute_url())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(thread.get_absolute_url()).status_code == 200
        return len(queries)

    thread_articles(thread, 2, authors=[author], lead_photo=make_photo())
    before = measure()
    thread_articles(thread, 30, authors=[author], lead_photo=make_photo())
    assert measure() == before <= 5


def test_thread_changes_reach_cached_pages_at_once(
    settings, thread, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS = 60
    [article] = thread_articles(thread, 1)
    other = make_article("Tin ngoài dòng")
    reader = Client()
    assert STORM in reader.get(article.get_absolute_url()).content.decode()
    assert reader.get(thread.get_absolute_url())["X-Page-Cache"] == "MISS"
    with django_capture_on_commit_callbacks(execute=True):
        thread.title = "Bão số 3 (Yagi)"
        thread.save()
    assert "Bão số 3 (Yagi)" in reader.get(article.get_absolute_url()).content.decode()
    assert "Bão số 3 (Yagi)" in reader.get(thread.get_absolute_url()).content.decode()
    # Put into the thread through the admin: the thread's page follows at once.
    client = Client()
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:articles_article_change", args=[other.pk]),
            article_form_data(other, thread=thread.pk),
        )
    assert response.status_code == 302
    assert "Tin ngoài dòng" in reader.get(thread.get_absolute_url()).content.decode()
