"""The photo library: folded search, who sees and edits what, where a photo is used,
deletion guard, focal point, CKEditor browsing, body credits and the publish check."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from articles.editor import NewsroomEditorWidget
from articles.models import Article, ArticlePhoto, Photo, Rendition
from articles.models.photo import photo_search_text
from articles.photo_library import (
    add_library_credits,
    photos_missing_caption_or_credit,
    visible_photos,
)
from articles.text import fold
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    image_bytes,
    make_article,
    make_category,
    make_user,
)
from tests.html_tables import result_row

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_photo_changelist")
BROWSE = reverse("articles:editor_browse")
ARTICLES = reverse("admin:articles_article_changelist")


def library_photo(caption="Chú thích", credit="Ảnh: Minh Thư", *, alt="", filename="anh.jpg",
                  uploaded_by=None):  # fmt: skip
    """A library photo as the upload paths leave it (search text included)."""
    photo = Photo(caption=caption, credit=credit, alt_text=alt, original_filename=filename,
                  uploaded_by=uploaded_by)  # fmt: skip
    photo.image.save("x.jpg", SimpleUploadedFile("x.jpg", image_bytes()), save=False)
    photo.search_text = photo_search_text(photo)
    photo.save()
    return photo


def change_url(photo):
    return reverse("admin:articles_photo_change", args=[photo.pk])


def delete_url(photo):
    return reverse("admin:articles_photo_delete", args=[photo.pk])


def listed(response, photo):
    return change_url(photo) in response.content.decode()


def figure(photo_or_src, caption="", credit=None):
    src = photo_or_src if isinstance(photo_or_src, str) else photo_or_src.image.url
    credit_html = f' <span class="photo-credit">{credit}</span>' if credit else ""
    return (
        f'<figure class="image"><img alt="" src="{src}" width="64" height="48">'
        f"<figcaption>{caption}{credit_html}</figcaption></figure>"
    )


@pytest.fixture
def staff():
    return {
        "reporter": make_user("phongvien", REPORTER),
        "colleague": make_user("phongvien2", REPORTER),
        "editor": make_user("bientapvien", EDITOR),
        "managing": make_user("thukytoasoan", MANAGING_EDITOR),
        "chief": make_user("tongbientap", EDITOR_IN_CHIEF),
    }


@pytest.fixture
def category():
    return make_category(name="Thời sự")


# -- search --


def test_search_text_folds_caption_credit_alt_and_file_name():
    """The stored search text is every searchable field, accent- and case-folded."""
    photo = Photo(caption="Hội nghị HÒA GIẢI", credit="Nguồn: TTXVN", alt_text="Đại biểu",
                  original_filename="Ảnh-Đà-Nẵng.JPG")  # fmt: skip
    assert photo_search_text(photo) == "hoi nghi hoa giai nguon: ttxvn dai bieu anh-da-nang.jpg"


@pytest.mark.parametrize("query", ["hoa", "HÒA", "hoà", "Hòa", "ho\u0300a", " hoa "])
def test_admin_search_is_accent_and_case_insensitive(admin_client, query):
    """Searching "hoa" finds "Hòa", "hoà" (other tone-mark placement), "HOÀ" and NFD alike,
    on SQLite and PostgreSQL; unrelated photos are not listed."""
    photos = [
        library_photo("Lễ ký kết tại Hòa Bình"),
        library_photo("Đội tuyển hoà nhau 1-1"),
        library_photo("CHỢ HOÀ KHÁNH"),
        library_photo("Nhà văn Ho\u0300a decomposed"),
    ]
    other = library_photo("Phố cổ Hà Nội")
    response = admin_client.get(CHANGELIST, {"q": query})
    assert all(listed(response, photo) for photo in photos)
    assert not listed(response, other)


def test_search_matches_every_word_across_fields(admin_client):
    """Every word must match, in any searchable field: credit, alt text, file name."""
    wanted = library_photo("Bão số 3", credit="Nguồn: TTXVN", filename="bao-so-3.jpg")
    other = library_photo("Bão số 3", credit="Ảnh: Minh Thư")
    response = admin_client.get(CHANGELIST, {"q": "bao ttxvn"})
    assert listed(response, wanted) and not listed(response, other)
    response = admin_client.get(CHANGELIST, {"q": "BAO-SO-3.JPG"})
    assert listed(response, wanted) and not listed(response, other)


def test_search_by_photo_number(admin_client):
    """Searching "#12" (how the publish check names a photo) finds photo 12."""
    photo = library_photo("Một ảnh")
    other = library_photo("Ảnh khác")
    response = admin_client.get(CHANGELIST, {"q": f"#{photo.pk}"})
    assert listed(response, photo) and not listed(response, other)
    response = admin_client.get(CHANGELIST, {"q": "9" * 30})  # no integer overflow
    assert response.status_code == 200


def test_lead_photo_autocomplete_uses_folded_search(client, staff):
    """The article form's photo picker (admin autocomplete) finds "Hòa" by "hoa"."""
    photo = library_photo("Cầu Hòa Xuân", uploaded_by=staff["reporter"])
    library_photo("Cầu Rồng", uploaded_by=staff["reporter"])
    client.force_login(staff["reporter"])
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": "hoa", "app_label": "articles", "model_name": "article",
         "field_name": "lead_photo"},
    )  # fmt: skip
    assert [row["id"] for row in response.json()["results"]] == [str(photo.pk)]


def test_search_text_kept_by_admin_add_and_change(client, staff):
    """Saving through the admin form (upload or caption change) refreshes the search text."""
    client.force_login(staff["reporter"])
    client.post(
        reverse("admin:articles_photo_add"),
        {"image": SimpleUploadedFile("Đêm hội.jpg", image_bytes()), "caption": "Pháo hoa",
         "credit": "Ảnh: Hoàng Anh", "alt_text": "", "taken_at": "", "focal_x": "0.5",
         "focal_y": "0.5"},
    )  # fmt: skip
    photo = Photo.objects.get()
    assert photo.search_text == "phao hoa anh: hoang anh dem hoi.jpg"
    client.post(
        change_url(photo),
        {"caption": "Lễ hội Huế", "credit": "Ảnh: Hoàng Anh", "alt_text": "", "taken_at": "",
         "focal_x": "0.5", "focal_y": "0.5"},
    )  # fmt: skip
    photo.refresh_from_db()
    assert photo.caption == "Lễ hội Huế"
    assert photo.search_text == fold("Lễ hội Huế Ảnh: Hoàng Anh Đêm hội.jpg")


def test_search_text_kept_by_editor_upload(client, staff):
    """A CKEditor upload is findable by its file name at once."""
    client.force_login(staff["reporter"])
    client.post(
        reverse("articles:editor_upload"),
        {"upload": SimpleUploadedFile("Sông Hương.jpg", image_bytes())},
    )
    assert Photo.objects.get().search_text == "song huong.jpg"


# -- who sees and edits what --


@pytest.fixture
def library(staff, category):
    """Photos in every situation a reporter's view depends on."""
    reporter, colleague, editor = staff["reporter"], staff["colleague"], staff["editor"]
    own = library_photo("Ảnh tự tải", uploaded_by=reporter)
    published = library_photo("Ảnh bài đã đăng", uploaded_by=colleague)
    make_article("Bài đã đăng", category=category, lead_photo=published, created_by=colleague)
    secret = library_photo("Ảnh bài độc quyền chưa đăng", uploaded_by=colleague)
    make_article("Bài độc quyền", category=category, status=Article.Status.DRAFT,
                 photos=[secret], created_by=colleague)  # fmt: skip
    for_me = library_photo("Ảnh biên tập thêm vào bài tôi", uploaded_by=editor)
    make_article("Bài của tôi", category=category, status=Article.Status.RETURNED,
                 photos=[for_me], created_by=reporter)  # fmt: skip
    scheduled = library_photo("Ảnh bài hẹn giờ", uploaded_by=colleague)
    make_article("Bài hẹn giờ", category=category, lead_photo=scheduled, created_by=colleague,
                 published_at=timezone.now() + timedelta(days=1))  # fmt: skip
    return {"own": own, "published": published, "secret": secret, "for_me": for_me,
            "scheduled": scheduled}  # fmt: skip


def test_reporter_sees_own_published_and_own_articles_photos(client, staff, library):
    """A reporter sees their uploads, photos of published articles and of their own
    articles; a colleague's photos for an unpublished (or scheduled) story stay hidden."""
    expected = {library[key].pk for key in ("own", "published", "for_me")}
    assert set(visible_photos(staff["reporter"]).values_list("pk", flat=True)) == expected
    client.force_login(staff["reporter"])
    response = client.get(CHANGELIST)
    shown = {key for key, photo in library.items() if listed(response, photo)}
    assert shown == {"own", "published", "for_me"}
    response = client.get(change_url(library["secret"]))
    assert "độc quyền" not in response.content.decode()


@pytest.mark.parametrize("role", ["editor", "managing", "chief"])
def test_editors_and_above_see_the_whole_library(client, staff, library, role):
    """Those who work on every article see every photo."""
    client.force_login(staff[role])
    response = client.get(CHANGELIST)
    assert all(listed(response, photo) for photo in library.values())


def test_reporter_changes_only_own_uploads(client, staff, library):
    """Captions and credits print with every article using a photo: a reporter may only
    change photos they uploaded (others are read-only to them); editors change any."""
    data = {"caption": "Sửa", "credit": "Ảnh: X", "alt_text": "", "taken_at": "",
            "focal_x": "0.5", "focal_y": "0.5"}  # fmt: skip
    client.force_login(staff["reporter"])
    assert client.post(change_url(library["published"]), data).status_code == 403
    library["published"].refresh_from_db()
    assert library["published"].caption == "Ảnh bài đã đăng"
    assert client.post(change_url(library["own"]), data).status_code == 302
    # A photo on a live article changes only with the right to publish (live at once).
    client.force_login(staff["editor"])
    assert client.post(change_url(library["published"]), data).status_code == 403
    client.force_login(staff["managing"])
    assert client.post(change_url(library["published"]), data).status_code == 302


def test_list_shows_thumbnail_credit_uploader_size_and_use_count(admin_client, staff, category):
    """The list: thumbnail, credit, who uploaded, pixel size, how many articles use it."""
    photo = library_photo("Ảnh dùng nhiều", credit="Nguồn: TTXVN", uploaded_by=staff["chief"])
    make_article("Bài một", category=category, lead_photo=photo)
    make_article("Bài hai", category=category, photos=[photo], lead_photo=photo)
    make_article("Bài ba", category=category, status=Article.Status.DRAFT, photos=[photo])
    unused = library_photo("Ảnh chưa dùng")
    html = admin_client.get(CHANGELIST).content.decode()
    row = result_row(html, "description", "Ảnh dùng nhiều")
    assert row["thumbnail:images"] == [photo.image.url]
    assert (row["credit"], row["uploaded_by"], row["size"], row["in_use"]) == (
        "Nguồn: TTXVN", "tongbientap", "64×48", "3 bài"
    )  # fmt: skip
    unused_row = result_row(html, "description", "Ảnh chưa dùng")
    assert unused_row["in_use"] == "—"
    assert change_url(unused) in unused_row["thumbnail:links"]


def test_list_query_count_does_not_grow_with_photos(admin_client, category,
                                                    django_assert_max_num_queries):  # fmt: skip
    """Use counts and uploaders come with the page's query, not one query per photo."""
    for index in range(3):
        make_article(f"Bài {index}", category=category, lead_photo=library_photo(f"Ảnh {index}"))
    with django_assert_max_num_queries(12) as few:
        admin_client.get(CHANGELIST)
    for index in range(20):
        make_article(f"Bài thêm {index}", category=category,
                     photos=[library_photo(f"Ảnh thêm {index}")])  # fmt: skip
    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(CHANGELIST)


# -- where used --


def test_photo_page_lists_where_it_is_used(client, staff, category):
    """The photo's page lists each article using it (lead, attached, in the body) with
    its status; to a reporter, colleagues' unpublished stories are only counted."""
    photo = library_photo("Ảnh dùng khắp nơi", uploaded_by=staff["reporter"])
    make_article("Bài ảnh đại diện", category=category, lead_photo=photo)
    make_article("Bài nháp của đồng nghiệp", category=category, status=Article.Status.DRAFT,
                 photos=[photo], created_by=staff["colleague"])  # fmt: skip
    make_article("Bài có ảnh trong nội dung", category=category, status=Article.Status.EDITED,
                 body=figure(photo, "Chú thích"))  # fmt: skip
    library_photo("Ảnh khác")
    client.force_login(staff["chief"])
    html = client.get(change_url(photo)).content.decode()
    assert "Nơi dùng ảnh" in html
    for title, ways, status in [
        ("Bài ảnh đại diện", "ảnh đại diện", "Đã xuất bản"),
        ("Bài nháp của đồng nghiệp", "ảnh trong bài", "Nháp"),
        ("Bài có ảnh trong nội dung", "trong nội dung", "Chờ duyệt"),
    ]:
        row = re.search(rf"<tr>\s*<td><a [^>]*>{title}</a></td>\s*<td>([^<]*)</td>\s*"
                        rf"<td>([^<]*)", html)  # fmt: skip
        assert row and row.group(1) == ways and row.group(2).strip() == status
    client.force_login(staff["reporter"])
    html = client.get(change_url(photo)).content.decode()
    assert "Bài ảnh đại diện" in html
    assert "Bài nháp của đồng nghiệp" not in html and "Bài có ảnh trong nội dung" not in html
    assert "Và 2 bài chưa xuất bản khác mà bạn không xem được" in html


def test_unused_photo_page_says_so(admin_client):
    html = admin_client.get(change_url(library_photo())).content.decode()
    assert "Ảnh chưa được dùng trong bài nào." in html


# -- focal point --


def test_focal_point_set_by_clicking_the_image(admin_client):
    """The photo page loads our own focal-point script and marks the image for it; the
    values it sets are saved, and values outside 0–1 are refused."""
    photo = library_photo()
    html = admin_client.get(change_url(photo)).content.decode()
    assert "/static/articles/focal-point.js" in html and "/static/articles/focal-point.css" in html
    assert "data-focal-point" in html and 'id="id_focal_x"' in html
    assert finders.find("articles/focal-point.js") and finders.find("articles/focal-point.css")
    data = {"caption": photo.caption, "credit": photo.credit, "alt_text": "", "taken_at": "",
            "focal_x": "0.25", "focal_y": "0.75"}  # fmt: skip
    assert admin_client.post(change_url(photo), data).status_code == 302
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (0.25, 0.75)
    response = admin_client.post(change_url(photo), {**data, "focal_x": "1.5"})
    assert "Tâm ảnh phải nằm trong khoảng từ 0 đến 1." in response.content.decode()
    photo.refresh_from_db()
    assert photo.focal_x == 0.25


def test_focal_point_script_sets_both_inputs():
    """The script writes focal_x/focal_y from the click and draws the marker."""
    script = Path(finders.find("articles/focal-point.js")).read_text(encoding="utf-8")
    for needle in ("id_focal_x", "id_focal_y", "getBoundingClientRect", "focal-point-marker"):
        assert needle in script


# -- deletion --


def published_uses(category, photo):
    """The three ways a published article uses a photo, plus a scheduled one."""
    return {
        "lead": lambda: make_article("Bài ảnh đại diện", category=category, lead_photo=photo),
        "attached": lambda: make_article("Bài ảnh trong bài", category=category, photos=[photo]),
        "body": lambda: make_article("Bài ảnh nội dung", category=category,
                                     body=figure(photo, "Chú thích")),  # fmt: skip
        "scheduled": lambda: make_article("Bài hẹn giờ", category=category, lead_photo=photo,
                                          published_at=timezone.now() + timedelta(hours=5)),
    }  # fmt: skip


@pytest.mark.parametrize("use", ["lead", "attached", "body", "scheduled"])
@pytest.mark.parametrize("who", ["chief", "superuser"])
def test_photo_in_published_article_cannot_be_deleted(client, staff, category, use, who):
    """Nobody, not even a superuser, deletes a photo a published (or scheduled) article
    uses: no delete button, and the delete page refuses with the articles named."""
    photo = library_photo("Ảnh đang đăng")
    article = published_uses(category, photo)[use]()
    user = staff["chief"] if who == "chief" else get_user_model().objects.create_superuser(
        "quantri", password="x")  # fmt: skip
    client.force_login(user)
    assert delete_url(photo) not in client.get(change_url(photo)).content.decode()
    response = client.get(delete_url(photo))
    assert response.status_code == 403
    html = response.content.decode()
    assert f"Không thể xóa Ảnh #{photo.pk}" in html and article.title in html
    assert client.post(delete_url(photo), {"post": "yes"}).status_code == 403
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_unused_photo_deleted_by_those_allowed(client, staff, category):
    """A photo no published article uses can be deleted with the delete permission (here
    the editor-in-chief; a draft using it as lead photo just loses it)."""
    photo = library_photo("Ảnh thừa")
    draft = make_article("Bài nháp", category=category, status=Article.Status.DRAFT,
                         lead_photo=photo)  # fmt: skip
    client.force_login(staff["reporter"])
    assert client.post(delete_url(photo), {"post": "yes"}).status_code == 403
    client.force_login(staff["chief"])
    assert "Ảnh thừa" in client.get(delete_url(photo)).content.decode()
    assert client.post(delete_url(photo), {"post": "yes"}).status_code == 302
    assert not Photo.objects.filter(pk=photo.pk).exists()
    draft.refresh_from_db()
    assert draft.lead_photo is None


def test_bulk_delete_skips_photos_in_published_articles(client, staff, category):
    """Bulk delete names each photo published articles use (with the articles) and
    deletes only the others, after the usual confirmation."""
    used = library_photo("Ảnh trên trang nhất")
    article = make_article("Bài trang nhất", category=category, photos=[used])
    unused = library_photo("Ảnh bỏ đi")
    client.force_login(staff["chief"])
    selection = {"action": "delete_selected", "_selected_action": [used.pk, unused.pk]}
    response = client.post(CHANGELIST, selection)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"Không thể xóa Ảnh #{used.pk}" in html and article.title in html
    assert "Ảnh bỏ đi" in html  # the confirmation lists what will go
    response = client.post(CHANGELIST, {**selection, "post": "yes"}, follow=True)
    assert Photo.objects.filter(pk=used.pk).exists()
    assert not Photo.objects.filter(pk=unused.pk).exists()
    assert f"Không thể xóa Ảnh #{used.pk}" in response.content.decode()


def test_bulk_delete_of_only_used_photos_deletes_nothing(client, staff, category):
    used = library_photo("Ảnh đang đăng")
    make_article("Bài đang đăng", category=category, lead_photo=used)
    client.force_login(staff["chief"])
    response = client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": [used.pk], "post": "yes"},
        follow=True,
    )  # fmt: skip
    assert "Bài đang đăng" in response.content.decode()
    assert Photo.objects.filter(pk=used.pk).exists()


# -- CKEditor browse --


def test_widget_points_ckeditor_at_browse_and_xhr_upload():
    """The editor's image dialog browses our library and uploads by XHR (CSRF header)."""
    config = NewsroomEditorWidget().config
    assert str(config["filebrowserBrowseUrl"]) == BROWSE
    assert str(config["filebrowserImageBrowseUrl"]) == BROWSE
    assert config["filebrowserUploadMethod"] == "xhr"


def test_browse_needs_login_and_permission(client):
    """Anonymous users go to the login page; staff without view_photo are refused."""
    response = client.get(BROWSE, {"CKEditorFuncNum": "1"})
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(make_user("khach", role=None))
    assert client.get(BROWSE, {"CKEditorFuncNum": "1"}).status_code == 403


def test_browse_refuses_a_non_staff_user_with_the_photo_permission(client):
    """Like the upload, browsing the library belongs to the admin: not to a user whose
    staff flag is off, whatever their groups give them."""
    library_photo("Ảnh trong thư viện")
    user = make_user("cuu-phong-vien", role=REPORTER, is_staff=False)
    assert user.has_perm("articles.view_photo")
    client.force_login(user)
    response = client.get(BROWSE, {"CKEditorFuncNum": "1"})
    assert response.status_code == 403
    assert "Ảnh trong thư viện" not in response.content.decode()


@pytest.mark.parametrize(
    "func_num", ["", "abc", "1);alert(1)//", "1 ", "-1", "1e3", "1234567890", '1"><script>']
)
def test_browse_refuses_a_func_num_that_is_not_digits(client, staff, func_num):
    """CKEditorFuncNum must be digits: nothing else can reach the page's script."""
    library_photo(uploaded_by=staff["reporter"])
    client.force_login(staff["reporter"])
    response = client.get(BROWSE, {"CKEditorFuncNum": func_num})
    assert response.status_code == 400
    assert "alert" not in response.content.decode() and "<script>" not in response.content.decode()


def test_browse_lists_what_the_user_may_see(client, staff, library):
    """Thumbnails of the photos the user may see, each handing its address to CKEditor
    through the editor-browse script (callFunction with the validated number)."""
    client.force_login(staff["reporter"])
    response = client.get(BROWSE, {"CKEditor": "id_body", "CKEditorFuncNum": "3",
                                   "langCode": "vi"})  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-func-num="3"' in html and "/static/articles/editor-browse.js" in html
    for key in ("own", "published", "for_me"):
        assert f'data-photo-url="{library[key].image.url}"' in html
    for key in ("secret", "scheduled"):
        assert library[key].image.url not in html
    assert response["Cache-Control"] == "private, no-store"
    script = Path(finders.find("articles/editor-browse.js")).read_text(encoding="utf-8")
    assert "window.opener.CKEDITOR" in script and "callFunction" in script


def test_browse_search_and_pagination(client, staff):
    """Search folds accents; 24 photos a page; links keep the editor's parameters; a page
    that does not exist is a 404."""
    for index in range(30):
        library_photo(f"Hòa nhạc số {index}", uploaded_by=staff["editor"])
    library_photo("Phố cổ", uploaded_by=staff["editor"])
    client.force_login(staff["editor"])
    first = client.get(BROWSE, {"CKEditorFuncNum": "7", "q": "HOA NHAC"}).content.decode()
    assert first.count("data-photo-url=") == 24 and "Phố cổ" not in first
    assert "?CKEditorFuncNum=7&amp;q=HOA+NHAC&amp;page=2" in first
    second = client.get(BROWSE, {"CKEditorFuncNum": "7", "q": "HOA NHAC", "page": "2"})
    assert second.content.decode().count("data-photo-url=") == 6
    for page in ("3", "0", "abc", "-1"):
        response = client.get(BROWSE, {"CKEditorFuncNum": "7", "q": "hoa nhac", "page": page})
        assert response.status_code == 404


def test_browse_query_count_is_fixed(client, staff, django_assert_max_num_queries):
    """One page of the library costs the same number of queries however full it is."""
    client.force_login(staff["reporter"])
    library_photo(uploaded_by=staff["reporter"])
    client.get(BROWSE, {"CKEditorFuncNum": "1"})  # the site settings row is made once
    with django_assert_max_num_queries(10) as few:
        client.get(BROWSE, {"CKEditorFuncNum": "1"})
    for _index in range(20):
        library_photo(uploaded_by=staff["reporter"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(BROWSE, {"CKEditorFuncNum": "1"})


# -- credits in the body --


def test_credit_appended_to_a_library_figure_caption():
    """A library photo's figure gains its credit at the end of its caption."""
    photo = library_photo(credit="Ảnh: Minh Thư")
    html = add_library_credits(figure(photo, "Đại biểu dự hội nghị"))
    assert '<figcaption>Đại biểu dự hội nghị <span class="photo-credit">Ảnh: Minh Thư</span>' \
           "</figcaption>" in html  # fmt: skip


def test_credit_gets_a_caption_when_the_figure_has_none():
    photo = library_photo(credit="Nguồn: TTXVN")
    body = f'<figure class="image"><img alt="" src="{photo.image.url}"></figure>'
    assert '<figcaption><span class="photo-credit">Nguồn: TTXVN</span></figcaption></figure>' in (
        add_library_credits(body)
    )


@pytest.mark.parametrize(
    "make_body",
    [
        lambda photo: figure(photo, "Chú thích", credit="Ảnh: Người khác"),  # has a credit
        lambda photo: figure(photo, "Chú thích (Ảnh: Minh Thư)"),  # caption names it
        lambda photo: figure("https://example.org/anh.jpg", "Ảnh ngoài thư viện"),
        lambda photo: f'<p><img alt="" src="{photo.image.url}"></p>',  # not a figure
    ],
)
def test_figures_left_alone(make_body):
    """No credit is added where one is already given, or where the image is not a
    library photo in a figure."""
    photo = library_photo(credit="Ảnh: Minh Thư")
    body = make_body(photo)
    assert add_library_credits(body).count("photo-credit") == body.count("photo-credit")


def test_credit_found_by_absolute_or_rendition_address():
    """The photo is recognised by its stored name whatever the host or MEDIA_URL, and a
    rendition's address counts as its photo's."""
    photo = library_photo(credit="Ảnh: Minh Thư")
    rendition = Rendition.objects.create(
        photo=photo, kind="w640", format="webp", width=640, height=480,
        file="renditions/ab/abcdefghijklmnopqrstuv.webp",
    )  # fmt: skip
    body = figure(f"https://toasoan.example{photo.image.url}?v=2", "Một") + figure(
        f"/media/{rendition.file.name}", "Hai"
    )
    assert add_library_credits(body).count('<span class="photo-credit">Ảnh: Minh Thư</span>') == 2


def test_credit_is_escaped_and_result_sanitised():
    """The credit is text (escaped) and the whole body comes back sanitised."""
    photo = library_photo(credit='Ảnh: <b onclick="x()">Tuấn</b> & cộng sự')
    html = add_library_credits(figure(photo, "Chú thích") + "<script>alert(1)</script>")
    assert "&lt;b onclick" in html and "&amp; cộng sự" in html
    assert "<script" not in html and "alert" not in html and "<b" not in html


def test_adding_credits_is_idempotent_and_keeps_the_rest():
    """Running it on every save changes nothing the second time; other content stays."""
    photo = library_photo(credit="Ảnh: Minh Thư")
    nocredit = library_photo(credit="")
    body = ("<p>Mở đầu &amp; <strong>nhấn mạnh</strong></p>" + figure(photo, "A")
            + figure(nocredit, "B") + "<p>Kết</p>")  # fmt: skip
    once = add_library_credits(body)
    assert add_library_credits(once) == once
    assert once.count("photo-credit") == 1
    assert "<p>Mở đầu &amp; <strong>nhấn mạnh</strong></p>" in once and "<p>Kết</p>" in once


# -- the publish check --


def test_ready_article_has_nothing_to_fix(category):
    good = library_photo("Chú thích", "Ảnh: A", filename="a.jpg")
    article = make_article(category=category, lead_photo=good, photos=[good],
                           body=figure(good, "Trong bài"))  # fmt: skip
    assert photos_missing_caption_or_credit(article) == []


def test_lead_photo_without_credit_is_named(category):
    """Each problem names the photo by number, place and file name."""
    photo = library_photo("Chú thích", credit="", filename="hoi-nghi.jpg")
    article = make_article(category=category, lead_photo=photo)
    assert photos_missing_caption_or_credit(article) == [
        f"Ảnh #{photo.pk} (ảnh đại diện; tệp “hoi-nghi.jpg”): thiếu tác giả ảnh"
    ]


def test_attached_photo_uses_its_own_caption_first(category):
    """A per-use caption counts; without one the library caption must exist."""
    photo = library_photo(caption="", credit="Ảnh: A", filename="")
    article = make_article(category=category)
    use = ArticlePhoto.objects.create(article=article, photo=photo, caption="Chú thích riêng")
    assert photos_missing_caption_or_credit(article) == []
    use.caption = "   "
    use.save()
    assert photos_missing_caption_or_credit(article) == [
        f"Ảnh #{photo.pk} (ảnh trong bài): thiếu chú thích"
    ]


def test_body_photos_checked_with_their_figure_caption_and_credit(category):
    """In the body, the figure's caption and credit span count; otherwise the library's.
    Images outside the library are not checked."""
    bare = library_photo(caption="", credit="", filename="tho.jpg")
    captioned_in_body = figure(bare, "Chú thích trong bài", credit="Ảnh: B")
    article = make_article(category=category, body=captioned_in_body
                           + figure("https://example.org/ngoai.jpg", ""))  # fmt: skip
    assert photos_missing_caption_or_credit(article) == []
    article.body = figure(bare, "") + f'<p><img src="{bare.image.url}" alt=""></p>'
    assert photos_missing_caption_or_credit(article) == [
        f"Ảnh #{bare.pk} (ảnh trong nội dung; tệp “tho.jpg”): thiếu chú thích và tác giả ảnh"
    ]


def test_one_line_per_photo_with_every_place(category):
    """A photo used several ways is listed once, with all its places."""
    photo = library_photo(caption="", credit="Ảnh: A", filename="")
    other = library_photo(caption="Có", credit="", filename="")
    article = make_article(category=category, lead_photo=photo, photos=[photo, other],
                           body=figure(photo, ""))  # fmt: skip
    assert photos_missing_caption_or_credit(article) == [
        f"Ảnh #{photo.pk} (ảnh đại diện; ảnh trong bài; ảnh trong nội dung): thiếu chú thích",
        f"Ảnh #{other.pk} (ảnh trong bài): thiếu tác giả ảnh",
    ]


def test_unsaved_article_is_checked_too(category):
    photo = library_photo(caption="Có", credit="")
    article = Article(title="Chưa lưu", category=category, lead_photo=photo, body="")
    assert photos_missing_caption_or_credit(article) == [
        f"Ảnh #{photo.pk} (ảnh đại diện; tệp “anh.jpg”): thiếu tác giả ảnh"
    ]


def test_check_costs_a_fixed_number_of_queries(category, django_assert_max_num_queries):
    photos = [library_photo(f"Ảnh {index}", credit="") for index in range(8)]
    article = make_article(category=category, lead_photo=photos[0], photos=photos[1:4],
                           body="".join(figure(photo, "") for photo in photos[4:]))  # fmt: skip
    article = Article.objects.get(pk=article.pk)
    with django_assert_max_num_queries(4):
        assert len(photos_missing_caption_or_credit(article)) == 8


# -- publishing, through the real admin (the lead wires the check into Article.apply) --


@pytest.fixture
def submitted(staff, category):
    photo = library_photo("Chú thích", credit="", filename="thieu-tac-gia.jpg")
    article = make_article("Bài chờ duyệt có ảnh", category=category,
                           status=Article.Status.EDITED, published_at=None, lead_photo=photo,
                           created_by=staff["reporter"])  # fmt: skip
    return article, photo


def test_publish_from_the_form_refused_with_the_photos_to_fix(client, staff, submitted):
    """Approving and publishing is refused while a photo lacks a caption or credit; the
    editor is told which photos to fix."""
    article, photo = submitted
    client.force_login(staff["managing"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, article_form_data(article, _transition="publish"), follow=True)
    article.refresh_from_db()
    assert article.status == Article.Status.EDITED
    assert (f"Ảnh #{photo.pk} (ảnh đại diện; tệp “thieu-tac-gia.jpg”): thiếu tác giả ảnh"
            in response.content.decode())  # fmt: skip


def test_bulk_publish_refused_with_the_photos_to_fix(client, staff, submitted):
    article, photo = submitted
    client.force_login(staff["managing"])
    response = client.post(
        ARTICLES, {"action": "publish_selected", "_selected_action": [article.pk]}, follow=True
    )
    article.refresh_from_db()
    assert article.status == Article.Status.EDITED
    assert f"Ảnh #{photo.pk}" in response.content.decode()
    assert "thiếu tác giả ảnh" in response.content.decode()


def test_publish_goes_through_when_photos_are_complete(client, staff, submitted):
    """Once the credit is filled in, the same publish succeeds."""
    article, photo = submitted
    photo.credit = "Ảnh: Minh Thư"
    photo.save()
    client.force_login(staff["managing"])
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.post(url, article_form_data(article, _transition="publish"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
