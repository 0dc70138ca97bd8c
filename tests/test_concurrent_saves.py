"""Two editors saving the same article at the same moment, on PostgreSQL with real row locks.

The admin's save locks the article's row (`SELECT … FOR UPDATE` in
`ArticleAdmin.get_object`) before the form compares the version it was opened at with the
stored one. So the second of two simultaneous saves waits for the first to commit, then
reads the new version and gets the conflict page: it never overwrites the first.

Each save runs in its own thread with its own database connection, as two requests to
two server workers would; the test database is committed for real (transaction=True).
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from articles.admin.article import ArticleAdmin
from articles.models import Article
from tests.factories import article_form_data, make_article, make_category, make_user

# Transactional: each thread's connection must see the committed article. Superusers,
# because the newsroom groups (a data migration) do not survive such a test's flush.
pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds; generous for a loaded CI machine, never reached when things work


def lock_waiters():
    """The statements of other connections to this database now waiting for a lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database()"
            " AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'"
        )
        return [row[0] for row in cursor.fetchall()]


def wait_until(condition, timeout=WAIT):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    return condition()


def test_second_concurrent_save_waits_for_the_lock_then_gets_the_conflict_page(
    postgres_only, monkeypatch
):
    category = make_category("Thời sự")
    article = make_article(
        title="Tiêu đề gốc",
        category=category,
        status=Article.Status.SUBMITTED,
        body="<p>Bản gốc.</p>",
    )
    opened_version = article.version
    url = reverse("admin:articles_article_change", args=[article.pk])
    first_data = article_form_data(
        article, category=category, title="Tiêu đề của biên tập viên",
        body="<p>Bản của biên tập viên.</p>",
    )  # fmt: skip
    second_data = article_form_data(
        article, category=category, title="Tiêu đề của thư ký", body="<p>Bản của thư ký.</p>"
    )
    clients = {}
    for name in ("first", "second"):
        clients[name] = Client()
        clients[name].force_login(make_user(f"bientap-{name}", is_superuser=True))

    # The first save stops right after writing the article, inside its transaction,
    # holding the row lock, until the test lets it go on.
    first_holds_lock, let_first_go = threading.Event(), threading.Event()
    save_model = ArticleAdmin.save_model

    def save_model_pausing_the_first(self, request, obj, form, change):
        save_model(self, request, obj, form, change)
        if threading.current_thread().name == "first":
            first_holds_lock.set()
            assert let_first_go.wait(WAIT)

    monkeypatch.setattr(ArticleAdmin, "save_model", save_model_pausing_the_first)

    responses = {}

    def save(name, data):
        try:
            responses[name] = clients[name].post(url, data)
        except BaseException as error:  # reported by the assertions below
            responses[name] = error
        finally:
            connections.close_all()

    first = threading.Thread(target=save, args=("first", first_data), name="first")
    second = threading.Thread(target=save, args=("second", second_data), name="second")
    try:
        first.start()
        assert first_holds_lock.wait(WAIT), responses
        second.start()
        # The second save is blocked by the first's lock at its SELECT … FOR UPDATE, that
        # is before it reads the version (PostgreSQL reports what it waits in).
        waiting = wait_until(lock_waiters)
        assert len(waiting) == 1 and "FOR UPDATE" in waiting[0].upper(), waiting
        assert second.is_alive() and "second" not in responses
        assert Article.objects.get(pk=article.pk).title == "Tiêu đề gốc"  # not committed yet
    finally:
        let_first_go.set()
        first.join(WAIT)
        second.join(WAIT)
    assert not first.is_alive() and not second.is_alive()

    assert responses["first"].status_code == 302, responses["first"]
    conflict = responses["second"]
    assert conflict.status_code == 200, conflict
    html = conflict.content.decode()
    assert "Xung đột khi lưu" in html
    assert "Tiêu đề của thư ký" in html  # the second editor's text is kept in the form
    stored = Article.objects.get(pk=article.pk)
    assert stored.title == "Tiêu đề của biên tập viên"
    assert stored.body == "<p>Bản của biên tập viên.</p>"
    assert stored.version == opened_version + 1
    assert stored.updated_by.username == "bientap-first"
    assert list(stored.revisions.values_list("content__title", flat=True)) == [
        "Tiêu đề của biên tập viên"
    ]
    assert f'name="base_version" value="{stored.version}"' in html
