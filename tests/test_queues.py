"""The queue pages editors work from (the article list filtered by `?hang_doi=`).

Each is titled with the queue's name and lists, per article: headline, category,
bylines, who sent it and when (the latest submit/forward), how long it has waited,
and who has it open. Review queues put the longest wait first; a returned article
stands out in the reporter's own queue. Filters read as Vietnamese and sections filter
as a tree. The page runs the same number of queries for 5 articles as for 50.

Assertions read the parsed rows of `#result_list` (tests/pages.py), never substrings the
filter sidebar also contains.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import editing, services
from articles.models import Article, Author, Byline
from tests.factories import (
    EDITOR,
    REPORTER,
    VN,
    make_article,
    make_author,
    make_category,
    make_user,
)
from tests.pages import element, table

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)
CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def reporter():
    return make_user("phongvien", REPORTER, first_name="Minh", last_name="Thư")


@pytest.fixture
def editor():
    return make_user("bientap", EDITOR, first_name="Hoàng", last_name="Anh")


@pytest.fixture
def sections():
    economy = make_category("Kinh tế", menu_position=1)
    market = make_category("Thị trường", parent=economy)
    news = make_category("Thời sự", menu_position=2)
    return economy, market, news


def submitted(title, reporter, category, at, authors=None):
    """A draft the reporter wrote (with a byline: forwarding needs one) and sent for
    editing at `at`."""
    if authors is None:
        authors = [Author.objects.get_or_create(display_name="PV")[0]]
    article = make_article(
        title=title,
        category=category,
        status=Article.Status.DRAFT,
        created_by=reporter,
        authors=authors,
    )
    with time_machine.travel(at, tick=False):
        services.transition_article(article, "submit", by=reporter)
    return article


def queue_page(client, key, at=None, **params):
    with time_machine.travel(at or T0 + timedelta(hours=3), tick=False):
        response = client.get(CHANGELIST, {"hang_doi": key, **params})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(("key", "label"), [(key, label) for key, label, _b in editing.QUEUES])
def test_each_queue_page_is_titled_with_the_queue_name(client, editor, key, label):
    """ "Chờ biên tập", not Django's "Chọn bài viết để thay đổi", in <h1> and <title>."""
    client.force_login(editor)
    html = queue_page(client, key)
    assert f"<h1>{label}</h1>" in html
    assert f"<title>{label} |" in html
    assert "để thay đổi" not in html


def test_the_plain_list_is_titled_articles(client, editor):
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert "<h1>Bài viết</h1>" in html and "để thay đổi" not in html


def test_review_queue_columns_show_who_sent_it_when_and_how_long_it_waited(
    client, reporter, editor, sections
):
    """Headline, category, bylines, sender (full name), sent at, waited, who edits it."""
    economy, market, _news = sections
    article = submitted(
        "Giá xăng giảm lần thứ ba", reporter, market, T0, authors=[make_author("Minh Thư")]
    )
    with time_machine.travel(T0 + timedelta(hours=3, minutes=4), tick=False):
        editing.mark_presence(article, editor)
    client.force_login(editor)

    html = queue_page(client, "cho-bien-tap", at=T0 + timedelta(hours=3, minutes=5))
    header, rows = table(html)
    assert header[1:] == [
        "Tiêu đề", "Chuyên mục", "Tác giả", "Người gửi", "Gửi lúc", "Đã chờ", "Đang sửa",
    ]  # fmt: skip
    assert rows == [
        {
            "": "",  # the row's checkbox
            "headline": "Giá xăng giảm lần thứ ba",
            "category": "Thị trường",
            "byline_names": "Minh Thư",
            "sent_by": "Minh Thư",
            "sent_at_column": "09:15 | 05/03/2024",
            "waiting": "chờ 3 giờ",
            "editing_now": "Đang được sửa bởi Hoàng Anh từ 12:19 05/03/2024",
        }
    ]


def test_forwarded_article_shows_the_editor_who_forwarded_it(client, reporter, editor, sections):
    """In "Chờ duyệt" the sender is whoever forwarded it, at the time of forwarding; a
    username stands in for a missing full name."""
    article = submitted("Xuất khẩu gạo tăng", reporter, sections[0], T0)
    nameless = make_user("bt2", EDITOR)
    with time_machine.travel(T0 + timedelta(minutes=40), tick=False):
        services.transition_article(article, "forward", by=nameless)
    client.force_login(editor)
    _header, rows = table(queue_page(client, "cho-duyet", at=T0 + timedelta(days=1, hours=2)))
    assert [(r["sent_by"], r["sent_at_column"], r["waiting"]) for r in rows] == [
        ("bt2", "09:55 | 05/03/2024", "chờ 1 ngày 1 giờ")
    ]


def test_review_queues_list_the_longest_wait_first(client, reporter, editor, sections):
    """Oldest sent first, whatever the creation or update order; a resubmission counts
    from when it was sent again."""
    middle = submitted("Gửi lúc 10:15", reporter, sections[0], T0 + timedelta(hours=1))
    last = submitted("Gửi lúc 11:15", reporter, sections[0], T0 + timedelta(hours=2))
    first = submitted("Gửi lúc 09:15", reporter, sections[0], T0)
    client.force_login(editor)
    _header, rows = table(queue_page(client, "cho-bien-tap"))
    assert [r["headline"] for r in rows] == [first.title, middle.title, last.title]

    # Returned, fixed and sent again at 12:00: now the most recent.
    with time_machine.travel(T0 + timedelta(hours=2, minutes=30), tick=False):
        services.transition_article(first, "return", by=editor, reason="Thiếu nguồn")
    with time_machine.travel(T0 + timedelta(hours=2, minutes=45), tick=False):
        services.transition_article(first, "submit", by=reporter)
    _header, rows = table(queue_page(client, "cho-bien-tap"))
    assert [r["headline"] for r in rows] == [middle.title, last.title, first.title]
    assert rows[2]["waiting"] == "chờ 15 phút"


def test_returned_articles_stand_out_in_the_reporters_queue(client, reporter, editor, sections):
    """In "Bài của tôi" a returned article carries a "Bị trả lại" badge and the reason;
    the reporter's other articles do not."""
    returned = submitted("Bài cần sửa", reporter, sections[0], T0)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        services.transition_article(
            returned, "return", by=editor, reason="Thiếu nguồn tin ở đoạn hai"
        )
    make_article(title="Bản nháp", status=Article.Status.DRAFT, created_by=reporter)
    submitted("Đã gửi", reporter, sections[0], T0 + timedelta(minutes=5))
    client.force_login(reporter)

    html = queue_page(client, "cua-toi")
    header, rows = table(html)
    assert "Trạng thái" in header
    by_title = {row["headline"]: row for row in rows}
    assert set(by_title) == {"Bài cần sửa Bị trả lại", "Bản nháp", "Đã gửi"}
    assert by_title["Bài cần sửa Bị trả lại"]["status_column"] == (
        "Bị trả lại Lý do: Thiếu nguồn tin ở đoạn hai"
    )
    assert by_title["Bản nháp"]["status_column"] == "Nháp"
    tags, _text = element(html, "result_list")
    badges = [a for t, a in tags if ("class", "newsroom-badge newsroom-badge-returned") in a]
    assert len(badges) == 1


def test_filters_read_as_vietnamese(client, editor, sections):
    """ "Theo chuyên mục", never Django's "Bởi …" or "By …"."""
    make_article(title="Bài có tác giả", category=sections[0], authors=[make_author("Minh Thư")])
    client.force_login(editor)
    _tags, text = element(client.get(CHANGELIST).content.decode(), "changelist-filter")
    for heading in ["Theo hàng đợi", "Theo trạng thái", "Thùng rác", "Theo chuyên mục",
                    "Theo tác giả", "Bài nổi bật", "Theo thời điểm xuất bản"]:  # fmt: skip
        assert heading in text, heading
    assert "Bởi" not in text and " By " not in text
    assert "Chưa có tác giả" in text


def test_categories_filter_as_a_tree(client, editor, reporter, sections):
    """Sections in menu order, each followed by its sub-sections (indented); a section
    lists its sub-sections' articles too, a sub-section only its own."""
    economy, market, news = sections
    make_article(title="Bài Kinh tế", category=economy, authors=[make_author("Minh Thư")])
    make_article(title="Bài Thị trường", category=market)
    make_article(title="Bài Thời sự", category=news)
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    tags, text = element(html, "changelist-filter")
    section = text[text.index("Theo chuyên mục") : text.index("Theo tác giả")]
    assert section.split() == ["Theo", "chuyên", "mục", "Tất", "cả", "Kinh", "tế", "↳", "Thị",
                               "trường", "Thời", "sự"]  # fmt: skip
    indented = [
        a for t, a in tags if t == "li" and "newsroom-subcategory" in dict(a).get("class", "")
    ]
    assert len(indented) == 1

    def titles(**params):
        _header, rows = table(client.get(CHANGELIST, params).content.decode())
        return {row["headline"] for row in rows}

    assert titles(chuyen_muc=economy.pk) == {"Bài Kinh tế", "Bài Thị trường"}
    assert titles(chuyen_muc=market.pk) == {"Bài Thị trường"}
    assert titles(chuyen_muc=news.pk) == {"Bài Thời sự"}
    response = client.get(CHANGELIST, {"chuyen_muc": "²"})
    assert response.status_code == 200 and not response.context["cl"].result_list


def test_row_checkboxes_are_named_in_vietnamese(client, editor, sections):
    article = make_article(title="Hội chợ hàng Việt", category=sections[0])
    client.force_login(editor)
    tags, _text = element(client.get(CHANGELIST).content.decode(), "result_list")
    labels = [
        dict(a).get("aria-label") for t, a in tags if dict(a).get("name") == "_selected_action"
    ]
    assert labels == [f"Chọn bài “{article.title}”"]


def _fill(count, reporter, editor, category, authors):
    """`count` submitted articles with bylines, events and someone editing each."""
    for n in range(count):
        article = submitted(f"Bài số {n}", reporter, category, T0 + timedelta(minutes=n))
        Byline.objects.bulk_create(
            Byline(article=article, author=author, position=i) for i, author in enumerate(authors)
        )
        editing.mark_presence(article, editor)


def _queries(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(queries), len(response.context["cl"].result_list)


@pytest.mark.parametrize("params", [{"hang_doi": "cho-bien-tap"}, {"hang_doi": "cua-toi"}, {}])
def test_queue_pages_run_a_fixed_number_of_queries(client, reporter, editor, sections, params):
    """5 or 50 articles (each with two bylines, sender, presence): same query count."""
    authors = [make_author("Minh Thư"), make_author("Hoàng Anh")]
    # "Bài của tôi" is the reporter's own list; the others are an editor's.
    client.force_login(reporter if params.get("hang_doi") == "cua-toi" else editor)
    _fill(5, reporter, editor, sections[1], authors)
    few, shown = _queries(client, params)
    assert shown == 5
    _fill(45, reporter, editor, sections[1], authors)
    many, shown = _queries(client, params)
    assert shown == 50
    assert many == few


def test_bulk_action_from_a_queue_page(client, reporter, editor, sections):
    """Actions posted from a queue page (its query string kept) work on the ordered,
    annotated list: forwarding the oldest two articles."""
    first = submitted("Bài một", reporter, sections[0], T0)
    second = submitted("Bài hai", reporter, sections[0], T0 + timedelta(minutes=5))
    client.force_login(editor)
    response = client.post(
        CHANGELIST + "?hang_doi=cho-bien-tap",
        {"action": "forward_selected", "_selected_action": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.EDITED}
    _header, rows = table(queue_page(client, "cho-duyet"))
    assert [(row["headline"], row["sent_by"]) for row in rows] == [
        ("Bài một", "Hoàng Anh"),
        ("Bài hai", "Hoàng Anh"),
    ]


def test_change_form_opened_with_a_queue_in_its_address_still_saves(client, reporter, editor,
                                                                    sections):  # fmt: skip
    """The queue's ordering belongs to the list only: other admin pages reached with
    `?hang_doi=` in their address (a bookmark, a hand-edited link) work as usual."""
    from tests.factories import article_form_data

    article = submitted("Bài một", reporter, sections[0], T0)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[article.pk]) + "?hang_doi=cho-bien-tap"
    assert client.get(url).status_code == 200
    response = client.post(url, article_form_data(article, title="Bài một (đã sửa)"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).title == "Bài một (đã sửa)"
    _header, rows = table(
        client.get(CHANGELIST, {"hang_doi": "cho-bien-tap", "o": "1"}).content.decode()
    )
    assert [row["headline"] for row in rows] == ["Bài một (đã sửa)"]
