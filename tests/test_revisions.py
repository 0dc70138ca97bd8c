"""Revisions through the admin: every save recorded, history, word diffs, restore.

Nothing a journalist writes is ever lost: each save (form, workflow button, bulk
action, restore) stores a numbered snapshot with who and when, and any snapshot can
be compared or brought back. Refusals change nothing in the database.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from articles import services
from articles.models import (
    Article,
    ArticleEvent,
    ArticlePhoto,
    ArticleRevision,
    Byline,
    Photo,
)
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    REPORTER,
    VN,
    article_form_data,
    database_state,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)
from tests.html_tables import table_with_heading

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
CHANGELIST_URL = reverse("admin:articles_article_changelist")
T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)

XSS_SCRIPT = '<script>alert("xss")</script>'
XSS_IMG = "<img src=x onerror=alert(1)>"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def restore_url(article, number):
    return reverse("admin:articles_article_restore", args=[article.pk, number])


@pytest.fixture
def category():
    return make_category(name="Thị trường")


def logged_in(client, username, role, **fields):
    user = make_user(username, role, **fields)
    client.force_login(user)
    return user


def numbers(article):
    return list(article.revisions.order_by("number").values_list("number", flat=True))


def article_html(response):
    """The <article> element of a rendered article page (title, sapo, body, photos, byline)."""
    html = response.content.decode()
    return html[html.index("<article") : html.index("</article>") + len("</article>")]


# -- every save records a revision --


def test_create_then_each_edit_records_the_next_revision(client, category):
    """The form records revision #1 on create, then #2, #3 … on each save, with user and time."""
    with time_machine.travel(T0, tick=False):
        user = logged_in(client, "phongvien", REPORTER)
        response = client.post(ADD_URL, article_form_data(category=category, title="Bản đầu"))
        assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    first = article.revisions.get()
    assert (first.number, first.created_by, first.created_at) == (1, user, T0)
    assert first.content["title"] == "Bản đầu"

    for number, title in [(2, "Bản sửa lần một"), (3, "Bản sửa lần hai")]:
        moment = T0 + timedelta(hours=number)
        with time_machine.travel(moment, tick=False):
            article.refresh_from_db()
            response = client.post(change_url(article), article_form_data(article, title=title))
            assert response.status_code == 302, response.content.decode()[:2000]
        revision = article.revisions.get(number=number)
        assert (revision.created_by, revision.created_at) == (user, moment)
        assert revision.content["title"] == title

    assert numbers(article) == [1, 2, 3]
    assert article.revisions.get(number=1).content["title"] == "Bản đầu"


def test_revision_keeps_bylines_photos_and_captions(client, category):
    """A revision stores the whole editable content: bylines in order, photos with captions."""
    minh, hoang = make_author("Minh Thư"), make_author("Hoàng Anh")
    photo = make_photo()
    reporter = logged_in(client, "phongvien", REPORTER)
    Photo.objects.filter(pk=photo.pk).update(uploaded_by=reporter)  # hers to use
    data = article_form_data(
        category=category,
        bylines=[hoang, minh],
        photos=[(photo, "Chú thích riêng")],
        lead_photo=photo.pk,
        source="Theo TTXVN",
    )
    assert client.post(ADD_URL, data).status_code == 302
    content = Article.objects.get().revisions.get().content
    assert content["bylines"] == [hoang.pk, minh.pk]
    assert content["photos"] == [[photo.pk, "Chú thích riêng", 0]]
    assert content["lead_photo_id"] == photo.pk
    assert content["source"] == "Theo TTXVN"
    assert content["category_id"] == category.pk


def test_form_workflow_button_records_the_save_as_a_revision_and_the_move_as_an_event(
    client, category
):
    """ "Lưu và gửi biên tập" records the content once (a revision) and the move as an
    event: a transition does not change the text, so it adds no revision."""
    user = logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    client.post(ADD_URL, article_form_data(category=category, _transition="submit"))
    article = Article.objects.get()
    assert article.status == Article.Status.SUBMITTED
    assert [(r.number, r.note, r.created_by) for r in article.revisions.all()] == [(1, "", user)]
    assert [(e.action, e.actor) for e in article.events.all()] == [
        ("submit", user),
        ("create", user),
    ]


def test_saving_an_untouched_form_records_nothing(client, category):
    """Pressing "Lưu" on an unchanged article writes no revision and no event."""
    logged_in(client, "phongvien", REPORTER)
    client.post(ADD_URL, article_form_data(category=category, title="Một"))
    article = Article.objects.get()
    before = (numbers(article), article.events.count())
    for _ in range(3):
        article.refresh_from_db()
        response = client.post(change_url(article), article_form_data(article))
        assert response.status_code == 302, response.content.decode()[:2000]
    assert (numbers(article), article.events.count()) == before


def test_a_pass_through_the_chain_leaves_one_revision_per_text_change(client, category):
    """Write → submit → return → resubmit → forward → publish, with one real edit in the
    middle: two revisions (the first text and the edit), one event per step."""
    reporter = logged_in(client, "phongvien", REPORTER)
    editor, chief = make_user("bientap", EDITOR), make_user("thuky", MANAGING_EDITOR)
    byline = make_author("Minh Thư")  # approval and publishing need a byline
    client.post(
        ADD_URL,
        article_form_data(category=category, bylines=[byline], title="Một", _transition="submit"),
    )
    article = Article.objects.get()
    steps = [
        (editor, {"_transition": "return", "workflow_reason": "Thiếu nguồn"}),
        (reporter, {"_transition": "submit", "title": "Một (đã sửa)"}),
        (editor, {"_transition": "forward"}),
        (chief, {"_transition": "publish"}),
    ]
    for user, changes in steps:
        client.force_login(user)
        article.refresh_from_db()
        response = client.post(change_url(article), article_form_data(article, **changes))
        assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.is_published
    assert numbers(article) == [1, 2]
    assert [e.action for e in article.events.order_by("id")] == [
        "create", "submit", "return", "edit", "submit", "forward", "publish"
    ]  # fmt: skip


def test_bulk_actions_record_revisions(client, category):
    """`submit_selected` and `publish_selected` posted to the change list record a revision each."""
    reporter = make_user("phongvien", REPORTER)
    byline = make_author("Minh Thư")  # publishing needs a byline
    drafts = [
        make_article(
            title=f"Bài {i}",
            category=category,
            status=Article.Status.DRAFT,
            created_by=reporter,
            authors=[byline],
        )
        for i in range(2)
    ]
    client.force_login(reporter)
    response = client.post(
        CHANGELIST_URL, {"action": "submit_selected", "_selected_action": [a.pk for a in drafts]}
    )
    assert response.status_code == 302
    for article in drafts:
        article.refresh_from_db()
        assert article.status == Article.Status.SUBMITTED
        revision = article.revisions.get()
        assert (revision.number, revision.note, revision.created_by) == (
            1,
            "Gửi biên tập",
            reporter,
        )

    chief = logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    client.post(
        CHANGELIST_URL, {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]}
    )
    for article in drafts:
        article.refresh_from_db()
        assert article.is_published
        # The text did not change: the step is an event, not another revision.
        assert numbers(article) == [1]
        assert (article.events.first().action, article.events.first().actor) == ("publish", chief)


def test_bulk_action_refused_for_some_records_nothing_for_them(client, category):
    """On a mixed selection, articles the action cannot apply to get no revision, no event."""
    reporter = make_user("phongvien", REPORTER)
    mine = make_article(
        title="Bài của tôi", category=category, status=Article.Status.DRAFT, created_by=reporter
    )
    submitted = make_article(
        title="Đã gửi", category=category, status=Article.Status.SUBMITTED, created_by=reporter
    )
    client.force_login(reporter)
    before = database_state()
    client.post(
        CHANGELIST_URL,
        {"action": "publish_selected", "_selected_action": [mine.pk, submitted.pk]},
    )
    assert database_state() == before


# Transactional: committed for real, as in production. A superuser, because the roles
# (groups made by a data migration) do not survive the flush between such tests.
@pytest.mark.django_db(transaction=True)
def test_bulk_action_works_outside_a_test_transaction(client):
    """In autocommit, as in production, a bulk action publishes and records its revision.

    (Tests normally run inside a transaction, which hides row locks taken outside one.)
    """
    article = make_article(status=Article.Status.EDITED, authors=[make_author()])
    client.force_login(make_user("quantri", is_superuser=True))
    response = client.post(
        CHANGELIST_URL, {"action": "publish_selected", "_selected_action": [article.pk]}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published
    assert article.revisions.get().note == "Duyệt và xuất bản"


# -- the history page --


def test_history_lists_events_with_reasons_and_revisions(client, category):
    """The history page shows each transition with who and why, and every revision."""
    reporter = make_user("phongvien", REPORTER, first_name="Minh", last_name="Thư")
    editor = make_user("bientap", EDITOR, first_name="Hoàng", last_name="Anh")
    client.force_login(reporter)
    with time_machine.travel(T0, tick=False):
        client.post(ADD_URL, article_form_data(category=category, _transition="submit"))
    article = Article.objects.get()
    client.force_login(editor)
    with time_machine.travel(T0 + timedelta(hours=1), tick=False):
        response = client.post(
            change_url(article),
            article_form_data(
                article, _transition="return", workflow_reason="Thiếu nguồn tin ở đoạn hai"
            ),
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    response = client.get(history_url(article))
    assert response.status_code == 200
    html = response.content.decode()
    events = table_with_heading(html, "Thao tác").records()
    columns = ["Lúc", "Người thực hiện", "Thao tác", "Từ", "Sang", "Lý do / ghi chú"]
    # The editor returned it without touching the text: no "edit", no new revision.
    assert [[event[c] for c in columns] for event in events] == [
        ["10:15 | 05/03/2024", "Hoàng Anh", "Trả lại phóng viên", "Chờ biên tập", "Bị trả lại",
         "Thiếu nguồn tin ở đoạn hai"],
        ["09:15 | 05/03/2024", "Minh Thư", "Gửi biên tập", "Nháp", "Chờ biên tập", ""],
        ["09:15 | 05/03/2024", "Minh Thư", "Tạo bài", "Nháp", "Nháp", ""],
    ]  # fmt: skip
    assert [e.action for e in response.context["events"]] == ["return", "submit", "create"]
    assert [r.number for r in response.context["revisions"]] == [1]
    assert "<td>#1 (hiện tại)</td>" in html


def test_history_is_forbidden_to_a_reporter_who_does_not_own_the_article(client):
    """Another reporter gets 403 on the history page; the owner sees it."""
    owner = make_user("chu-bai", REPORTER)
    article = make_article(status=Article.Status.DRAFT, created_by=owner)
    logged_in(client, "nguoi-khac", REPORTER)
    assert client.get(history_url(article)).status_code == 403
    client.force_login(owner)
    assert client.get(history_url(article)).status_code == 200


def test_history_escapes_titles_reasons_and_notes(client):
    """A title, reason or note with markup is shown as text, never executed."""
    article = make_article(title=f"Tin {XSS_SCRIPT}", status=Article.Status.RETURNED)
    user = logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    ArticleEvent.objects.create(
        article=article, actor=user, action="return", reason=f"Sửa lại {XSS_IMG}"
    )
    ArticleRevision.objects.create(
        article=article, number=1, created_by=user, content={"title": XSS_SCRIPT}, note=XSS_IMG
    )
    html = client.get(history_url(article)).content.decode()
    assert XSS_SCRIPT not in html and XSS_IMG not in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


# -- compare --


def test_compare_shows_a_word_level_diff(client, category):
    """Comparing two revisions marks removed words with <del> and added ones with <ins>."""
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    client.post(
        ADD_URL,
        article_form_data(
            category=category, title="Giá xăng giảm", body="<p>Giá xăng giảm mạnh từ chiều nay.</p>"
        ),
    )
    article = Article.objects.get()
    client.post(
        change_url(article),
        article_form_data(
            article, title="Giá xăng tăng", body="<p>Giá xăng tăng mạnh từ chiều nay.</p>"
        ),
    )
    assert numbers(article) == [1, 2]

    response = client.get(compare_url(article), {"a": 1, "b": 2})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Giá xăng <del>giảm</del><ins>tăng</ins>" in html
    assert "&lt;p&gt;Giá xăng <del>giảm</del><ins>tăng</ins> mạnh từ chiều nay.&lt;/p&gt;" in html
    assert [row["field"] for row in response.context["rows"]] == ["title", "body"]
    # Order of the two numbers does not matter: older is always on the left.
    reversed_html = client.get(compare_url(article), {"a": 2, "b": 1}).content.decode()
    assert "Giá xăng <del>giảm</del><ins>tăng</ins>" in reversed_html


def test_compare_escapes_revision_content(client):
    """Markup stored in a revision (e.g. from before sanitising) is shown as text on compare."""
    article = make_article(status=Article.Status.DRAFT)
    user = logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    ArticleRevision.objects.create(
        article=article,
        number=1,
        created_by=user,
        content={"title": "Tin", "body": "<p>Đoạn một</p>"},
    )
    ArticleRevision.objects.create(
        article=article,
        number=2,
        created_by=user,
        content={
            "title": f"Tin {XSS_SCRIPT}",
            "body": f"<p>Đoạn một</p>{XSS_IMG}",
            "sapo": '"><svg onload=alert(2)>',
        },
    )
    response = client.get(compare_url(article), {"a": 1, "b": 2})
    assert response.status_code == 200
    html = response.content.decode()
    for attack in (XSS_SCRIPT, XSS_IMG, "<svg onload", "<img src=x"):
        assert attack not in html, attack
    assert "<ins>&lt;img src=x onerror=alert(1)&gt;</ins>" in html
    assert "&lt;script&gt;" in html
    assert "&quot;&gt;&lt;svg onload=alert(2)&gt;" in html


@pytest.mark.parametrize(
    "params",
    [
        {"a": "x", "b": "2"},
        {"a": "1"},
        {},
        {"a": "1", "b": "9"},
        {"a": "-1", "b": "2"},
        {"a": "1", "b": "99999999999999999999999"},
        {"a": "1.5", "b": "2"},
    ],
)
def test_compare_with_bad_numbers_is_404(client, params):
    """Missing, non-numeric, unknown or absurd revision numbers are 404, not 500."""
    article = make_article(status=Article.Status.DRAFT)
    for number in (1, 2):
        ArticleRevision.objects.create(article=article, number=number, content={"title": "x"})
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    assert client.get(compare_url(article), params).status_code == 404


def test_compare_never_shows_another_articles_revision(client):
    """Revision numbers belong to one article: #3 of another article is a 404 here."""
    article = make_article(title="Bài A", status=Article.Status.DRAFT)
    other = make_article(title="Bài B", status=Article.Status.DRAFT)
    ArticleRevision.objects.create(article=article, number=1, content={"title": "A1"})
    for number in (1, 2, 3):
        ArticleRevision.objects.create(article=other, number=number, content={"title": "B"})
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    assert client.get(compare_url(article), {"a": 1, "b": 3}).status_code == 404


def test_compare_is_forbidden_to_a_reporter_who_does_not_own_the_article(client):
    """Reading another reporter's revisions through compare is refused."""
    article = make_article(status=Article.Status.DRAFT, created_by=make_user("chu-bai", REPORTER))
    for number in (1, 2):
        ArticleRevision.objects.create(article=article, number=number, content={"title": "x"})
    logged_in(client, "nguoi-khac", REPORTER)
    assert client.get(compare_url(article), {"a": 1, "b": 2}).status_code == 403


# -- restore --


def test_restore_brings_back_identical_content_as_a_new_revision(client, category):
    """Restoring #1 gives back the same title, sapo, HTML body, bylines, photos; it is #3."""
    minh, hoang, lan = make_author("Minh Thư"), make_author("Hoàng Anh"), make_author("Ngọc Lan")
    user = logged_in(client, "phongvien", REPORTER)
    first_photo = make_photo(caption="Ảnh một", uploaded_by=user)
    second_photo = make_photo(caption="Ảnh hai", uploaded_by=user)
    original_body = (
        "<p>Sáng 26/9, <strong>Bộ Công Thương</strong> tổ chức hội nghị.</p>"
        '<figure class="image"><img src="/media/a.jpg" alt="Hội nghị">'
        "<figcaption>Toàn cảnh hội nghị</figcaption></figure>"
        '<p>Xem <a href="https://moit.gov.vn/">trang Bộ</a>.</p>'
    )
    client.post(
        ADD_URL,
        article_form_data(
            category=category,
            title="Ngành Công Thương đẩy mạnh thi đua",
            sapo="Sapo gốc.",
            body=original_body,
            source="Theo TTXVN",
            lead_photo=first_photo.pk,
            bylines=[minh, hoang],
            photos=[(first_photo, "Chú thích gốc")],
        ),
    )
    article = Article.objects.get()
    preview_url = reverse("admin:articles_article_preview", args=[article.pk])
    original_html = article_html(client.get(preview_url))
    original = {
        "title": article.title,
        "slug": article.slug,
        "sapo": article.sapo,
        "body": article.body,
        "source": article.source,
        "lead_photo": article.lead_photo_id,
        "bylines": [b.author_id for b in Byline.objects.filter(article=article)],
        "photos": [(u.photo_id, u.caption) for u in ArticlePhoto.objects.filter(article=article)],
    }
    assert original["bylines"] == [minh.pk, hoang.pk]

    response = client.post(
        change_url(article),
        article_form_data(
            article,
            title="Tiêu đề đã sửa",
            slug="tieu-de-da-sua",
            sapo="Sapo mới.",
            body="<p>Nội dung khác hẳn.</p>",
            source="",
            lead_photo=second_photo.pk,
            bylines=[lan],
            photos=[(second_photo, "Chú thích mới")],
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "Tiêu đề đã sửa"
    assert list(Byline.objects.filter(article=article).values_list("author", flat=True)) == [lan.pk]
    version_before = article.version

    response = client.post(restore_url(article, 1))
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    article.refresh_from_db()
    restored = {
        "title": article.title,
        "slug": article.slug,
        "sapo": article.sapo,
        "body": article.body,
        "source": article.source,
        "lead_photo": article.lead_photo_id,
        "bylines": [b.author_id for b in Byline.objects.filter(article=article)],
        "photos": [(u.photo_id, u.caption) for u in ArticlePhoto.objects.filter(article=article)],
    }
    assert restored == original
    assert article_html(client.get(preview_url)) == original_html
    assert article.version == version_before + 1
    assert article.updated_by == user

    assert numbers(article) == [1, 2, 3]
    third = article.revisions.get(number=3)
    assert third.content == article.revisions.get(number=1).content
    assert (third.created_by, third.note) == (user, "Khôi phục từ phiên bản #1")
    event = article.events.first()
    assert (event.action, event.reason, event.actor) == ("restore_revision", "#1", user)


def test_restored_article_can_be_saved_again_with_its_new_version(client, category):
    """After a restore the form opened afterwards saves normally (its version is current)."""
    logged_in(client, "phongvien", REPORTER)
    client.post(ADD_URL, article_form_data(category=category, title="Một"))
    article = Article.objects.get()
    client.post(change_url(article), article_form_data(article, title="Hai"))
    client.post(restore_url(article, 1))
    article.refresh_from_db()
    assert article.title == "Một"
    response = client.post(change_url(article), article_form_data(article, title="Ba"))
    assert response.status_code == 302, response.content.decode()[:2000]
    article.refresh_from_db()
    assert article.title == "Ba"
    assert numbers(article) == [1, 2, 3, 4]


def test_restore_by_get_is_refused_and_changes_nothing(client, category):
    """Restore only answers POST: a GET (a link, a prefetch) is refused and changes nothing."""
    logged_in(client, "phongvien", REPORTER)
    client.post(ADD_URL, article_form_data(category=category, title="Một"))
    article = Article.objects.get()
    client.post(change_url(article), article_form_data(article, title="Hai"))
    before = database_state()
    assert client.get(restore_url(article, 1)).status_code in (403, 405)
    assert database_state() == before


def test_reporter_cannot_restore_a_submitted_article(client, category):
    """Once submitted, the reporter's restore is refused (403) and nothing changes."""
    reporter = logged_in(client, "phongvien", REPORTER)
    client.post(ADD_URL, article_form_data(category=category, title="Một"))
    article = Article.objects.get()
    client.post(change_url(article), article_form_data(article, title="Hai"))
    article.refresh_from_db()
    services.transition_article(article, "submit", by=reporter)
    before = database_state()
    assert client.post(restore_url(article, 1)).status_code == 403
    assert database_state() == before


def test_restore_of_an_unknown_revision_is_404(client):
    """A revision number the article does not have is a 404 and changes nothing."""
    article = make_article(status=Article.Status.DRAFT)
    ArticleRevision.objects.create(article=article, number=1, content={"title": "x"})
    logged_in(client, "thukytoasoan", MANAGING_EDITOR)
    before = database_state()
    assert client.post(restore_url(article, 7)).status_code == 404
    assert database_state() == before


# Transactional: foreign keys are checked at commit, which a test transaction never
# reaches. A superuser, because the roles (groups made by a data migration) do not
# survive the flush between such tests.
@pytest.mark.django_db(transaction=True)
def test_restore_skips_authors_and_photos_deleted_since(client):
    """A revision naming an author or photo deleted since restores the rest, without a 500."""
    kept, gone = make_author("Minh Thư"), make_author("Hoàng Anh")
    gone_photo = make_photo(caption="Ảnh đã xóa")
    article = make_article(
        title="Bản cũ",
        status=Article.Status.DRAFT,
        authors=[kept, gone],
        photos=[gone_photo],
        lead_photo=gone_photo,
    )
    from articles.revisions import record_revision

    record_revision(article, user=None)
    Byline.objects.filter(author=gone).delete()
    ArticlePhoto.objects.filter(article=article).delete()
    Article.objects.filter(pk=article.pk).update(title="Bản mới", lead_photo=None)
    gone.delete()
    gone_photo.delete()

    client.force_login(make_user("quantri", is_superuser=True))
    response = client.post(restore_url(article, 1))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "Bản cũ"
    assert [b.author_id for b in Byline.objects.filter(article=article)] == [kept.pk]
    assert article.lead_photo is None and not ArticlePhoto.objects.filter(article=article)
    assert numbers(article) == [1, 2]
