"""The admin speaks only Vietnamese, to every role, on every page it can reach.

Each role (reporter, editor, managing editor, editor-in-chief, superuser) logs in with
the test client and walks the admin: the home page, every queue, the change list,
add and change forms of every registered model (articles in every status), history,
compare, preview, delete confirmations, the photo library, CKEditor's library browser,
password change, logout; plus the pages only a POST shows (a form with errors, an
action without a selection, a stale save, a bulk delete confirmation). Every page's
visible text and shown attributes are searched for English UI phrases
(tests/english.py), and the search itself is tested first.
"""

from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urljoin, urlsplit

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import editing, services
from articles.admin.accounts import permission_label
from articles.models import (
    Article,
    Autosave,
    Correction,
    EditPresence,
    EventThread,
    PreviewLink,
    RelatedArticle,
    SiteSettings,
    Status,
)
from articles.revisions import record_revision
from tests.english import ENGLISH_PHRASES, english_in_html, english_in_text, shown_text
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

SUPERUSER = "superuser"
ROLES = [REPORTER, EDITOR, MANAGING_EDITOR, EDITOR_IN_CHIEF, SUPERUSER]

# -- the detector itself --


@pytest.mark.parametrize(
    "english",
    [
        "<p class='errornote'>Please correct the error below.</p>",
        '<a href="?_facets=True">Show counts</a>',
        '<button class="theme-toggle"><span class="visually-hidden">Toggle theme</span></button>',
        '<input type="checkbox" aria-label="Select this object for an action - Tin">',
        '<input type="submit" value="Save and add another">',
        '<img src="/static/admin/img/search.svg" alt="Search">',
        '<input placeholder="Filter navigation items">',
        "<summary> By chuyên mục </summary>",
        "<td>None</td>",
        "<a title='View on site'>Xem</a>",
        "<span class='cke_combo_text'>Heading 2</span>",
    ],
)
def test_detector_finds_english(english):
    """Each of these shows English to the user: the detector reports it."""
    assert english_in_html(english)


@pytest.mark.parametrize(
    "vietnamese",
    [
        # Vietnamese words that contain or resemble English ones.
        "<p>Gò Vấp, Đống Đa, ăn no, Nó nói: “Hôm nay”. Gỡ bài; Gốc; Đồng ý</p>",
        # Decomposed (NFD) text: "Gò" must not leave a bare "Go".
        "<p>G\u006f\u0300 V\u1ea5p</p>",
        # Addresses, ids, names, classes and scripts are not shown.
        '<a href="/admin/articles/article/1/history/" id="changelist-search" class="addlink">'
        "Lịch sử</a>",
        '<input type="hidden" name="_save" value="Save"><button name="_transition" '
        'value="unpublish">Lưu và gỡ xuất bản</button>',
        "<script>const label = 'Delete'</script><style>.Home{}</style>",
        "<template><p>Delete</p></template>",
        '<p>Địa chỉ email: toasoan@example.vn — Nguồn: TTXVN, ảnh "Go-Home.jpg"</p>',
    ],
)
def test_detector_is_not_fooled_by_vietnamese_or_markup(vietnamese):
    """Vietnamese text, URLs, ids, hidden inputs and scripts are no English UI."""
    assert english_in_html(vietnamese) == []


def test_detector_reports_where_the_english_is():
    hits = english_in_text("Trang chủ › Bài viết › History")
    assert hits == ["'History' in …Trang chủ › Bài viết › History…"]
    assert "Heading" in ENGLISH_PHRASES and "by" in ENGLISH_PHRASES


def test_shown_text_includes_attributes_a_user_sees_or_hears():
    html = (
        '<img alt="Ảnh" title="Chú giải"><input placeholder="Tìm" aria-label="Ô tìm">'
        '<input type="submit" value="Lưu"><input type="text" value="giá trị người dùng">'
    )
    assert shown_text(html).split("\n") == ["Ảnh", "Chú giải", "Tìm", "Ô tìm", "Lưu"]


# -- a newsroom with something in every state --


@pytest.fixture
def newsroom():
    users = {
        REPORTER: make_user("phongvien", REPORTER, first_name="Lan"),
        EDITOR: make_user("bientapvien", EDITOR),
        MANAGING_EDITOR: make_user("thukytoasoan", MANAGING_EDITOR),
        EDITOR_IN_CHIEF: make_user("tongbientap", EDITOR_IN_CHIEF),
        SUPERUSER: make_user("quantri", is_superuser=True),
    }
    reporter = users[REPORTER]
    SiteSettings.objects.create(site_name="Báo Công Thương", hotline="0866.59.4498")
    parent = make_category("Kinh tế")
    category = make_category("Thị trường", parent=parent)
    author = make_author("Minh Thư", user=reporter)
    photo = make_photo()
    photo.uploaded_by = reporter
    photo.save()
    bare_photo = make_photo(caption="", credit="")
    now = timezone.now()
    articles = {}
    for status in Status:
        articles[status] = make_article(
            title=f"Bài {status.label.lower()}",
            category=category,
            status=status,
            published_at=now - timedelta(hours=2) if status == Status.PUBLISHED else None,
            created_by=reporter,
            authors=[author],
            photos=[photo],
            lead_photo=photo,
            body='<p>Đoạn một.</p><figure class="image"><img alt="Ảnh" src="'
            + photo.image.url
            + '"><figcaption>Chú thích <span class="photo-credit">Ảnh: Minh Thư</span>'
            "</figcaption></figure>",
        )
    articles["scheduled"] = make_article(
        title="Bài hẹn giờ",
        category=category,
        status=Status.PUBLISHED,
        published_at=now + timedelta(days=1),
        created_by=reporter,
    )
    articles["trashed"] = make_article(
        title="Bài trong thùng rác", status=Status.DRAFT, created_by=reporter, deleted_at=now
    )
    articles["other"] = make_article(
        title="Bài của người khác", status=Status.DRAFT, created_by=users[EDITOR]
    )
    published = articles[Status.PUBLISHED]
    Correction.objects.create(article=published, text="Sửa tên nhân vật.", created_by=None)
    for user in (reporter, users[MANAGING_EDITOR]):
        record_revision(published, user=user)
        record_revision(articles[Status.DRAFT], user=user)
    PreviewLink.objects.create(article=articles[Status.DRAFT], created_by=reporter)
    Autosave.objects.create(
        user=reporter,
        key=str(articles[Status.DRAFT].pk),
        content={"title": "Tiêu đề chưa lưu", "body": "<p>Chưa lưu</p>"},
        base_version=0,
    )
    EditPresence.objects.create(article=articles[Status.SUBMITTED], user=users[EDITOR])
    # Tags, an event thread and a related pick: their admin pages are walked too.
    thread = EventThread.objects.create(title="Bão số 3", description="Diễn biến cơn bão.")
    Article.objects.filter(pk=published.pk).update(thread=thread)
    services.set_article_tags(published, ["Hà Nội", "Giá xăng"])
    RelatedArticle.objects.create(article=published, related=articles[Status.DRAFT])
    return {
        "users": users,
        "articles": articles,
        "photos": [photo, bare_photo],
        "category": category,
        "author": author,
    }


# -- walking the admin --


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


# Not pages, or not GET-able: JSON, scripts, actions that only accept POST.
SKIPPED = ("/admin/logout/", "/admin/jsi18n/", "/admin/r/", "/admin/autocomplete/",
           "/slug-preview/", "/presence/", "/autosave/", "/restore/", "/preview-links/",
           "/media/", "/static/")  # fmt: skip


def _explicit_urls(newsroom):
    """Pages the walk could miss: every queue, every article's pages, CKEditor's browser."""
    urls = ["/admin/", "/admin/password_change/", "/admin/password_change/done/"]
    changelist = reverse("admin:articles_article_changelist")
    urls += [f"{changelist}?hang_doi={key}" for key, _label, _build in editing.QUEUES]
    urls += [f"{changelist}?thung_rac=1", f"{changelist}?q=khong-co-bai-nao"]
    for article in newsroom["articles"].values():
        for name in ("change", "history", "delete", "preview"):
            urls.append(reverse(f"admin:articles_article_{name}", args=[article.pk]))
    for status in (Status.PUBLISHED, Status.DRAFT):
        pk = newsroom["articles"][status].pk
        urls.append(reverse("admin:articles_article_compare", args=[pk]) + "?a=1&b=2")
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls += [
            reverse("admin:{}_{}_changelist".format(*info)),
            reverse("admin:{}_{}_add".format(*info)),
        ]
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            for name in ("change", "history", "delete"):
                urls.append(reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[first.pk]))
    user = newsroom["users"][REPORTER]
    urls.append(reverse("admin:auth_user_password_change", args=[user.pk]))
    urls.append(reverse("articles:editor_browse") + "?CKEditorFuncNum=1")
    urls.append(reverse("articles:editor_browse") + "?CKEditorFuncNum=1&q=khong-co-anh")
    return urls


def _shape(url):
    """Links differing only in ids inside their query are the same page for this test."""
    parts = urlsplit(url)
    return parts.path, frozenset(key for key, _value in parse_qsl(parts.query))


def walk_admin(client, start_urls, limit=400):
    """GET the start pages, then every admin page linked from them (a link with a query
    string is followed from pages without one, so filter and sort combinations do not
    explode). Returns {url: html} for the pages that answered 200."""
    pages, queue, seen = {}, list(start_urls), set()
    explicit = set(start_urls)
    while queue and len(pages) < limit:
        url = queue.pop(0)
        key = url if url in explicit else _shape(url)
        if key in seen:
            continue
        seen.add(key)
        response = client.get(url)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            target = urljoin(url, href).split("#")[0]
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path
            if not path.startswith("/admin/") or any(part in path for part in SKIPPED):
                continue
            if parts.query and urlsplit(url).query:
                continue
            queue.append(path + (f"?{parts.query}" if parts.query else ""))
    return pages


def _english_on(pages):
    problems = []
    for url, html in pages.items():
        problems += [f"{url}: {hit}" for hit in english_in_html(html)]
    return problems


# Pages each role must at least reach, so a broken login or permission cannot make the
# walk pass by seeing nothing.
MUST_REACH = {
    REPORTER: ["/admin/", "/admin/articles/article/", "/admin/articles/photo/"],
    EDITOR: ["/admin/articles/article/?hang_doi=cho-bien-tap", "/admin/articles/author/"],
    MANAGING_EDITOR: ["/admin/articles/article/?hang_doi=hen-gio", "/admin/articles/category/"],
    EDITOR_IN_CHIEF: ["/admin/articles/sitesettings/", "/admin/auth/user/"],
    SUPERUSER: ["/admin/auth/group/", "/admin/auth/user/add/"],
}


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_a_role_reaches_is_vietnamese(newsroom, role, monkeypatch):
    """No English phrase on any admin page this role can open (GET), including the
    change form of an article in every status and the pages linked from them (with
    three articles a page, so the pagination shows too)."""
    monkeypatch.setattr(admin.site._registry[Article], "list_per_page", 3)
    client = Client()
    client.force_login(newsroom["users"][role])
    pages = walk_admin(client, _explicit_urls(newsroom))
    for url in MUST_REACH[role]:
        assert url in pages, f"{role} could not open {url}"
    assert len(pages) >= 20
    assert _english_on(pages) == []


def _post_pages(client, newsroom, role):
    """Pages that only a POST shows, as this role would see them."""
    pages = {}
    articles = newsroom["articles"]
    add_url = reverse("admin:articles_article_add")
    changelist = reverse("admin:articles_article_changelist")

    # The article form with errors: no title, no category.
    response = client.post(add_url, article_form_data(title="", category=None))
    pages["article add with errors"] = response
    # A stale save: someone saved after this form was opened.
    draft = articles[Status.DRAFT]
    data = article_form_data(draft, base_version=draft.version - 1 if draft.version > 1 else 0)
    change_url = reverse("admin:articles_article_change", args=[draft.pk])
    pages["stale article save"] = client.post(change_url, data)
    # An action with nothing selected, and no action chosen.
    pages["action without selection"] = client.post(
        changelist, {"action": "trash_selected", "index": 0}, follow=True
    )
    pages["no action chosen"] = client.post(
        changelist, {"action": "", "_selected_action": [draft.pk], "index": 0}, follow=True
    )
    # The photo library's bulk delete confirmation.
    photos = newsroom["photos"]
    pages["photo bulk delete confirmation"] = client.post(
        reverse("admin:articles_photo_changelist"),
        {"action": "delete_selected", "_selected_action": [p.pk for p in photos]},
    )
    # Password change with a wrong old password and mismatched new ones.
    pages["password change errors"] = client.post(
        reverse("admin:password_change"),
        {"old_password": "sai", "new_password1": "a", "new_password2": "b"},
    )
    # Category form errors (empty name) for those who may add categories.
    pages["category errors"] = client.post(reverse("admin:articles_category_add"), {"name": ""})
    return {name: response for name, response in pages.items() if response.status_code == 200}


@pytest.mark.parametrize("role", ROLES)
def test_pages_after_a_post_are_vietnamese(newsroom, role):
    """Form errors, refused actions, conflicts and confirmations read Vietnamese."""
    client = Client()
    client.force_login(newsroom["users"][role])
    pages = _post_pages(client, newsroom, role)
    assert "article add with errors" in pages
    # The writing screen's own notice (templates/admin/articles/article/change_form.html).
    assert "Chưa lưu được." in pages["article add with errors"].content.decode()
    problems = []
    for name, response in pages.items():
        problems += [f"{name}: {hit}" for hit in english_in_html(response.content.decode())]
    assert problems == []


def test_login_logout_and_errors_for_visitors_are_vietnamese(newsroom):
    """The login page, a failed login, the logout page and the admin's 404 page."""
    client = Client()
    login_url = reverse("admin:login")
    pages = {
        "login": client.get(login_url),
        "failed login": client.post(login_url, {"username": "phongvien", "password": "sai"}),
    }
    client.force_login(newsroom["users"][REPORTER])
    pages["unknown article"] = client.get("/admin/articles/article/999999/change/")
    pages["unknown photo"] = client.get("/admin/articles/photo/999999/change/", follow=True)
    pages["logged out"] = client.post(reverse("admin:logout"))
    assert pages["unknown article"].status_code == 404
    for name, response in pages.items():
        assert response.status_code in (200, 404), name
        assert english_in_html(response.content.decode()) == [], name
    assert "Đăng nhập" in pages["login"].content.decode()


def test_filter_titles_read_theo(newsroom):
    """Django's vi catalogue writes "Bởi chuyên mục"; ours "Theo chuyên mục"."""
    client = Client()
    client.force_login(newsroom["users"][EDITOR_IN_CHIEF])
    text = shown_text(client.get(reverse("admin:articles_article_changelist")).content.decode())
    assert "Theo chuyên mục" in text
    assert "Theo trạng thái" in text
    assert "Bởi" not in text


def test_read_only_article_shows_no_none_and_no_field_names(newsroom):
    """A reporter viewing a colleague's submitted article (read-only) sees no "None",
    no English field names and none of the form's own inputs."""
    client = Client()
    client.force_login(newsroom["users"][REPORTER])
    article = newsroom["articles"][Status.SUBMITTED]
    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert response.status_code == 200
    text = shown_text(response.content.decode())
    assert "Lưu lại" not in text  # really the read-only view
    for english in ("None", "Base version", "Workflow reason", "Publish at", "Created by"):
        assert english not in text
    assert "Trạng thái" in text and "Lưu lần cuối" in text  # the status panel's labels


def test_permissions_are_listed_in_vietnamese(newsroom):
    """The group form's permission picker shows "Được sửa bài viết", not Django's stored
    English name "Can change bài viết"; custom permissions keep their own name."""
    client = Client()
    client.force_login(newsroom["users"][SUPERUSER])
    group = newsroom["users"][EDITOR].groups.get()
    html = client.get(reverse("admin:auth_group_change", args=[group.pk])).content.decode()
    assert "Tòa soạn | bài viết | Được sửa bài viết" in html
    assert "Can change" not in html and "Can add" not in html
    from django.contrib.auth.models import Permission

    review = Permission.objects.get(codename="review_article")
    assert permission_label(review).endswith(f"| {review.name}")


def test_user_delete_confirmation_lists_no_link_table_rows(newsroom):
    """Deleting a user lists what matters (their autosaves, …), not Django's rows tying
    them to groups ("User-group relationship: User_groups object (1)")."""
    client = Client()
    client.force_login(newsroom["users"][SUPERUSER])
    reporter = newsroom["users"][REPORTER]
    response = client.get(reverse("admin:auth_user_delete", args=[reporter.pk]))
    text = shown_text(response.content.decode())
    assert "phongvien" in text
    assert "User_groups" not in text and "relationship" not in text
    assert "Bản lưu tạm" in text  # the autosave that goes with the account


def test_every_registered_model_has_a_vietnamese_name():
    """App and model names in the admin's menus come from verbose names."""
    for model in list(admin.site._registry) + [get_user_model()]:
        for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
            assert english_in_text(str(name)) == [], model


class _ColumnHeaders(HTMLParser):
    """The column headers of the change list's table (#result_list)."""

    def __init__(self):
        super().__init__()
        self.headers, self._table, self._in = [], False, False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "table" and attributes.get("id") == "result_list":
            self._table = True
        elif tag == "th" and self._table and attributes.get("scope") == "col":
            self._in = True
            self.headers.append("")

    def handle_endtag(self, tag):
        if tag == "th":
            self._in = False
        elif tag == "table":
            self._table = False

    def handle_data(self, data):
        if self._in:
            self.headers[-1] += data.strip()


def test_change_list_columns_have_distinct_names(newsroom):
    """No list shows two columns under the same name (the photo library once had "Ảnh"
    over the thumbnail and over the caption)."""
    client = Client()
    client.force_login(newsroom["users"][SUPERUSER])
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        response = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        parser = _ColumnHeaders()
        parser.feed(response.content.decode())
        headers = [header.lower() for header in parser.headers if header]
        assert headers, model
        assert len(headers) == len(set(headers)), (model, headers)
