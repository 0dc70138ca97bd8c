"""The editorial chain through the admin, as each role uses it, including forged requests.

The expected outcomes below are written out by hand from the issue (who may do what
in which state), not derived from the code's transition table.
"""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleEvent, Author, Category, Status
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    FIXED_NOW,
    MANAGING_EDITOR,
    REPORTER,
    make_article,
    make_category,
    make_user,
)
from tests.html_tables import table_with_heading, tables
from tests.test_admin import article_form

pytestmark = pytest.mark.django_db

ROLES = ["owner", "other_reporter", "editor", "managing", "chief"]
STATES = ["draft", "submitted", "edited", "returned", "published", "scheduled", "taken_down"]
ACTIONS = ["submit", "forward", "return", "publish", "unpublish", "take_down", "reinstate"]

ALL_REVIEWERS = {"editor", "managing", "chief"}
PUBLISHERS = {"managing", "chief"}
EXPECTED = {
    "submit": {"draft": {"owner"} | PUBLISHERS, "returned": {"owner"} | PUBLISHERS},
    "forward": {"submitted": ALL_REVIEWERS},
    "return": {"submitted": ALL_REVIEWERS, "edited": ALL_REVIEWERS},
    "publish": {"submitted": PUBLISHERS, "edited": PUBLISHERS},
    "unpublish": {"published": PUBLISHERS, "scheduled": PUBLISHERS},
    "take_down": {"published": {"chief"}, "scheduled": {"chief"}},
    "reinstate": {"taken_down": {"chief"}},
}
TARGET = {
    "submit": Status.SUBMITTED,
    "forward": Status.EDITED,
    "return": Status.RETURNED,
    "publish": Status.PUBLISHED,
    "unpublish": Status.EDITED,
    "take_down": Status.TAKEN_DOWN,
    "reinstate": Status.EDITED,
}


@pytest.fixture
def newsroom():
    """One account per role; 'owner' is the reporter who wrote the article."""
    return {
        "owner": make_user("phongvien", REPORTER, first_name="Minh", last_name="Thư"),
        "other_reporter": make_user("phongvien2", REPORTER),
        "editor": make_user("bientapvien", EDITOR),
        "managing": make_user("thukytoasoan", MANAGING_EDITOR),
        "chief": make_user("tongbientap", EDITOR_IN_CHIEF),
    }


def article_in(state, owner, category=None, **fields):
    """An article owned by `owner`, put directly into `state` (test set-up only), with a
    byline (approval and publishing need one: articles.checklist)."""
    category = category or Category.objects.first() or make_category(name="Thị trường")
    fields.setdefault("authors", [Author.objects.get_or_create(display_name="Minh Thư")[0]])
    status = "published" if state == "scheduled" else state
    when = None
    if state == "published":
        when = timezone.now() - timedelta(hours=1)
    elif state == "scheduled":
        when = timezone.now() + timedelta(days=1)
    return make_article(
        title=f"Bài ở trạng thái {state}",
        category=category,
        status=status,
        published_at=when,
        created_by=owner,
        **fields,
    )


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def state_of(article):
    article = Article.objects.get(pk=article.pk)
    # A refusal is recorded ("refused", tests/test_audit_and_logs.py); nothing else.
    events = article.events.exclude(action="refused").count()
    return article.status, article.published_at, article.version, events


@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
def test_transition_matrix_through_the_change_form(client, newsroom, action, role, state):
    """Each role × each action × each state, posted with the form's workflow buttons.

    Allowed: the article moves to the expected status and one event is written.
    Refused: nothing changes (status, publish time, version, history).
    """
    article = article_in(state, newsroom["owner"])
    before = state_of(article)
    client.force_login(newsroom[role])
    data = article_form(
        article.category,
        title=article.title,
        base_version=article.version,
        _transition=action,
        workflow_reason="Cần bổ sung nguồn tin",
    )
    response = client.post(change_url(article), data)
    allowed = role in EXPECTED[action].get(state, set())
    if allowed:
        assert response.status_code == 302, response.content.decode()[:1500]
        article.refresh_from_db()
        assert article.status == TARGET[action]
        event = ArticleEvent.objects.filter(article=article, action=action).get()
        assert event.actor == newsroom[role]
        assert event.from_status == before[0]
    else:
        assert response.status_code in (200, 302, 403), response.status_code
        assert state_of(article) == before


BULK_ACTIONS = {
    "submit_selected": "submit",
    "forward_selected": "forward",
    "publish_selected": "publish",
    "unpublish_selected": "unpublish",
}


@pytest.mark.parametrize("bulk_action", BULK_ACTIONS)
@pytest.mark.parametrize("role", ROLES)
def test_bulk_actions_on_mixed_selections(client, newsroom, bulk_action, role):
    """A bulk action applies only where this role may act; every other article is untouched."""
    category = make_category(name="Kinh tế")
    articles = {state: article_in(state, newsroom["owner"], category) for state in STATES}
    before = {state: state_of(a) for state, a in articles.items()}
    client.force_login(newsroom[role])
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": bulk_action, "_selected_action": [a.pk for a in articles.values()]},
    )
    action = BULK_ACTIONS[bulk_action]
    for state, article in articles.items():
        visible = role not in {"owner", "other_reporter"} or role == "owner"
        allowed = visible and role in EXPECTED[action].get(state, set())
        if allowed:
            assert Article.objects.get(pk=article.pk).status == TARGET[action], state
        else:
            assert state_of(article) == before[state], (state, role)


def test_return_needs_a_reason(client, newsroom):
    """Returning to the reporter without a reason is refused with a message; nothing changes."""
    article = article_in("submitted", newsroom["owner"])
    before = state_of(article)
    client.force_login(newsroom["editor"])
    data = article_form(
        article.category, base_version=article.version, _transition="return", workflow_reason=""
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Cần ghi rõ lý do" in response.content.decode()
    assert state_of(article) == before


def test_returned_article_shows_reason_to_reporter(client, newsroom):
    """The reporter sees the editor's reason in the article's history."""
    article = article_in("submitted", newsroom["owner"])
    client.force_login(newsroom["editor"])
    client.post(
        change_url(article),
        article_form(article.category, base_version=article.version, _transition="return",
                     workflow_reason="Thiếu ý kiến của doanh nghiệp"),
    )  # fmt: skip
    client.force_login(newsroom["owner"])
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    events = table_with_heading(history.content.decode(), "Thao tác").records()
    returned = [event for event in events if event["Thao tác"] == "Trả lại phóng viên"]
    assert len(returned) == 1
    assert returned[0]["Lý do / ghi chú"] == "Thiếu ý kiến của doanh nghiệp"
    assert (returned[0]["Từ"], returned[0]["Sang"]) == ("Chờ biên tập", "Bị trả lại")


def test_reporter_forged_status_and_time_change_nothing(client, newsroom):
    """A reporter posting status=published and publish times in a crafted form changes nothing."""
    article = article_in("draft", newsroom["owner"])
    before = state_of(article)
    client.force_login(newsroom["owner"])
    data = article_form(
        article.category,
        title=article.title,
        base_version=article.version,
        status="published",
        published_at_0="01/01/2020",
        published_at_1="08:00:00",
        _transition="publish",
        publish_at_0="01/01/2020",
        publish_at_1="08:00:00",
    )
    client.post(change_url(article), data)
    article.refresh_from_db()
    assert article.status == Status.DRAFT
    assert article.published_at is None
    assert state_of(article) == before
    assert not Article.objects.published().exists()


def test_reporter_cannot_touch_another_reporters_article(client, newsroom):
    """Another reporter's draft: no view, no edit, no submit — by URL or by forged POST."""
    article = article_in("draft", newsroom["owner"])
    before = state_of(article)
    client.force_login(newsroom["other_reporter"])
    assert client.get(change_url(article)).status_code in (302, 403, 404)
    response = client.post(
        change_url(article),
        article_form(article.category, title="Sửa trộm", base_version=article.version,
                     _transition="submit"),
    )  # fmt: skip
    assert response.status_code in (302, 403)
    assert state_of(article) == before
    assert Article.objects.get(pk=article.pk).title != "Sửa trộm"
    listing = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert article.title not in listing


def test_reporter_cannot_edit_after_submitting(client, newsroom):
    """Once submitted, the reporter's form is read-only: a POST changes nothing."""
    article = article_in("submitted", newsroom["owner"])
    client.force_login(newsroom["owner"])
    response = client.post(
        change_url(article),
        article_form(article.category, title="Sửa sau khi gửi", base_version=article.version),
    )
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).title == article.title


def test_scheduled_publish_through_the_form(client, newsroom):
    """The managing editor approves with a future time: hidden until that minute, then live."""
    with time_machine.travel(FIXED_NOW, tick=False):
        article = article_in("edited", newsroom["owner"])
        client.force_login(newsroom["managing"])
        data = article_form(
            article.category,
            title=article.title,
            base_version=article.version,
            _transition="publish",
            publish_at_0="27/09/2020",
            publish_at_1="06:00:00",
        )
        response = client.post(change_url(article), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        article.refresh_from_db()
    due = article.published_at
    assert timezone.localtime(due).strftime("%d/%m/%Y %H:%M") == "27/09/2020 06:00"
    public = Client()
    with time_machine.travel(due - timedelta(seconds=1), tick=False):
        assert public.get(article.get_absolute_url()).status_code == 404
        assert article.status_label == "Hẹn giờ"
    with time_machine.travel(due + timedelta(seconds=1), tick=False):
        assert public.get(article.get_absolute_url()).status_code == 200


def test_taken_down_article_is_hidden_but_kept(client, newsroom):
    """Gỡ bài: the public page 404s, the content stays for the record."""
    article = article_in("published", newsroom["owner"], body="<p>Nội dung giữ lại</p>")
    assert Client().get(article.get_absolute_url()).status_code == 200
    services.transition_article(
        article, "take_down", by=newsroom["chief"], reason="Sai phạm thông tin"
    )
    assert Client().get(article.get_absolute_url()).status_code == 404
    article.refresh_from_db()
    assert article.status == Status.TAKEN_DOWN
    assert article.body == "<p>Nội dung giữ lại</p>"


@pytest.mark.parametrize("state", ["draft", "submitted", "edited", "returned", "taken_down",
                                   "scheduled"])  # fmt: skip
def test_no_state_but_published_and_due_on_any_public_page(client, newsroom, state):
    """Home, category, article and author pages never show an article in another state."""
    from tests.factories import make_author

    author = make_author("Minh Thư")
    category = make_category(name="Năng lượng")
    hidden = article_in(state, newsroom["owner"], category, authors=[author])
    visible = make_article(title="Bài công khai", category=category, authors=[author])
    for path in ["/", category.get_absolute_url(), author.get_absolute_url(),
                 visible.get_absolute_url(), "/cai-chinh/"]:  # fmt: skip
        html = client.get(path).content.decode()
        assert hidden.title not in html, (state, path)
    assert client.get(hidden.get_absolute_url()).status_code == 404


def edit_client(user):
    client = Client()
    client.force_login(user)
    return client


def test_stale_form_conflict_keeps_both_texts(newsroom):
    """Two editors on one article: the second, stale save does not overwrite the first.

    The second sees a Vietnamese conflict page with their own text kept and the
    difference; saving again after merging succeeds.
    """
    article = article_in("submitted", newsroom["owner"], body="<p>Bản gốc.</p>")
    first, second = edit_client(newsroom["editor"]), edit_client(newsroom["managing"])
    opened_version = article.version
    first_data = article_form(
        article.category,
        title="Tiêu đề của biên tập viên",
        body="<p>Bản của biên tập viên.</p>",
        base_version=opened_version,
    )
    assert first.post(change_url(article), first_data).status_code == 302
    second_data = article_form(
        article.category,
        title="Tiêu đề của thư ký",
        body="<p>Bản của thư ký.</p>",
        base_version=opened_version,
    )
    response = second.post(change_url(article), second_data)  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert "Xung đột khi lưu" in html
    assert "Tiêu đề của thư ký" in html  # their own text is still in the form
    assert "<del>" in html and "<ins>" in html
    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Tiêu đề của biên tập viên"
    assert stored.body == "<p>Bản của biên tập viên.</p>"
    # The re-rendered form now carries the newer version: saving again wins.
    assert f'name="base_version" value="{stored.version}"' in html
    merged = {**second_data, "base_version": stored.version, "body": "<p>Bản đã hợp nhất.</p>"}
    assert second.post(change_url(article), merged).status_code == 302
    assert Article.objects.get(pk=article.pk).body == "<p>Bản đã hợp nhất.</p>"


def test_form_without_version_is_treated_as_stale(client, newsroom):
    """A crafted POST without base_version cannot overwrite silently."""
    article = article_in("draft", newsroom["owner"])
    client.force_login(newsroom["owner"])
    data = article_form(article.category, title="Không có phiên bản")
    data.pop("base_version", None)
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).title == article.title


def test_admin_queues_on_home(client, newsroom):
    """The admin home shows each queue with its count."""
    for state in ["submitted", "submitted", "edited", "returned", "scheduled"]:
        article_in(state, newsroom["owner"])
    client.force_login(newsroom["managing"])
    html = client.get(reverse("admin:index")).content.decode()
    (queues,) = [table for table in tables(html) if table.caption == "Việc của tôi"]
    counts = {row[0].text: row[1].text for row in queues.rows}
    assert counts == {"Bài của tôi": "0", "Chờ biên tập": "2", "Chờ duyệt": "1",
                      "Hẹn giờ": "1", "Bị trả lại": "1", "Đã xuất bản hôm nay": "0"}  # fmt: skip


def test_dates_are_typed_day_first(client, newsroom):
    """'01/02/2099 08:00' in the schedule field means 1 February (Vietnamese order), not 2 Jan."""
    article = article_in("edited", newsroom["owner"])
    client.force_login(newsroom["managing"])
    data = article_form(
        article.category,
        title=article.title,
        base_version=article.version,
        _transition="publish",
        publish_at_0="01/02/2099",
        publish_at_1="08:00",
    )
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    local = timezone.localtime(article.published_at)
    assert (local.day, local.month, local.hour) == (1, 2, 8)
