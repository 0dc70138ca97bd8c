"""Working in the newsroom admin: presence notices, server autosave, work queues, the trash.

- Presence: whoever has an article open is announced to the others ("Đang được sửa
  bởi …"), on the form and in the change list, and the notice expires by itself.
- Autosave: unsaved text kept on the server survives an expired session.
- Queues: the admin home counts each user's work; each count links to exactly those
  articles.
- Trash: deleting is a soft delete; published articles cannot be deleted, and a hard
  delete waits 12 months after first publication.
"""

import json
import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from articles.models import (
    TRANSITIONS,
    Article,
    ArticleEvent,
    ArticleRevision,
    ArticleTombstone,
    Autosave,
    EditPresence,
)
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    VN,
    article_form_data,
    database_state,
    make_article,
    make_author,
    make_user,
)
from tests.html_tables import result_row

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)
CHANGELIST_URL = reverse("admin:articles_article_changelist")
ADD_URL = reverse("admin:articles_article_add")
AUTOSAVE_URL = reverse("admin:articles_article_autosave")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def delete_url(article):
    return reverse("admin:articles_article_delete", args=[article.pk])


def client_for(user):
    """A browser of its own (its own session) logged in as `user`."""
    client = Client()
    client.force_login(user)
    return client


def changelist_ids(client, **params):
    response = client.get(CHANGELIST_URL, params)
    assert response.status_code == 200
    return {article.pk for article in response.context["cl"].result_list}


def autosave_data(response):
    """The text the change form offers to recover (its json_script), or None."""
    match = re.search(
        r'<script id="newsroom-autosave-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return json.loads(match.group(1)) if match else None


# -- presence --


@pytest.fixture
def editors():
    """Two managing editors with display names, and a submitted article they may both edit."""
    ha = make_user("thuha", MANAGING_EDITOR, first_name="Thu", last_name="Hà")
    nam = make_user("namnguyen", MANAGING_EDITOR, first_name="Văn", last_name="Nam")
    article = make_article(title="Bài đang sửa", status=Article.Status.SUBMITTED)
    return ha, nam, article


def test_opening_the_form_announces_the_editor_to_others(editors):
    """B opening the form A has open sees "Đang được sửa bởi <A> từ <time>"; A does not."""
    ha, nam, article = editors
    with time_machine.travel(T0, tick=False):
        first = client_for(ha).get(change_url(article))
    assert "Đang được sửa bởi" not in first.content.decode()
    with time_machine.travel(T0 + timedelta(seconds=30), tick=False):
        html = client_for(nam).get(change_url(article)).content.decode()
    assert "Đang được sửa bởi Thu Hà từ 09:15 05/03/2024" in html


def test_change_list_shows_who_is_editing(editors):
    """The change list's "đang sửa" column names the person who has the article open."""
    ha, nam, article = editors
    with time_machine.travel(T0, tick=False):
        client_for(ha).get(change_url(article))
        response = client_for(nam).get(CHANGELIST_URL)
    row = result_row(response.content.decode(), "headline", "Bài đang sửa")
    assert row["editing_now"] == "Đang được sửa bởi Thu Hà từ 09:15 05/03/2024"


def test_presence_expires_after_120_seconds_without_heartbeat(editors):
    """Without a heartbeat the notice disappears by itself after 120 s."""
    ha, nam, article = editors
    watcher = make_user("tongbientap", EDITOR_IN_CHIEF)  # reads only, announces nobody
    with time_machine.travel(T0, tick=False):
        client_for(ha).get(change_url(article))
    notice = "Đang được sửa bởi Thu Hà"

    def editing_column():
        html = client_for(watcher).get(CHANGELIST_URL).content.decode()
        return result_row(html, "headline", "Bài đang sửa")["editing_now"]

    with time_machine.travel(T0 + timedelta(seconds=119), tick=False):
        assert editing_column() == f"{notice} từ 09:15 05/03/2024"
        assert notice in client_for(nam).get(change_url(article)).content.decode()
    with time_machine.travel(T0 + timedelta(seconds=121), tick=False):
        # Only Nam, who opened the form at 119 s, is still announced.
        assert editing_column() == "Đang được sửa bởi Văn Nam từ 09:16 05/03/2024"
        assert notice not in client_for(nam).get(change_url(article)).content.decode()


def test_heartbeat_keeps_the_notice_alive_and_returns_the_others(editors):
    """A heartbeat refreshes the notice (same start time) and answers with the others' notices."""
    ha, nam, article = editors
    ha_client, nam_client = client_for(ha), client_for(nam)
    with time_machine.travel(T0, tick=False):
        ha_client.get(change_url(article))
    with time_machine.travel(T0 + timedelta(seconds=100), tick=False):
        nam_client.get(change_url(article))
        response = ha_client.post(presence_url(article))
    assert response.status_code == 200
    assert response.json() == {"others": ["Đang được sửa bởi Văn Nam từ 09:16 05/03/2024"]}
    assert "no-cache" in response["Cache-Control"]
    with time_machine.travel(T0 + timedelta(seconds=200), tick=False):
        html = nam_client.get(change_url(article)).content.decode()
    assert "Đang được sửa bởi Thu Hà từ 09:15 05/03/2024" in html
    presence = EditPresence.objects.get(user=ha)
    assert (presence.since, presence.last_seen) == (T0, T0 + timedelta(seconds=100))


def test_reopening_after_expiry_starts_a_new_session(editors):
    """Coming back after the notice expired shows the new opening time, not the old one."""
    ha, nam, article = editors
    ha_client = client_for(ha)
    with time_machine.travel(T0, tick=False):
        ha_client.get(change_url(article))
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        ha_client.get(change_url(article))
        html = client_for(nam).get(change_url(article)).content.decode()
    assert "Đang được sửa bởi Thu Hà từ 09:25 05/03/2024" in html


def test_leaving_releases_the_notice(editors):
    """leaving=1 (sent when the form is closed) removes the notice at once."""
    ha, nam, article = editors
    ha_client = client_for(ha)
    with time_machine.travel(T0, tick=False):
        ha_client.get(change_url(article))
        response = ha_client.post(presence_url(article), {"leaving": "1"})
        assert response.json() == {"ok": True}
        assert not EditPresence.objects.filter(user=ha).exists()
        html = client_for(nam).get(change_url(article)).content.decode()
    assert "Đang được sửa bởi Thu Hà" not in html


def test_presence_endpoint_refuses_get(editors):
    """GET on the heartbeat is 405 and records nothing."""
    ha, _nam, article = editors
    before = database_state()
    response = client_for(ha).get(presence_url(article))
    assert response.status_code == 405
    assert database_state() == before


def test_presence_needs_edit_permission(editors):
    """A reporter who may not edit the article cannot announce themselves on it (403)."""
    _ha, _nam, article = editors
    reporter = make_user("phongvien", REPORTER)
    before = database_state()
    assert client_for(reporter).post(presence_url(article)).status_code == 403
    assert database_state() == before


def test_viewing_without_edit_right_announces_nobody(editors):
    """Opening an article read-only (the reporter's submitted piece) does not say "editing"."""
    ha, _nam, article = editors
    reporter = make_user("phongvien", REPORTER)
    Article.objects.filter(pk=article.pk).update(created_by=reporter)
    with time_machine.travel(T0, tick=False):
        assert client_for(reporter).get(change_url(article)).status_code == 200
        html = client_for(ha).get(change_url(article)).content.decode()
    assert "Đang được sửa bởi" not in html
    assert not EditPresence.objects.filter(user=reporter).exists()


# -- presence ends with the holder's step or departure --


@pytest.fixture
def reporter_and_editor():
    """A reporter with their own draft open in the form, and an editor."""
    reporter = make_user("phongvien", REPORTER, first_name="Minh", last_name="Thư")
    editor = make_user("bientapvien", EDITOR)
    draft = make_article(
        title="Bài sắp gửi",
        status=Article.Status.DRAFT,
        created_by=reporter,
        authors=[make_author("Minh Thư")],  # forwarding needs a byline
    )
    return reporter, editor, draft


def notices_seen_by(user, article):
    html = client_for(user).get(change_url(article)).content.decode()
    return re.findall(r"Đang được sửa bởi [^<]+", html)


def test_submitting_clears_the_reporters_notice_at_once(reporter_and_editor):
    """ "Lưu và gửi biên tập": the editor who opens the article next sees no notice, not
    "Đang được sửa bởi Minh Thư" for two more minutes."""
    reporter, editor, draft = reporter_and_editor
    reporter_client = client_for(reporter)
    with time_machine.travel(T0, tick=False):
        reporter_client.get(change_url(draft))
        assert EditPresence.objects.filter(user=reporter, article=draft).exists()
    with time_machine.travel(T0 + timedelta(seconds=20), tick=False):
        response = reporter_client.post(
            change_url(draft), article_form_data(draft, _transition="submit")
        )
        assert response.status_code == 302
        assert Article.objects.get(pk=draft.pk).status == Article.Status.SUBMITTED
        assert not EditPresence.objects.filter(user=reporter).exists()
        assert notices_seen_by(editor, draft) == []


def test_every_save_and_move_clears_the_actors_notice_only(reporter_and_editor):
    """The editor forwards the article: their notice goes, a colleague's stays."""
    reporter, editor, draft = reporter_and_editor
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.SUBMITTED)
    draft.refresh_from_db()
    colleague = make_user("namnguyen", MANAGING_EDITOR, first_name="Văn", last_name="Nam")
    editor_client = client_for(editor)
    with time_machine.travel(T0, tick=False):
        client_for(colleague).get(change_url(draft))
        editor_client.get(change_url(draft))
        response = editor_client.post(
            change_url(draft), article_form_data(draft, _transition="forward")
        )
        assert response.status_code == 302
        assert list(EditPresence.objects.values_list("user__username", flat=True)) == ["namnguyen"]


def test_a_refused_step_keeps_the_notice(reporter_and_editor):
    """Saved but not moved (the form is re-shown with the reason): still editing."""
    reporter, _editor, draft = reporter_and_editor
    reporter_client = client_for(reporter)
    reporter_client.get(change_url(draft))
    response = reporter_client.post(
        change_url(draft), article_form_data(draft, _transition="publish")
    )
    assert Article.objects.get(pk=draft.pk).status == Article.Status.DRAFT
    assert response.status_code == 200
    assert EditPresence.objects.filter(user=reporter, article=draft).exists()


def test_bulk_step_clears_the_actors_notice(reporter_and_editor):
    """A move from the change list's actions clears the actor's notice too."""
    reporter, _editor, draft = reporter_and_editor
    reporter_client = client_for(reporter)
    reporter_client.get(change_url(draft))
    reporter_client.post(
        CHANGELIST_URL, {"action": "submit_selected", "_selected_action": [draft.pk]}
    )
    assert Article.objects.get(pk=draft.pk).status == Article.Status.SUBMITTED
    assert not EditPresence.objects.filter(user=reporter).exists()


def test_the_holder_may_release_after_losing_the_right_to_edit(reporter_and_editor):
    """The leave signal of a reporter whose article was submitted meanwhile (another tab,
    a bulk action) is accepted: they may still view the article, so their own notice
    goes. Nothing else changes."""
    reporter, editor, draft = reporter_and_editor
    reporter_client = client_for(reporter)
    with time_machine.travel(T0, tick=False):
        reporter_client.get(change_url(draft))
        draft.move(TRANSITIONS["submit"], by=reporter)  # the state alone: presence stays
        client_for(editor).get(change_url(draft))
    assert not draft.can_edit(reporter) and draft.can_view(reporter)
    with time_machine.travel(T0 + timedelta(seconds=5), tick=False):
        response = reporter_client.post(presence_url(draft), {"leaving": "1"})
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert list(EditPresence.objects.values_list("user__username", flat=True)) == ["bientapvien"]


def test_without_the_right_to_edit_the_heartbeat_is_still_refused(reporter_and_editor):
    """Only the release is open to viewers: a heartbeat would announce them as editing."""
    reporter, _editor, draft = reporter_and_editor
    draft.move(TRANSITIONS["submit"], by=reporter)  # the state alone: presence stays
    before = database_state()
    assert client_for(reporter).post(presence_url(draft)).status_code == 403
    assert database_state() == before


@pytest.mark.parametrize("who", ["other reporter", "anonymous"])
def test_a_user_who_cannot_view_cannot_release_anyone(reporter_and_editor, who):
    """Someone who may not view the article gets 403 (or the login page) and the notice
    stays."""
    reporter, _editor, draft = reporter_and_editor
    client_for(reporter).get(change_url(draft))
    client = Client() if who == "anonymous" else client_for(make_user("phongvien2", REPORTER))
    before = database_state()
    response = client.post(presence_url(draft), {"leaving": "1"})
    assert response.status_code in ((302,) if who == "anonymous" else (403,))
    assert database_state() == before
    assert EditPresence.objects.filter(user=reporter, article=draft).exists()


def test_releasing_an_unknown_article_is_404(reporter_and_editor):
    reporter, _editor, _draft = reporter_and_editor
    url = reverse("admin:articles_article_presence", args=[999999])
    assert client_for(reporter).post(url, {"leaving": "1"}).status_code == 404


# -- autosave --


@pytest.fixture
def reporter_draft():
    reporter = make_user("phongvien", REPORTER)
    with time_machine.travel(T0, tick=False):
        draft = make_article(
            title="Tiêu đề đã lưu", status=Article.Status.DRAFT, created_by=reporter
        )
    return reporter, draft


def autosave(client, key, **content):
    return client.post(AUTOSAVE_URL, {"key": key, "content": json.dumps(content)})


def test_autosave_stores_the_text(reporter_draft):
    """The form's periodic POST keeps the unsaved text on the server."""
    reporter, draft = reporter_draft
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        response = autosave(
            client_for(reporter), draft.pk, title="Tiêu đề đang viết", body="<p>Đoạn chưa lưu</p>"
        )
    assert response.status_code == 200
    assert response.json() == {"saved_at": "09:20 | 05/03/2024"}
    stored = Autosave.objects.get(user=reporter, key=str(draft.pk))
    assert stored.content["title"] == "Tiêu đề đang viết"
    assert stored.content["body"] == "<p>Đoạn chưa lưu</p>"
    draft.refresh_from_db()
    assert draft.title == "Tiêu đề đã lưu"  # the article itself is untouched


def test_autosaved_text_is_offered_after_logging_in_again(reporter_draft):
    """After the session is lost, a new login's change form offers the saved text."""
    reporter, draft = reporter_draft
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        autosave(
            client_for(reporter),
            draft.pk,
            title="Tiêu đề đang viết </script><b>",
            body="<p>Đoạn chưa lưu</p>",
        )
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        response = client_for(reporter).get(change_url(draft))
    html = response.content.decode()
    assert "Có bản lưu tạm" in html and "09:20 | 05/03/2024" in html
    assert "Bài đã được lưu sau bản lưu tạm này." not in html
    data = autosave_data(response)
    assert data["title"] == "Tiêu đề đang viết </script><b>"
    assert data["body"] == "<p>Đoạn chưa lưu</p>"
    assert "</script><b>" not in html  # json_script escapes it


def test_autosave_is_offered_only_to_its_author(reporter_draft):
    """Another user opening the article is not offered someone else's unsaved text."""
    reporter, draft = reporter_draft
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        autosave(client_for(reporter), draft.pk, title="Chữ riêng của phóng viên")
    boss = make_user("tongbientap", EDITOR_IN_CHIEF)
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        response = client_for(boss).get(change_url(draft))
    assert autosave_data(response) is None
    assert "Có bản lưu tạm" not in response.content.decode()


def test_autosave_survives_a_colleagues_save(reporter_draft):
    """If someone else saves the article meanwhile, the unsaved text is still offered."""
    reporter, draft = reporter_draft
    Article.objects.filter(pk=draft.pk).update(status=Article.Status.RETURNED)
    boss = make_user("tongbientap", EDITOR_IN_CHIEF)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        autosave(client_for(reporter), draft.pk, title="Bản đang viết dở")
    with time_machine.travel(T0 + timedelta(minutes=10), tick=False):
        draft.refresh_from_db()
        response = client_for(boss).post(
            change_url(draft), article_form_data(draft, title="Sửa của tổng biên tập")
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    with time_machine.travel(T0 + timedelta(minutes=45), tick=False):
        response = client_for(reporter).get(change_url(draft))
    assert autosave_data(response)["title"] == "Bản đang viết dở"
    assert "Bài đã được lưu sau bản lưu tạm này." in response.content.decode()


def test_normal_save_discards_the_autosave(reporter_draft):
    """Saving the form makes the autosave obsolete: it is deleted and no longer offered."""
    reporter, draft = reporter_draft
    client = client_for(reporter)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        autosave(client, draft.pk, title="Tiêu đề đang viết")
    with time_machine.travel(T0 + timedelta(minutes=6), tick=False):
        draft.refresh_from_db()
        response = client.post(
            change_url(draft), article_form_data(draft, title="Tiêu đề đang viết")
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    assert not Autosave.objects.filter(user=reporter).exists()
    with time_machine.travel(T0 + timedelta(minutes=7), tick=False):
        response = client.get(change_url(draft))
    assert autosave_data(response) is None


def test_autosave_of_a_new_article(reporter_draft):
    """key=new keeps a not-yet-saved article; the add form offers it; creating it discards it."""
    reporter, _draft = reporter_draft
    with time_machine.travel(T0, tick=False):
        response = autosave(client_for(reporter), "new", title="Bài mới chưa lưu")
    assert response.status_code == 200
    client = client_for(reporter)
    assert autosave_data(client.get(ADD_URL))["title"] == "Bài mới chưa lưu"
    category = _draft.category
    assert client.post(ADD_URL, article_form_data(category=category)).status_code == 302
    assert not Autosave.objects.filter(user=reporter, key="new").exists()


def test_saving_another_article_keeps_the_new_article_autosave(reporter_draft):
    """Saving article X must not throw away the unsaved text of a new article being written."""
    reporter, draft = reporter_draft
    client = client_for(reporter)
    with time_machine.travel(T0 + timedelta(minutes=5), tick=False):
        autosave(client, "new", title="Bài mới đang viết")
        draft.refresh_from_db()
        assert client.post(change_url(draft), article_form_data(draft)).status_code == 302
    assert Autosave.objects.get(user=reporter, key="new").content["title"] == "Bài mới đang viết"


def test_cannot_autosave_onto_an_article_one_may_not_edit(reporter_draft):
    """Another reporter's autosave on this article is refused (403) and stores nothing."""
    _reporter, draft = reporter_draft
    other = make_user("nguoi-khac", REPORTER)
    before = database_state()
    response = autosave(client_for(other), draft.pk, title="Chen vào")
    assert response.status_code == 403
    assert database_state() == before


@pytest.mark.parametrize("content", ["{không phải json", "[1, 2]", '"chuỗi"', ""])
def test_malformed_autosave_is_400_in_vietnamese(reporter_draft, content):
    """Broken or non-object JSON is a 400 with a Vietnamese message; nothing is stored."""
    reporter, draft = reporter_draft
    before = database_state()
    response = client_for(reporter).post(AUTOSAVE_URL, {"key": draft.pk, "content": content})
    assert response.status_code == 400
    assert response.json() == {"error": "Dữ liệu không hợp lệ."}
    assert database_state() == before


@pytest.mark.parametrize("key", ["abc", "1; DROP", "999999"])
def test_autosave_for_an_unknown_article_is_404(reporter_draft, key):
    """A key that is not an existing article id (nor "new") is a 404."""
    reporter, _draft = reporter_draft
    before = database_state()
    response = client_for(reporter).post(AUTOSAVE_URL, {"key": key, "content": "{}"})
    assert response.status_code == 404
    assert database_state() == before


def test_anonymous_autosave_redirects_to_login_and_stores_nothing(reporter_draft, client):
    """Without a session the autosave is sent to the login page; nothing is stored."""
    _reporter, draft = reporter_draft
    response = autosave(client, draft.pk, title="Không ai đăng nhập")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    assert not Autosave.objects.exists()


def test_autosave_refuses_get(reporter_draft):
    """GET on the autosave endpoint is 405."""
    reporter, _draft = reporter_draft
    assert client_for(reporter).get(AUTOSAVE_URL).status_code == 405


# -- queues --


QUEUE_LABELS = {
    "cua-toi": "Bài của tôi",
    "cho-bien-tap": "Chờ biên tập",
    "cho-duyet": "Chờ duyệt",
    "hen-gio": "Hẹn giờ",
    "bi-tra-lai": "Bị trả lại",
    "xuat-ban-hom-nay": "Đã xuất bản hôm nay",
}


def queue_counts(html):
    """{key: (label, count)} as the admin home prints them."""
    rows = re.findall(
        r'\?hang_doi=([\w-]+)">([^<]+)</a></th><td class="queue-count">(\d+)</td>', html
    )
    return {key: (label, int(count)) for key, label, count in rows}


@pytest.fixture
def newsroom():
    """A morning in the newsroom (2024-03-05 09:15, Hà Nội time) with work in every queue."""
    with time_machine.travel(T0, tick=False):
        reporter = make_user("phongvien", REPORTER)
        managing = make_user("thukytoasoan", MANAGING_EDITOR)
        other = make_user("phongvien2", REPORTER)

        def article(title, status, owner, **fields):
            return make_article(title=title, status=status, created_by=owner, **fields).pk

        day = timedelta(days=1)
        ids = {
            "draft": article("Nháp", Article.Status.DRAFT, reporter),
            "submitted_mine": article("Đã gửi", Article.Status.SUBMITTED, reporter),
            "submitted_other": article("Đã gửi 2", Article.Status.SUBMITTED, other),
            "submitted_managing": article("Đã gửi 3", Article.Status.SUBMITTED, managing),
            "edited": article("Chờ duyệt", Article.Status.EDITED, other),
            "returned_mine": article("Trả lại", Article.Status.RETURNED, reporter),
            "scheduled": article(
                "Hẹn chiều nay",
                Article.Status.PUBLISHED,
                managing,
                published_at=T0 + timedelta(hours=6),
            ),
            "scheduled_later": article(
                "Hẹn mai", Article.Status.PUBLISHED, other, published_at=T0 + day
            ),
            "today_early": article(
                "Sáng sớm",
                Article.Status.PUBLISHED,
                other,
                published_at=datetime(2024, 3, 5, 0, 5, tzinfo=VN),
            ),
            "today_mine": article(
                "Vừa đăng",
                Article.Status.PUBLISHED,
                reporter,
                published_at=T0 - timedelta(minutes=15),
            ),
            "yesterday": article(
                "Tối qua",
                Article.Status.PUBLISHED,
                other,
                published_at=datetime(2024, 3, 4, 23, 55, tzinfo=VN),
            ),
            "taken_down": article("Đã gỡ", Article.Status.TAKEN_DOWN, other),
            "trashed_submitted": article(
                "Trong thùng rác", Article.Status.SUBMITTED, reporter, deleted_at=T0 - day
            ),
        }
    return {"reporter": reporter, "managing": managing, "ids": ids}


MANAGING_QUEUES = {
    "cua-toi": {"submitted_managing", "scheduled"},
    "cho-bien-tap": {"submitted_mine", "submitted_other", "submitted_managing"},
    "cho-duyet": {"edited"},
    "hen-gio": {"scheduled", "scheduled_later"},
    "bi-tra-lai": {"returned_mine"},
    "xuat-ban-hom-nay": {"today_early", "today_mine"},
}
REPORTER_QUEUES = {
    "cua-toi": {"draft", "submitted_mine", "returned_mine", "today_mine"},
    "cho-bien-tap": {"submitted_mine"},
    "cho-duyet": set(),
    "hen-gio": set(),
    "bi-tra-lai": {"returned_mine"},
    "xuat-ban-hom-nay": {"today_mine"},
}


@pytest.mark.parametrize(
    "who, expected", [("managing", MANAGING_QUEUES), ("reporter", REPORTER_QUEUES)]
)
def test_admin_home_counts_each_queue(newsroom, who, expected):
    """ "Việc của tôi" shows each queue with the number of articles this user can see in it."""
    with time_machine.travel(T0, tick=False):
        html = client_for(newsroom[who]).get(reverse("admin:index")).content.decode()
    assert "Việc của tôi" in html
    counts = queue_counts(html)
    assert counts == {key: (QUEUE_LABELS[key], len(names)) for key, names in expected.items()}


@pytest.mark.parametrize(
    "who, expected", [("managing", MANAGING_QUEUES), ("reporter", REPORTER_QUEUES)]
)
def test_each_queue_link_lists_exactly_its_articles(newsroom, who, expected):
    """Following a queue's link (?hang_doi=…) lists exactly the articles it counted."""
    ids = newsroom["ids"]
    client = client_for(newsroom[who])
    with time_machine.travel(T0, tick=False):
        for key, names in expected.items():
            assert changelist_ids(client, hang_doi=key) == {ids[n] for n in names}, key


def test_published_today_follows_the_clock(newsroom):
    """A scheduled article counts as "published today" once its minute has come."""
    client = client_for(newsroom["managing"])
    ids = newsroom["ids"]
    with time_machine.travel(T0 + timedelta(hours=6, seconds=1), tick=False):
        html = client.get(reverse("admin:index")).content.decode()
        assert queue_counts(html)["xuat-ban-hom-nay"] == ("Đã xuất bản hôm nay", 3)
        assert queue_counts(html)["hen-gio"] == ("Hẹn giờ", 1)
        assert ids["scheduled"] in changelist_ids(client, hang_doi="xuat-ban-hom-nay")


# -- trash --


def test_delete_view_is_a_soft_delete(client):
    """Deleting moves the article to the trash: the row is kept, dated, logged, and hidden."""
    reporter = make_user("phongvien", REPORTER)
    draft = make_article(title="Bài bỏ đi", status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    assert client.get(delete_url(draft)).status_code == 200
    with time_machine.travel(T0, tick=False):
        response = client.post(delete_url(draft), {"post": "yes"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.deleted_at == T0
    event = draft.events.get()
    assert (event.action, event.actor, event.created_at) == ("trash", reporter, T0)
    assert draft.pk not in changelist_ids(client)
    assert draft.pk in changelist_ids(client, thung_rac="1")
    trash_list = client.get(CHANGELIST_URL, {"thung_rac": "1"}).content.decode()
    row = result_row(trash_list, "headline", "Bài bỏ đi")
    assert row["status_column"] == "Nháp · trong thùng rác"


def test_trashed_article_stays_off_public_pages(client):
    """An article in the trash cannot be published, so it never reaches readers."""
    managing = make_user("thukytoasoan", MANAGING_EDITOR)
    article = make_article(title="Bài trong thùng rác", status=Article.Status.EDITED)
    client.force_login(managing)
    assert client.post(delete_url(article), {"post": "yes"}).status_code == 302
    before = database_state()
    client.post(
        f"{CHANGELIST_URL}?thung_rac=1",
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    assert database_state() == before
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Bài trong thùng rác" not in client.get(reverse("articles:home")).content.decode()


@pytest.mark.parametrize("role", [MANAGING_EDITOR, EDITOR_IN_CHIEF])
def test_published_article_cannot_be_deleted(client, role):
    """The delete view of a published (or scheduled) article is 403 and changes nothing."""
    live = make_article(title="Bài đang đăng")
    scheduled = make_article(title="Bài hẹn giờ", published_at=datetime(2099, 1, 1, tzinfo=VN))
    client.force_login(make_user("nguoi-xoa", role))
    before = database_state()
    for article in (live, scheduled):
        assert client.get(delete_url(article)).status_code == 403
        assert client.post(delete_url(article), {"post": "yes"}).status_code == 403
    assert database_state() == before


def test_reporter_cannot_delete_someone_elses_draft(client):
    """Another reporter's delete POST changes nothing."""
    draft = make_article(status=Article.Status.DRAFT, created_by=make_user("chu-bai", REPORTER))
    client.force_login(make_user("nguoi-khac", REPORTER))
    before = database_state()
    assert client.post(delete_url(draft), {"post": "yes"}).status_code == 302  # "không tồn tại"
    assert database_state() == before


@pytest.fixture
def trashed_taken_down():
    """An article first published on 5 March 2024, taken down and moved to the trash."""
    first = T0
    article = make_article(
        title="Bài đã gỡ",
        status=Article.Status.TAKEN_DOWN,
        published_at=first,
        first_published_at=first,
        deleted_at=first + timedelta(days=10),
    )
    return article


def purge(client, article):
    return client.post(
        f"{CHANGELIST_URL}?thung_rac=1",
        {"action": "purge_selected", "_selected_action": [article.pk]},
    )


def test_purge_is_refused_within_12_months_of_first_publication(client, trashed_taken_down):
    """Even the editor-in-chief cannot hard-delete before 12 months; the row stays."""
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    before = database_state()
    with time_machine.travel(T0 + timedelta(days=365) - timedelta(seconds=1), tick=False):
        response = purge(client, trashed_taken_down)
    assert response.status_code == 302
    assert database_state() == before
    warnings = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("12 tháng" in m for m in warnings), warnings


def test_purge_is_allowed_after_12_months_for_the_editor_in_chief(client, trashed_taken_down):
    """After 12 months the editor-in-chief may delete the article for good: its content
    and revisions go, its audit trail stays and a tombstone says what it was."""
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    client.force_login(chief)
    pk = trashed_taken_down.pk
    ArticleEvent.objects.create(article=trashed_taken_down, action="take_down", reason="Sai")
    with time_machine.travel(T0 + timedelta(days=365, seconds=1), tick=False):
        purge(client, trashed_taken_down)
    assert not Article.objects.filter(pk=pk).exists()
    assert not ArticleRevision.objects.filter(article_id=pk).exists()
    events = ArticleEvent.objects.filter(article_id=pk).order_by("-id")
    actions = list(events.values_list("action", "reason"))
    assert actions == [("purge", ""), ("take_down", "Sai")]
    tombstone = ArticleTombstone.objects.get(article_id=pk)
    assert (tombstone.title, tombstone.purged_by, tombstone.first_published_at) == (
        "Bài đã gỡ",
        chief,
        T0,
    )


@pytest.mark.parametrize("role", [REPORTER, EDITOR, MANAGING_EDITOR])
def test_only_the_editor_in_chief_may_purge(client, trashed_taken_down, role):
    """Other roles cannot hard-delete, even after 12 months."""
    Article.objects.filter(pk=trashed_taken_down.pk).update(created_by=make_user("chu-bai", role))
    client.force_login(Article.objects.get(pk=trashed_taken_down.pk).created_by)
    before = database_state()
    with time_machine.travel(T0 + timedelta(days=800), tick=False):
        purge(client, trashed_taken_down)
    assert database_state() == before


def test_purge_needs_the_article_in_the_trash(client):
    """An article outside the trash is never hard-deleted, however old."""
    article = make_article(status=Article.Status.TAKEN_DOWN, published_at=T0, first_published_at=T0)
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    before = database_state()
    with time_machine.travel(T0 + timedelta(days=800), tick=False):
        client.post(CHANGELIST_URL, {"action": "purge_selected", "_selected_action": [article.pk]})
        purge(client, article)
    assert database_state() == before


def test_never_published_draft_can_be_purged_from_the_trash(client):
    """A draft that never went public has nothing to retain: the chief may purge it."""
    draft = make_article(status=Article.Status.DRAFT, deleted_at=T0)
    client.force_login(make_user("tongbientap", EDITOR_IN_CHIEF))
    purge(client, draft)
    assert not Article.objects.filter(pk=draft.pk).exists()


def test_untrash_brings_the_article_back(client):
    """ "Lấy lại từ thùng rác" puts it back in the default list, with an "untrash" event."""
    reporter = make_user("phongvien", REPORTER)
    draft = make_article(status=Article.Status.DRAFT, created_by=reporter, deleted_at=T0)
    client.force_login(reporter)
    client.post(
        f"{CHANGELIST_URL}?thung_rac=1",
        {"action": "untrash_selected", "_selected_action": [draft.pk]},
    )
    draft.refresh_from_db()
    assert draft.deleted_at is None
    assert draft.events.get().action == "untrash"
    assert draft.pk in changelist_ids(client)
