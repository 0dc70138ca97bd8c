"""History, comparison and preview: pages editors judge an article's past and present by.

- History names people (full name, else login name) and puts the restore button on each
  earlier revision's row (a POST with CSRF, only for who may edit the article).
- The comparison shows the body as readers see it, removed and added words marked inside
  their paragraphs, sanitised whatever a revision holds; "Xem mã HTML" shows the
  escaped source diff.
- The admin preview uses the public header, date line and section menu, and says whether
  readers can see the article.
"""

import re
from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article, ArticleRevision
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    REPORTER,
    VN,
    article_form_data,
    make_article,
    make_category,
    make_photo,
    make_user,
)
from tests.pages import element, table

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)
ADD_URL = reverse("admin:articles_article_add")


def history_url(article):
    return reverse("admin:articles_article_history", args=[article.pk])


def compare_url(article):
    return reverse("admin:articles_article_compare", args=[article.pk])


def restore_url(article, number):
    return reverse("admin:articles_article_restore", args=[article.pk, number])


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


@pytest.fixture
def category():
    return make_category("Thời sự")


@pytest.fixture
def people():
    return {
        "reporter": make_user("phongvien", REPORTER, first_name="Minh", last_name="Thư"),
        "editor": make_user("bientap"),  # no full name: the login name stands in
        "managing": make_user("thukytoasoan", MANAGING_EDITOR, first_name="Lan", last_name="Anh"),
    }


def revision(article, number, body, user=None, **content):
    return ArticleRevision.objects.create(
        article=article,
        number=number,
        created_by=user,
        content={"title": article.title, "body": body, **content},
    )


def three_revisions(client, people, category):
    """Written by the reporter (#1), edited twice by the managing editor (#2, #3)."""
    client.force_login(people["reporter"])
    with time_machine.travel(T0, tick=False):
        client.post(ADD_URL, article_form_data(category=category, body="<p>Bản một.</p>"))
    article = Article.objects.get()
    client.force_login(people["managing"])
    for body in ("<p>Bản hai.</p>", "<p>Bản ba.</p>"):
        article.refresh_from_db()
        response = client.post(
            reverse("admin:articles_article_change", args=[article.pk]),
            article_form_data(article, body=body),
        )
        assert response.status_code == 302
    assert list(article.revisions.values_list("number", flat=True)) == [3, 2, 1]
    return article


def test_history_names_people_by_their_full_names(client, people, category):
    article = three_revisions(client, people, category)
    ArticleRevision.objects.filter(article=article, number=2).update(created_by=people["editor"])
    client.force_login(people["managing"])
    html = client.get(history_url(article)).content.decode()
    _header, revisions = table(html, "revisions")
    assert [(row["Phiên bản"], row["Người lưu"]) for row in revisions] == [
        ("#3 (hiện tại)", "Lan Anh"),
        ("#2", "bientap"),
        ("#1", "Minh Thư"),
    ]
    _header, events = table(html, "events")
    assert {row["Người thực hiện"] for row in events} == {"Minh Thư", "Lan Anh"}
    assert "phongvien" not in html.split('id="content-main"')[1]


def test_restore_sits_on_each_earlier_revision_row(client, people, category):
    """Each row but the current one has its own restore button (a POST form with CSRF);
    pressing #1's brings #1 back as revision #4."""
    article = three_revisions(client, people, category)
    client.force_login(people["managing"])
    html = client.get(history_url(article)).content.decode()
    tags, _text = element(html, "revisions")
    buttons = [dict(a)["form"] for t, a in tags if t == "button" and "form" in dict(a)]
    assert buttons == ["restore-2", "restore-1"]
    for number in (2, 1):
        form_tags, _text = element(html, f"restore-{number}")
        form = dict(form_tags[0][1])
        assert (form["method"], form["action"]) == ("post", restore_url(article, number))
        assert any(dict(a).get("name") == "csrfmiddlewaretoken" for _t, a in form_tags)
    _header, rows = table(html, "revisions")
    assert [row["Xem / khôi phục"] for row in rows] == [
        "Xem trước",
        "Xem trước · Khôi phục #2",
        "Xem trước · Khôi phục #1",
    ]
    response = client.post(restore_url(article, 1))
    assert response.status_code == 302
    assert article.revisions.get(number=4).content["body"] == "<p>Bản một.</p>"


def test_no_restore_buttons_for_who_may_not_edit(client, people, category):
    """A reporter whose article was submitted reads its history without restore buttons."""
    article = three_revisions(client, people, category)
    Article.objects.filter(pk=article.pk).update(
        status=Article.Status.SUBMITTED, created_by=people["reporter"]
    )
    client.force_login(people["reporter"])
    html = client.get(history_url(article)).content.decode()
    assert "Khôi phục" not in html and 'id="restore-' not in html
    assert client.post(restore_url(article, 1)).status_code == 403


def test_comparison_shows_the_text_as_readers_see_it(client, people, category):
    """Changed words marked inside their paragraph; the source diff behind a toggle."""
    article = make_article(title="Giá xăng", category=category)
    user = people["managing"]
    revision(article, 1, "<p>Giá xăng <strong>giảm</strong> mạnh.</p><p>Đoạn cũ bị bỏ.</p>", user)
    revision(article, 2, "<p>Giá xăng <strong>tăng</strong> mạnh.</p><h2>Mục mới</h2>", user)
    client.force_login(user)
    html = client.get(compare_url(article), {"a": 1, "b": 2}).content.decode()
    _tags, _text = element(html, "diff-body")
    visual = html[html.index('id="diff-body"') : html.index("<details>")]
    assert "<p>Giá xăng <strong><del>giảm</del> <ins>tăng</ins></strong> mạnh.</p>" in visual
    assert "<h2><ins>Mục mới</ins></h2>" in visual
    assert "<del>Đoạn cũ bị bỏ.</del>" in visual
    assert "&lt;p&gt;" not in visual  # rendered, not source
    assert "<summary>Xem mã HTML</summary>" in html
    _tags, source = element(html, "diff-body-html")
    assert "<p>Giá xăng <strong>" in source  # the source, as text
    assert "&lt;p&gt;Giá xăng &lt;strong&gt;<del>giảm</del><ins>tăng</ins>" in html


HOSTILE = (
    '<p onclick="alert(1)">Đoạn <a href="javascript:alert(2)">liên kết</a></p>'
    "<img src=x onerror=alert(3)>"
    '<img src="{own}" onerror="alert(4)" onload="alert(5)">'
    "<script>alert(6)</script><style>p{{display:none}}</style>"
    '<svg onload="alert(7)"></svg><iframe src="https://example.com"></iframe>'
)


def test_comparison_never_shows_active_content(client, people, category):
    """A revision body holding event handlers, scripts, javascript: links or foreign images
    (stored before sanitising, or forged) renders inert in the visual diff; the source
    toggle shows it escaped."""
    article = make_article(title="Bài", category=category)
    own = make_photo().image.url
    revision(article, 1, "<p>Đoạn</p>", people["managing"])
    revision(article, 2, HOSTILE.format(own=own), people["managing"])
    client.force_login(people["managing"])
    html = client.get(compare_url(article), {"a": 1, "b": 2}).content.decode()
    tags, text = element(html, "diff-body")
    names = {tag for tag, _attrs in tags}
    attributes = [(tag, name, value) for tag, attrs in tags for name, value in attrs]
    assert not {"script", "style", "svg", "iframe"} & names
    assert not [a for a in attributes if a[1].startswith("on")]
    assert not [a for a in attributes if "javascript" in (a[2] or "")]
    assert [value for tag, name, value in attributes if tag == "img" and name == "src"] == [own]
    assert "alert(6)" not in text
    _tags, source = element(html, "diff-body-html")
    assert "<img src=x onerror=alert(3)>" in source  # shown as text in the toggle
    assert "&lt;img src=x onerror=alert(3)&gt;" in html


def test_preview_of_a_published_article_says_so_with_the_public_chrome(client, people, category):
    """The public masthead, date line and section menu; the banner says readers see it."""
    make_category("Kinh tế", menu_position=2)
    article = make_article(title="Bài đang đăng", category=category)
    client.force_login(people["managing"])
    response = client.get(preview_url(article))
    html = response.content.decode()
    assert response.status_code == 200
    _tags, banner = element(html.replace('class="preview-banner"', 'id="banner"'), "banner")
    assert "bài đang hiển thị với độc giả" in banner
    tags, menu = element(html, "menu-list")
    assert menu.split() == ["Trang", "chủ", "Thời", "sự", "Kinh", "tế"]
    assert re.search(r'<time class="today"[^>]*>(Thứ|Chủ nhật) ', html)
    assert 'class="brand"><a href="/">' in html


def test_preview_of_a_draft_says_readers_do_not_see_it(client, people, category):
    article = make_article(title="Bản nháp", status=Article.Status.DRAFT, category=category)
    client.force_login(people["managing"])
    html = client.get(preview_url(article)).content.decode()
    assert "bài chưa hiển thị với độc giả" in html and "Thời sự</a></li>" in html


def test_other_admin_pages_still_skip_the_public_chrome(client, people, category):
    client.force_login(people["managing"])
    response = client.get(reverse("admin:index"))
    assert "menu_categories" not in response.context and "header_now" not in response.context


def test_shared_preview_keeps_its_chrome(client, people, category):
    """Outsiders' links (not under /admin/) get the chrome from the context processor."""
    article = make_article(title="Bài chờ", status=Article.Status.EDITED, category=category)
    client.force_login(people["managing"])
    client.post(reverse("admin:articles_article_preview_link", args=[article.pk]))
    link = article.preview_links.get()
    html = client.get(link.get_absolute_url()).content.decode()
    assert "Thời sự</a></li>" in html and "bài chưa hiển thị với độc giả" in html


def test_an_editor_sees_names_too(client, people, category):
    """An editor opening a submitted article's history sees its authors' names."""
    editor = make_user("bientap2", EDITOR, first_name="Quang", last_name="Huy")
    article = make_article(title="Bài chờ", status=Article.Status.SUBMITTED, category=category)
    revision(article, 1, "<p>A</p>", editor)
    client.force_login(editor)
    _header, rows = table(client.get(history_url(article)).content.decode(), "revisions")
    assert rows[0]["Người lưu"] == "Quang Huy"
