"""The article form's local copy (static/articles/article-form.js) in Chromium: a save
that fails because the database is down keeps the text in the browser, and the copy is
removed only once the server shows the same text back.

The outage is the server's real 503 maintenance page (newsroom/outage.py), produced by
making the view raise the OperationalError a lost connection raises.
"""

import json

import pytest
from django.db import OperationalError
from playwright.sync_api import expect

from articles.models import Article
from tests.browser import BROWSER_TEST_MARKS, log_in, wait_for_editor
from tests.test_browser_article_form import change_url, draft_of, set_body

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def database_down_on_save(monkeypatch):
    """While `down[0]` is true, saving an article fails as with the database stopped."""
    from articles.admin.article import ArticleAdmin

    down = [False]
    original = ArticleAdmin.changeform_view

    def changeform_view(self, request, *args, **kwargs):
        if down[0] and request.method == "POST":
            raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(ArticleAdmin, "changeform_view", changeform_view)
    return down


def local_copy(page, article):
    stored = page.evaluate("key => localStorage.getItem(key)", f"newsroom-autosave-{article.pk}")
    return json.loads(stored) if stored else None


def test_a_save_refused_by_an_outage_keeps_the_text_until_the_server_has_it(
    page, live_server, reporter, database_down_on_save
):
    draft = draft_of(reporter)
    log_in(page, live_server, "phongvien")
    page.goto(change_url(live_server, draft))
    wait_for_editor(page)
    assert local_copy(page, draft) is None

    # Written a moment ago (no autosave yet), saved while the database is down.
    page.fill("#id_title", "Tiêu đề viết lúc mất cơ sở dữ liệu")
    set_body(page, "<p>Đoạn viết lúc hệ thống bảo trì.</p>")
    database_down_on_save[0] = True
    page.click("button.desk-btn--save")
    expect(page.locator("h1")).to_have_text("Hệ thống đang tạm ngừng để bảo trì")
    expect(page.locator("body")).to_contain_text("Nội dung chưa lưu vẫn được giữ trong trình duyệt")
    assert Article.objects.get(pk=draft.pk).title == "Tiêu đề đã lưu"
    kept = local_copy(page, draft)
    assert kept["title"] == "Tiêu đề viết lúc mất cơ sở dữ liệu"
    assert "Đoạn viết lúc hệ thống bảo trì." in kept["body"]

    # The database is back: the form (the saved text) offers the copy back.
    database_down_on_save[0] = False
    page.goto(change_url(live_server, draft))
    wait_for_editor(page)
    offer = page.locator("#newsroom-local-copy")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Trên máy này còn một bản chưa được lưu lên máy chủ")
    assert page.input_value("#id_title") == "Tiêu đề đã lưu"
    page.click("#newsroom-restore-local")
    assert page.input_value("#id_title") == "Tiêu đề viết lúc mất cơ sở dữ liệu"
    page.wait_for_function(
        "() => CKEDITOR.instances.id_body.getData().includes('Đoạn viết lúc hệ thống bảo trì.')"
    )
    expect(offer).to_be_hidden()
    assert local_copy(page, draft) is not None  # restored is not saved yet

    page.click("button.desk-btn--save")
    page.wait_for_selector(".messagelist .success")
    wait_for_editor(page)
    saved = Article.objects.get(pk=draft.pk)
    assert saved.title == "Tiêu đề viết lúc mất cơ sở dữ liệu"
    assert "Đoạn viết lúc hệ thống bảo trì." in saved.body
    # The reloaded form shows the saved text: now, and only now, the copy goes.
    page.wait_for_function(
        "key => localStorage.getItem(key) === null", arg=f"newsroom-autosave-{draft.pk}"
    )
    expect(page.locator("#newsroom-local-copy")).to_have_count(0)
    assert page.log.errors == [] or all("503" in error for error in page.log.errors)


def test_a_form_sent_back_with_errors_keeps_the_copy_without_offering_it(
    page, live_server, reporter
):
    draft = draft_of(reporter)
    log_in(page, live_server, "phongvien")
    page.goto(change_url(live_server, draft))
    wait_for_editor(page)
    page.fill("#id_title", "")  # required: the form comes back with the error
    set_body(page, "<p>Đoạn mới chưa lưu được.</p>")
    page.click("button.desk-btn--save")
    page.wait_for_selector(".desk-errors")
    wait_for_editor(page)
    page.wait_for_timeout(300)
    assert "Đoạn mới chưa lưu được." in local_copy(page, draft)["body"]
    expect(page.locator("#newsroom-local-copy")).to_have_count(0)
