"""Photos where the writer is: the image dialog's server side.

- The dialog reads a library photo's caption, credit and alt text by its address
  (`editor_photo_lookup`) and saves them on the photo (`editor_photo`): CSRF-checked,
  caption and credit required with Vietnamese messages, only for who may edit the photo
  (a reporter their own uploads; a photo readers see only with the right to publish).
- An upload may carry them along.
- The library browser shows small renditions and hands the photo's values to the dialog.
- The library's "đang dùng" count includes photos shown in article bodies (a stored
  many-to-many kept on every save), at a fixed number of queries per page, with small
  renditions as list thumbnails.
"""

import importlib
import json
import unicodedata

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Article, Photo
from articles.renditions import generate_renditions
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    image_bytes,
    make_article,
    make_category,
    make_photo,
    make_user,
)
from tests.pages import element, table

pytestmark = pytest.mark.django_db

LOOKUP = reverse("articles:editor_photo_lookup")
UPLOAD = reverse("articles:editor_upload")
BROWSE = reverse("articles:editor_browse")
PHOTOS = reverse("admin:articles_photo_changelist")


def save_url(photo):
    return reverse("articles:editor_photo", args=[photo.pk])


@pytest.fixture
def people():
    return {
        "reporter": make_user("phongvien", REPORTER),
        "colleague": make_user("phongvien2", REPORTER),
        "editor": make_user("bientapvien", EDITOR),
        "managing": make_user("thukytoasoan", MANAGING_EDITOR),
        "chief": make_user("tongbientap", EDITOR_IN_CHIEF),
    }


@pytest.fixture
def category():
    return make_category("Thời sự")


def upload_of(user, caption="", credit="", size=(64, 48)):
    """A photo as the editor's upload leaves it: the user's own, with renditions."""
    photo = make_photo(caption=caption, credit=credit, size=size, uploaded_by=user)
    generate_renditions(photo)
    return photo


def figure(src, caption="Chú thích", credit="Ảnh: Minh Thư"):
    return (
        f'<figure class="image"><img alt="" src="{src}" width="64" height="48">'
        f'<figcaption>{caption} <span class="photo-credit">{credit}</span></figcaption></figure>'
    )


def details(**values):
    return {"caption": "", "credit": "", "alt_text": "", **values}


def unchanged(photo):
    fresh = Photo.objects.get(pk=photo.pk)
    return (fresh.caption, fresh.credit, fresh.alt_text) == (
        photo.caption,
        photo.credit,
        photo.alt_text,
    )


# -- reading a photo's values by its address --


def test_lookup_by_the_photo_or_a_rendition_address(client, people):
    """The dialog finds the library photo behind an image, original or rendition."""
    photo = upload_of(people["reporter"], "Hội nghị", "Ảnh: Minh Thư")
    photo.alt_text = "Đại biểu dự hội nghị"
    photo.save()
    client.force_login(people["reporter"])
    rendition = photo.renditions.filter(format="jpg").first()
    for src in (photo.image.url, rendition.file.url):
        response = client.get(LOOKUP, {"src": src})
        assert response.status_code == 200, src
        assert response.json()["photo"] == {
            "id": photo.pk,
            "url": photo.image.url,
            "caption": "Hội nghị",
            "credit": "Ảnh: Minh Thư",
            "alt": "Đại biểu dự hội nghị",
            "canEdit": True,
        }


def test_lookup_refuses_what_is_not_in_the_library_or_not_visible(client, people, category):
    """An address outside the library, or a colleague's photo for an unpublished story,
    is a 404 with a Vietnamese message; without a session, a 403."""
    secret = upload_of(people["colleague"], "Ảnh chưa công bố", "Ảnh: A")
    make_article(status=Article.Status.DRAFT, created_by=people["colleague"], lead_photo=secret,
                 category=category)  # fmt: skip
    client.force_login(people["reporter"])
    for src in ("https://example.com/a.jpg", "/media/photos/ab/khong-co.jpg", secret.image.url, ""):
        response = client.get(LOOKUP, {"src": src})
        assert response.status_code == 404, src
        assert "thư viện ảnh" in response.json()["error"]
    assert Client().get(LOOKUP, {"src": secret.image.url}).status_code == 403


def test_lookup_tells_whether_the_user_may_change_the_photo(client, people, category):
    """A photo on a published article: visible to a reporter, not editable by them."""
    public = upload_of(people["colleague"], "Ảnh đã đăng", "Ảnh: B")
    make_article(lead_photo=public, category=category)
    client.force_login(people["reporter"])
    assert client.get(LOOKUP, {"src": public.image.url}).json()["photo"]["canEdit"] is False
    client.force_login(people["managing"])
    assert client.get(LOOKUP, {"src": public.image.url}).json()["photo"]["canEdit"] is True


# -- saving caption, credit, alt text --


def test_uploader_saves_caption_credit_and_alt_text(client, people):
    """Stored cleaned (NFC, single spaces) and searchable at once."""
    photo = upload_of(people["reporter"])
    client.force_login(people["reporter"])
    nfd_caption = unicodedata.normalize("NFD", "Hội nghị   tổng kết")
    response = client.post(
        save_url(photo),
        details(caption=nfd_caption, credit=" Ảnh: Minh Thư ", alt_text="Đại biểu"),
    )
    assert response.status_code == 200, response.content
    photo.refresh_from_db()
    assert (photo.caption, photo.credit, photo.alt_text) == (
        "Hội nghị tổng kết",
        "Ảnh: Minh Thư",
        "Đại biểu",
    )
    assert response.json()["photo"]["caption"] == "Hội nghị tổng kết"
    assert "hoi nghi tong ket" in photo.search_text


@pytest.mark.parametrize(
    ("values", "errors"),
    [
        (
            {},
            {"caption": ["Cần nhập chú thích ảnh."], "credit": ["Cần ghi tác giả ảnh / nguồn."]},
        ),
        ({"caption": " \u200b ", "credit": "Ảnh: A"}, {"caption": ["Cần nhập chú thích ảnh."]}),
        ({"caption": "Chú thích", "credit": "\t"}, {"credit": ["Cần ghi tác giả ảnh / nguồn."]}),
        (
            {"caption": "Chú thích", "credit": "A" * 201},
            {"credit": ["Tác giả ảnh / nguồn dài tối đa 200 ký tự."]},
        ),
        (
            {"caption": "Chú thích", "credit": "A", "alt_text": "x" * 301},
            {"alt_text": ["Văn bản thay thế dài tối đa 300 ký tự."]},
        ),
        (
            {"caption": "x" * 2001, "credit": "A"},
            {"caption": ["Chú thích dài tối đa 2000 ký tự."]},
        ),
    ],
)
def test_missing_or_oversized_values_are_refused_in_vietnamese(client, people, values, errors):
    """Nothing is saved; each field says what is wrong."""
    photo = upload_of(people["reporter"], "Cũ", "Ảnh: Cũ")
    client.force_login(people["reporter"])
    response = client.post(save_url(photo), details(**values))
    assert response.status_code == 400
    assert response.json() == {"errors": errors}
    assert unchanged(photo)


def test_who_may_change_a_photo(client, people, category):
    """A reporter: their own uploads only (not a colleague's, not one readers see); an
    editor: any photo readers do not see yet; the managing editor: any photo."""
    own = upload_of(people["reporter"], "Của tôi", "A")
    colleague = upload_of(people["colleague"], "Của đồng nghiệp", "B")
    make_article(status=Article.Status.DRAFT, created_by=people["reporter"], photos=[colleague],
                 category=category)  # fmt: skip
    live_own = upload_of(people["reporter"], "Đang đăng", "C")
    make_article(lead_photo=live_own, category=category)
    values = details(caption="Chú thích mới", credit="Ảnh: Mới")

    def status(user, photo):
        client.force_login(people[user])
        return client.post(save_url(photo), values).status_code

    assert status("reporter", colleague) == 403 and unchanged(colleague)
    assert status("reporter", live_own) == 403 and unchanged(live_own)
    assert status("editor", live_own) == 403 and unchanged(live_own)
    assert status("reporter", own) == 200
    assert status("editor", colleague) == 200
    assert status("managing", live_own) == 200
    assert Photo.objects.get(pk=live_own.pk).caption == "Chú thích mới"
    client.force_login(people["reporter"])
    refusal = client.post(save_url(colleague), values).json()["error"]
    assert refusal.startswith("Bạn không được sửa thông tin của ảnh này")


def test_a_photo_the_user_may_not_see_is_a_404(client, people, category):
    secret = upload_of(people["colleague"], "Bí mật", "B")
    make_article(status=Article.Status.DRAFT, created_by=people["colleague"], lead_photo=secret,
                 category=category)  # fmt: skip
    client.force_login(people["reporter"])
    assert client.post(save_url(secret), details(caption="X", credit="Y")).status_code == 404
    assert unchanged(secret)


def test_saving_needs_csrf_post_and_a_session(people):
    photo = upload_of(people["reporter"], "Cũ", "Ảnh: Cũ")
    values = details(caption="Mới", credit="Ảnh: Mới")
    assert Client().post(save_url(photo), values).status_code == 403
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(people["reporter"])
    assert browser.post(save_url(photo), values).status_code == 403
    assert browser.get(save_url(photo)).status_code == 405
    assert unchanged(photo)
    browser.get(reverse("admin:index"))  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    assert browser.post(save_url(photo), values, HTTP_X_CSRFTOKEN=token).status_code == 200


# -- upload with the dialog's values --


def test_upload_from_the_dialog_stores_its_values(client, people):
    client.force_login(people["reporter"])
    response = client.post(
        UPLOAD,
        {
            "upload": SimpleUploadedFile("a.jpg", image_bytes((80, 60))),
            "caption": "Toàn cảnh hội nghị",
            "credit": "Ảnh: Minh Thư",
            "alt_text": "Hội trường kín người",
        },
    )
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert (photo.caption, photo.credit, photo.alt_text) == (
        "Toàn cảnh hội nghị",
        "Ảnh: Minh Thư",
        "Hội trường kín người",
    )
    assert response.json()["photo"] == {
        "id": photo.pk,
        "url": photo.image.url,
        "caption": "Toàn cảnh hội nghị",
        "credit": "Ảnh: Minh Thư",
        "alt": "Hội trường kín người",
        "canEdit": True,
    }


def test_upload_with_an_oversized_credit_stores_nothing(client, people):
    client.force_login(people["reporter"])
    response = client.post(
        UPLOAD, {"upload": SimpleUploadedFile("a.jpg", image_bytes()), "credit": "A" * 201}
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "Tác giả ảnh / nguồn dài tối đa 200 ký tự."
    assert not Photo.objects.exists()


# -- the library browser --


def test_browser_shows_small_renditions_and_hands_over_the_photo_values(client, people):
    """Thumbnails are a ~320 px rendition, never the original file; each photo carries
    its caption, credit, alt text and whether the user may change it."""
    photo = upload_of(people["reporter"], "Phố cổ Hội An", "Ảnh: Hoàng Anh", size=(1200, 800))
    photo.alt_text = "Đèn lồng trên phố"
    photo.save()
    client.force_login(people["reporter"])
    html = client.get(BROWSE, {"CKEditorFuncNum": "1"}).content.decode()
    small = photo.renditions.get(kind="w320", format="jpg")
    tags, text = element(html, "photos")
    images = [dict(a) for t, a in tags if t == "img"]
    assert [image["src"] for image in images] == [small.file.url]
    assert photo.image.url not in [image["src"] for image in images]
    link = next(dict(a) for t, a in tags if t == "a")
    assert link["data-photo-url"] == photo.image.url
    assert (link["data-caption"], link["data-credit"], link["data-alt"]) == (
        "Phố cổ Hội An",
        "Ảnh: Hoàng Anh",
        "Đèn lồng trên phố",
    )
    assert (link["data-photo-id"], link["data-can-edit"]) == (str(photo.pk), "1")
    assert "Phố cổ Hội An" in text and "Ảnh: Hoàng Anh" in text


def test_browser_search_finds_by_caption_without_accents(client, people):
    upload_of(people["reporter"], "Phố cổ Hội An", "Ảnh: A")
    upload_of(people["reporter"], "Ruộng bậc thang", "Ảnh: B")
    client.force_login(people["reporter"])
    html = client.get(BROWSE, {"CKEditorFuncNum": "1", "q": "pho co"}).content.decode()
    assert "Phố cổ Hội An" in html and "Ruộng bậc thang" not in html


def test_browser_query_count_does_not_grow_with_renditions_or_rights(client, people, category):
    """Thumbnails and edit rights come in fixed queries (not one per photo)."""
    client.force_login(people["editor"])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(BROWSE, {"CKEditorFuncNum": "1"}).status_code == 200
        return len(queries)

    make_article(title="Bài 0", lead_photo=upload_of(people["editor"], "Ảnh 0", "A"),
                 category=category)  # fmt: skip
    client.get(BROWSE, {"CKEditorFuncNum": "1"})
    few = count()
    for index in range(1, 12):
        photo = upload_of(people["editor"], f"Ảnh {index}", "A")
        make_article(title=f"Bài {index}", lead_photo=photo, category=category)
    assert count() == few


# -- where photos are used: the library list --


def test_body_photos_are_kept_with_every_save_of_the_body(people, category):
    """Stored on create, update, restore; an image shown by its rendition counts; a
    foreign image does not."""
    first, second = upload_of(people["chief"], "A", "B"), upload_of(people["chief"], "C", "D")
    rendition = second.renditions.filter(format="webp").first()
    foreign = '<p><img src="/media/photos/x/none.jpg"></p>'
    article = make_article(body=figure(first.image.url) + foreign, category=category)
    assert set(article.body_photos.all()) == {first}
    services.record_edit(article, by=people["chief"], created=True)
    article.body = figure(rendition.file.url)
    article.save()
    assert set(article.body_photos.all()) == {second}
    services.record_edit(article, by=people["chief"], created=False)
    services.restore_revision(article.revisions.get(number=1), by=people["chief"])
    assert set(Article.objects.get(pk=article.pk).body_photos.all()) == {first}
    article.body = "<p>Hết ảnh.</p>"
    article.save()
    assert not article.body_photos.exists()


def test_existing_bodies_are_indexed_by_the_migration(people, category):
    """The migration's fill finds photos already shown in bodies."""
    photo = upload_of(people["chief"], "A", "B")
    article = make_article(body=figure(photo.image.url), category=category)
    article.body_photos.clear()
    migration = importlib.import_module("articles.migrations.0012_article_body_photos")
    migration.fill_body_photos(apps, None)
    assert set(article.body_photos.all()) == {photo}


def _in_use(html):
    _header, rows = table(html)
    return {row["description"]: row["in_use"] for row in rows}


def test_use_count_includes_body_uses(admin_client, people, category):
    """Lead, attached and body uses of articles not in the trash, each article once."""
    both = upload_of(people["chief"], "Ảnh cả hai", "A")
    body_only = upload_of(people["chief"], "Ảnh trong thân bài", "B")
    unused = upload_of(people["chief"], "Ảnh chưa dùng", "C")
    make_article("Bài một", lead_photo=both, body=figure(both.image.url), category=category)
    make_article("Bài hai", photos=[both], category=category)
    make_article("Bài ba", body=figure(body_only.image.url), category=category)
    trashed = make_article("Bài bốn", status=Article.Status.DRAFT,
                           body=figure(body_only.image.url), category=category)  # fmt: skip
    services.trash_article(trashed, by=people["chief"])
    counts = _in_use(admin_client.get(PHOTOS).content.decode())
    assert counts["Ảnh cả hai"] == "2 bài"
    assert counts["Ảnh trong thân bài"] == "1 bài"
    assert counts[str(unused)] == "—"


def test_photo_list_shows_small_renditions_in_fixed_queries(admin_client, people, category):
    """List thumbnails are the small rendition; 3 or 15 photos, each used in bodies and
    attached: the same number of queries."""

    def add(count, start=0):
        for index in range(start, start + count):
            photo = upload_of(people["chief"], f"Ảnh {index}", "A")
            make_article(f"Bài {index}", body=figure(photo.image.url), photos=[photo],
                         category=category)  # fmt: skip

    def page():
        with CaptureQueriesContext(connection) as queries:
            html = admin_client.get(PHOTOS).content.decode()
        return html, len(queries)

    add(3)
    admin_client.get(PHOTOS)
    html, few = page()
    tags, _text = element(html, "result_list")
    sources = [dict(a)["src"] for t, a in tags if t == "img"]
    assert len(sources) == 3 and all("/renditions/" in src for src in sources)
    add(12, start=3)
    html, many = page()
    assert many == few
    assert set(_in_use(html).values()) == {"1 bài"}


def test_photo_page_lists_an_article_showing_a_rendition_in_its_body(admin_client, people,
                                                                     category):  # fmt: skip
    photo = upload_of(people["chief"], "Ảnh", "A")
    rendition = photo.renditions.filter(format="jpg").first()
    make_article("Bài dùng bản nhỏ", body=figure(rendition.file.url), category=category)
    html = admin_client.get(reverse("admin:articles_photo_change", args=[photo.pk])).content
    html = html.decode()
    assert "Bài dùng bản nhỏ" in html and "trong nội dung" in html


def test_dialog_plugin_is_configured_on_the_editor():
    """The widget loads our plugin and tells it where to look photos up and save them."""
    from articles.editor import NewsroomEditorWidget

    widget = NewsroomEditorWidget()
    context = widget.get_context("body", "", {"id": "id_body"})
    assert "newsroomphoto" in widget.config["extraPlugins"].split(",")
    assert str(widget.config["newsroomPhotoLookupUrl"]) == LOOKUP
    assert str(widget.config["newsroomPhotoUrl"]) == reverse("articles:editor_photo", args=[0])
    resources = json.loads(context["widget"]["external_plugin_resources"])
    assert ["newsroomphoto", "/static/articles/ckeditor-photo/", "plugin.js"] in resources
