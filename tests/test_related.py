"""Related articles ("Tin liên quan"): editors' picks first, then articles sharing the
most tags, then the section's newest; published ones only, no duplicates, never the
article itself, at most six; and the article page's lists in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import discovery, readership, services
from articles.models import Article, EventThread, RelatedArticle
from articles.models import article as article_module
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    REPORTER,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_hidden_articles,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db


def hours_ago(hours):
    return timezone.now() - timedelta(hours=hours)


def tagged(title, tags, hours, category, **fields):
    article = make_article(title, category=category, published_at=hours_ago(hours), **fields)
    services.set_article_tags(article, tags)
    return article


def pick(article, *related):
    for position, other in enumerate(related):
        RelatedArticle.objects.create(article=article, related=other, position=position)


def related_titles(client, article):
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return [a.title for a in response.context["boxes"].related]


@pytest.fixture
def sections():
    return make_category("Kinh tế"), make_category("Xã hội")


def test_picks_then_most_shared_tags_then_section_newest(client, sections):
    economy, society = sections
    article = tagged("Bài chính", ["xăng", "dầu", "giá"], 50, economy)
    older_pick = make_article(
        "Chọn thứ nhất (cũ hơn)", category=society, published_at=hours_ago(90)
    )
    newer_pick = make_article("Chọn thứ hai (mới hơn)", category=society, published_at=hours_ago(2))
    pick(article, older_pick, newer_pick)
    tagged("Chung ba từ khóa (cũ)", ["giá", "xăng", "dầu"], 80, society)
    tagged("Chung hai từ khóa (mới)", ["xăng", "dầu"], 3, society)
    tagged("Chung hai từ khóa (cũ)", ["dầu", "giá"], 40, society)
    tagged("Chung một từ khóa", ["giá"], 1, society)
    make_article("Cùng chuyên mục mới nhất", category=economy, published_at=hours_ago(1))
    assert related_titles(client, article) == [
        "Chọn thứ nhất (cũ hơn)",  # the editor's order, not the date
        "Chọn thứ hai (mới hơn)",
        "Chung ba từ khóa (cũ)",  # most shared tags first …
        "Chung hai từ khóa (mới)",  # … newest first among equals
        "Chung hai từ khóa (cũ)",
        "Chung một từ khóa",
    ]  # six at most: the section's newest did not fit


def test_section_newest_fill_the_rest(client, sections):
    economy, society = sections
    article = tagged("Bài chính", ["xăng"], 50, economy)
    tagged("Chung từ khóa", ["xăng"], 60, society)
    for number in range(3):
        make_article(f"Cùng chuyên mục {number}", category=economy, published_at=hours_ago(number))
    make_article("Chuyên mục khác", category=society, published_at=hours_ago(0.5))
    assert related_titles(client, article) == [
        "Chung từ khóa",
        "Cùng chuyên mục 0",
        "Cùng chuyên mục 1",
        "Cùng chuyên mục 2",
    ]


def test_no_duplicates_and_never_the_article_itself(client, sections):
    economy, _society = sections
    article = tagged("Bài chính", ["xăng", "dầu"], 50, economy)
    both = tagged("Vừa được chọn vừa chung từ khóa", ["xăng", "dầu"], 5, economy)
    pick(article, both)
    titles = related_titles(client, article)
    assert titles == ["Vừa được chọn vừa chung từ khóa"]
    assert "Bài chính" not in titles


def test_hidden_articles_are_never_related(client, sections):
    """Picked, sharing every tag and in the same section, hidden articles of every kind
    (draft, submitted, returned, unpublished, scheduled, taken down, trashed) stay out."""
    economy, _society = sections
    article = tagged("Bài chính", ["xăng", "dầu"], 50, economy)
    hidden = make_hidden_articles(economy, authors=[make_author("Minh Thư")], photo=make_photo())
    for other in hidden.values():
        services.set_article_tags(other, ["xăng", "dầu"])
    pick(article, *hidden.values())
    make_article("Tin công khai", category=economy, published_at=hours_ago(70))
    html = client.get(article.get_absolute_url()).content.decode()
    assert "ẨN" not in html
    assert related_titles(client, article) == ["Tin công khai"]


def test_editor_picks_through_the_admin_in_order_and_drafts_stay_hidden(client, sections):
    economy, _society = sections
    editor = make_user("bientapvien", EDITOR)
    client.force_login(editor)
    article = make_article("Bài đang biên tập", status=Article.Status.SUBMITTED, category=economy)
    first = make_article("Tin đã đăng A", published_at=hours_ago(30))
    second = make_article("Tin đã đăng B", published_at=hours_ago(1))
    draft = make_article("Bản nháp được chọn", status=Article.Status.DRAFT)
    data = article_form_data(article)
    data.update(
        {
            "related_entries-TOTAL_FORMS": "3",
            "related_entries-0-related": second.pk,
            "related_entries-0-position": "2",
            "related_entries-1-related": draft.pk,
            "related_entries-1-position": "0",
            "related_entries-2-related": first.pk,
            "related_entries-2-position": "1",
        }
    )
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = RelatedArticle.objects.filter(article=article).order_by("position")
    assert [row.related for row in saved] == [draft, first, second]
    # Published later: the draft pick never shows, the others show in the chosen order.
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.PUBLISHED,
        published_at=hours_ago(0.1),
        first_published_at=hours_ago(0.1),
    )
    reader = Client()
    assert related_titles(reader, article)[:2] == ["Tin đã đăng A", "Tin đã đăng B"]
    assert "Bản nháp được chọn" not in reader.get(article.get_absolute_url()).content.decode()


def test_picking_the_article_itself_is_refused_in_vietnamese(client):
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    article = make_article("Bài chính")
    data = article_form_data(article)
    data.update({"related_entries-TOTAL_FORMS": "1", "related_entries-0-related": article.pk,
                 "related_entries-0-position": "0"})  # fmt: skip
    response = client.post(reverse("admin:articles_article_change", args=[article.pk]), data)
    assert response.status_code == 200
    assert "Không thể chọn chính bài này làm tin liên quan." in response.content.decode()
    assert not RelatedArticle.objects.exists()


def test_reporters_cannot_pick_related_articles_even_by_forging_the_form(client):
    reporter = make_user("phongvien", REPORTER)
    client.force_login(reporter)
    article = make_article("Bài của phóng viên", status=Article.Status.DRAFT, created_by=reporter)
    secret = make_article("Nháp của người khác", status=Article.Status.DRAFT)
    url = reverse("admin:articles_article_change", args=[article.pk])
    assert b"related_entries-TOTAL_FORMS" not in client.get(url).content
    data = article_form_data(article)
    data.update({"related_entries-TOTAL_FORMS": "1", "related_entries-0-related": secret.pk,
                 "related_entries-0-position": "0"})  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert not RelatedArticle.objects.exists()


def test_sharing_tags_looks_only_at_each_tags_newest_articles(monkeypatch, sections):
    """The bound that keeps a popular tag cheap: only the newest N articles of each tag
    (by id) are candidates, so an old article sharing one tag can be left out."""
    economy, society = sections
    old = tagged("Bài cũ chung từ khóa", ["xăng"], 100, society)
    for number in range(3):
        tagged(f"Bài mới {number}", ["xăng"], number + 1, society)
    article = tagged("Bài chính", ["xăng"], 0.5, economy)
    queryset = Article.objects.published().exclude(pk=article.pk)
    tag_ids = [entry.tag_id for entry in article.tag_entries.all()]
    assert old in queryset.sharing_tags(tag_ids)
    monkeypatch.setattr(article_module, "SHARED_TAG_CANDIDATES", 3)
    found = list(queryset.sharing_tags(tag_ids))
    assert old not in found and len(found) == 2  # the article itself took a candidate


def test_related_boxes_follow_changes_on_cached_pages(settings, django_capture_on_commit_callbacks):
    settings.PAGE_CACHE_SECONDS = 60
    economy = make_category("Kinh tế")
    article = make_article("Bài chính", category=economy)
    other = make_article("Tin được chọn sau", category=make_category("Xã hội"))
    reader = Client()
    assert "Tin được chọn sau" not in reader.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        pick(article, other)
    assert "Tin được chọn sau" in reader.get(article.get_absolute_url()).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        RelatedArticle.objects.get().delete()
    assert "Tin được chọn sau" not in reader.get(article.get_absolute_url()).content.decode()


# -- the whole article page in a fixed number of queries --


def _article_page_queries(client, article):
    client.get(article.get_absolute_url())  # warm: site settings, most-read lists
    with CaptureQueriesContext(connection) as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return len(queries), response


def _grow(article, economy, count, thread, photo):
    authors = [make_author(f"Tác giả {n}") for n in range(2)]
    others = []
    for number in range(count):
        other = make_article(f"Tin thêm {number}", category=economy, authors=authors,
                             lead_photo=photo, photos=[photo], thread=thread,
                             published_at=hours_ago(number + 2))  # fmt: skip
        services.set_article_tags(other, ["xăng", f"riêng {number}"])
        others.append(other)
        readership.record_view(other.pk, f"10.0.0.{number}")
    pick(article, *others[-3:])
    readership.flush()


def test_article_page_queries_stay_within_budget_whatever_the_data(client, cache_backend):
    """Tags, thread box, related (picks, shared tags, section), the section's latest and
    both most-read lists: 8 queries at most, the same for 3 or 40 neighbours (on local
    memory and on Redis)."""
    economy = make_category("Kinh tế")
    thread = EventThread.objects.create(title="Giá xăng dầu")
    photo = make_photo()
    article = make_article("Bài chính", category=economy, thread=thread, lead_photo=photo,
                           authors=[make_author("Minh Thư")], photos=[photo])  # fmt: skip
    services.set_article_tags(article, ["xăng", "dầu", "giá"])
    RelatedArticle.objects.all().delete()
    _grow(article, economy, 3, thread, photo)
    from django.core.cache import cache

    cache.delete(readership.MOST_READ_KEY)
    before, response = _article_page_queries(client, article)
    boxes = response.context["boxes"]
    assert boxes.related and boxes.thread_latest and boxes.most_read["day"]
    RelatedArticle.objects.filter(article=article).delete()
    _grow(article, economy, 40, thread, make_photo())
    cache.delete(readership.MOST_READ_KEY)
    after, response = _article_page_queries(client, article)
    assert before == after <= 8, (before, after)
    boxes = response.context["boxes"]
    assert len(boxes.related) == discovery.RELATED_COUNT
    assert len(boxes.thread_latest) == discovery.THREAD_COUNT
    assert len(boxes.section_latest) == discovery.SECTION_COUNT
    assert len(boxes.most_read["week"]) == readership.MOST_READ_SHOWN
    shown = [a.pk for box in (boxes.related, boxes.thread_latest, boxes.section_latest)
             for a in box]  # fmt: skip
    assert len(shown) == len(set(shown))  # each article in one box only
    assert article.pk not in shown
