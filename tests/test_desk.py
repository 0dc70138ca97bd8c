"""The article writing screen (the admin change form) as each role sees and uses it:
fields by role, forged posts, the byline prefill, the returned notice, refused steps,
captions fixed in place, read-only views, buttons and counts."""

import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, ArticleEvent, Byline
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    database_state,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:articles_article_add")
PUBLISHER_FIELDS = ['name="publish_at_0"', 'name="is_featured"', 'name="override_reason"']


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.fixture
def category():
    return make_category("Thời sự")


@pytest.fixture
def staff():
    return {
        "reporter": make_user("phongvien", REPORTER, first_name="Minh", last_name="Thư"),
        "editor": make_user("bientap", EDITOR, first_name="Hoàng", last_name="Anh"),
        "managing": make_user("thuky", MANAGING_EDITOR),
        "chief": make_user("tongbientap", EDITOR_IN_CHIEF),
    }


def html_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def in_review(category, owner, **fields):
    fields.setdefault("authors", [make_author("Minh Thư")])
    return make_article(
        category=category,
        status=fields.pop("status", Article.Status.EDITED),
        published_at=None,
        created_by=owner,
        **fields,
    )


def only_message(response):
    found = list(get_messages(response.wsgi_request))
    assert len(found) == 1, [str(m) for m in found]
    return found[0]


# -- fields by role --


def test_a_reporter_gets_no_schedule_featured_flag_override_or_corrections(client, category, staff):
    client.force_login(staff["reporter"])
    html = html_of(client, ADD_URL)
    for field in PUBLISHER_FIELDS + ['name="corrections-TOTAL_FORMS"']:
        assert field not in html
    published = make_article(category=category, created_by=staff["reporter"])
    html = html_of(client, change_url(published))
    for field in PUBLISHER_FIELDS + ["corrections-", "cải chính"]:
        assert field not in html


def test_a_managing_editor_gets_schedule_featured_flag_and_corrections(client, category, staff):
    client.force_login(staff["managing"])
    article = in_review(category, staff["reporter"], sapo="")  # a soft rule fails
    html = html_of(client, change_url(article))
    for field in PUBLISHER_FIELDS:
        assert field in html
    published = make_article(category=category)
    assert 'name="corrections-TOTAL_FORMS"' in html_of(client, change_url(published))


def test_an_editor_gets_no_schedule_or_override(client, category, staff):
    client.force_login(staff["editor"])
    article = in_review(category, staff["reporter"], status=Article.Status.SUBMITTED, sapo="")
    html = html_of(client, change_url(article))
    for field in PUBLISHER_FIELDS + ["corrections-"]:
        assert field not in html


@pytest.mark.parametrize("role", ["reporter", "editor", "managing"])
def test_every_field_of_the_form_is_on_the_screen(client, category, staff, role):
    """The screen lays fields out by hand: none may be forgotten (it would post empty)."""
    client.force_login(staff[role])
    status = {"reporter": Article.Status.DRAFT, "editor": Article.Status.SUBMITTED}
    article = in_review(
        category, staff["reporter"], status=status.get(role, Article.Status.EDITED), sapo=""
    )
    response = client.get(change_url(article))
    html = response.content.decode()
    form = response.context["adminform"].form
    reason_steps = response.context["desk"]["reason_steps"]
    for name in form.fields:
        if name == "workflow_reason" and not reason_steps:
            continue  # only "Trả lại" / "Gỡ bài" take a reason
        names = [f"{name}_0", f"{name}_1"] if name == "publish_at" else [name]
        for posted in names:
            assert f'name="{posted}"' in html, posted
    for formset in response.context["inline_admin_formsets"]:
        assert f'name="{formset.formset.prefix}-TOTAL_FORMS"' in html


def test_forged_post_by_a_reporter_changes_nothing_it_should_not(client, category, staff):
    """Featured flag, schedule and override posted by a reporter are ignored."""
    client.force_login(staff["reporter"])
    data = article_form_data(
        category=category,
        _transition="submit",
        is_featured="on",
        publish_at_0="01/01/2030",
        publish_at_1="08:00",
        override_reason="Cứ đăng",
        override_rules="byline",
    )
    response = client.post(ADD_URL, data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.SUBMITTED
    assert (article.is_featured, article.published_at) == (False, None)
    assert not ArticleEvent.objects.filter(action="checklist_override").exists()


def test_forged_publish_by_a_reporter_saves_nothing(client, category, staff):
    client.force_login(staff["reporter"])
    article = in_review(category, staff["reporter"], status=Article.Status.DRAFT)
    before = database_state()
    response = client.post(change_url(article), article_form_data(article, _transition="publish"))
    assert response.status_code == 200
    assert "Không thể “Duyệt và xuất bản” khi bài đang ở trạng thái “Nháp”" in (
        response.content.decode()
    )
    assert database_state() == before


# -- the byline starts with the writer's pen name --


def test_a_new_article_starts_with_the_writers_first_pen_name(client, category, staff):
    reporter = staff["reporter"]
    first = make_author("Minh Thư", user=reporter)
    make_author("M.T.", user=reporter)
    client.force_login(reporter)
    html = html_of(client, ADD_URL)
    assert 'name="byline_entries-TOTAL_FORMS" value="1"' in html
    assert re.search(rf'<option value="{first.pk}" selected>Minh Thư</option>', html)
    data = article_form_data(category=category, bylines=[first])
    assert client.post(ADD_URL, data).status_code == 302
    assert [b.author for b in Byline.objects.all()] == [first]


def test_no_blank_byline_row_without_a_pen_name(client, staff):
    client.force_login(staff["editor"])
    html = html_of(client, ADD_URL)
    assert 'name="byline_entries-TOTAL_FORMS" value="0"' in html
    assert 'id="byline_entries-empty"' in html  # the template the "add" link copies


# -- the returned notice --


def test_a_returned_article_opens_with_who_when_and_why(client, category, staff):
    article = in_review(category, staff["reporter"], status=Article.Status.SUBMITTED)
    client.force_login(staff["editor"])
    reason = "Thiếu ý kiến của doanh nghiệp ở đoạn hai."
    response = client.post(
        change_url(article),
        article_form_data(article, _transition="return", workflow_reason=reason),
    )
    assert response.status_code == 302
    client.force_login(staff["reporter"])
    html = html_of(client, change_url(article))
    notice = html[html.index("desk-returned") : html.index("</blockquote>")]
    assert "Bài bị trả lại" in notice and "Hoàng Anh" in notice and reason in notice
    event = article.events.get(action="return")
    assert timezone.localtime(event.created_at).strftime("%H:%M | %d/%m/%Y") in notice
    queue = html_of(client, reverse("admin:articles_article_changelist"))
    assert '<span class="article-status article-status--returned">Bị trả lại</span>' in queue
    assert "articles/status-badge.css" in queue  # the badge is styled in the queue too


def test_return_without_a_reason_keeps_the_reason_box_open(client, category, staff):
    article = in_review(category, staff["reporter"], status=Article.Status.SUBMITTED)
    client.force_login(staff["editor"])
    response = client.post(change_url(article), article_form_data(article, _transition="return"))
    html = response.content.decode()
    assert response.status_code == 200
    box = re.search(r'<div id="desk-reason"[^>]*>', html).group(0)
    assert "hidden" not in box
    assert "Cần ghi rõ lý do" in html
    assert Article.objects.get(pk=article.pk).status == Article.Status.SUBMITTED


# -- a refused step: one message, stay on the article, what to fix with links --


def test_a_refused_publish_stays_with_one_message_listing_what_to_fix(client, category, staff):
    photo = make_photo(caption="Cảng Lạch Huyện", credit="")
    article = in_review(category, staff["reporter"], authors=[], lead_photo=photo)
    client.force_login(staff["managing"])
    response = client.post(change_url(article), article_form_data(article, _transition="publish"))
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    message = only_message(response)
    assert message.level_tag == "error"
    text = str(message)
    assert text.startswith("Đã lưu nội dung nhưng chưa “Xuất bản”. Cần sửa:")
    assert '<a href="#desk-bylines">Thêm ít nhất một tác giả (bút danh).</a>' in text
    assert f'<a href="#desk-photo-{photo.pk}">Ảnh #{photo.pk}' in text
    assert not Article.objects.get(pk=article.pk).is_published
    page = client.get(response["Location"]).content.decode()
    assert f'id="desk-photo-{photo.pk}"' in page and 'id="desk-bylines"' in page


def test_a_managing_editor_overrides_a_warning_from_the_screen(client, category, staff):
    article = in_review(category, staff["reporter"], sapo="")
    client.force_login(staff["managing"])
    html = html_of(client, change_url(article))
    assert 'name="override_rules" value="sapo"' in html
    data = article_form_data(
        article, _transition="publish", override_reason="Tin ngắn", override_rules="sapo"
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).is_published
    event = ArticleEvent.objects.get(article=article, action="checklist_override")
    assert event.reason.startswith("Tin ngắn — Bỏ qua: ")


def test_an_editor_cannot_override_from_the_screen(client, category, staff):
    article = in_review(category, staff["reporter"], status=Article.Status.SUBMITTED, sapo="")
    client.force_login(staff["editor"])
    data = article_form_data(
        article, _transition="forward", override_reason="Cứ chuyển", override_rules="sapo"
    )
    response = client.post(change_url(article), data)
    assert response["Location"] == change_url(article)
    assert "Chỉ người có quyền xuất bản" in str(only_message(response))
    assert Article.objects.get(pk=article.pk).status == Article.Status.SUBMITTED


def test_a_step_taken_says_so_once_and_returns_to_the_queue(client, category, staff):
    article = in_review(category, staff["reporter"])
    client.force_login(staff["managing"])
    response = client.post(change_url(article), article_form_data(article, _transition="publish"))
    assert response["Location"] == reverse("admin:articles_article_changelist")
    message = only_message(response)
    assert message.level_tag == "success"
    assert str(message) == "Đã “Xuất bản”: bài chuyển sang “Đã xuất bản”."


# -- captions and credits fixed in place --


def caption_data(article, photo, caption, credit, **extra):
    return article_form_data(
        article,
        **{f"photo_text-{photo.pk}-caption": caption, f"photo_text-{photo.pk}-credit": credit},
        **extra,
    )


def test_a_reporter_captions_their_own_photo_on_the_screen(client, category, staff):
    reporter = staff["reporter"]
    photo = make_photo(caption="", credit="", uploaded_by=reporter)
    article = in_review(category, reporter, status=Article.Status.DRAFT, lead_photo=photo)
    client.force_login(reporter)
    html = html_of(client, change_url(article))
    assert f'name="photo_text-{photo.pk}-caption"' in html
    response = client.post(
        change_url(article),
        caption_data(article, photo, "Tàu cập cảng Lạch Huyện", "Ảnh: Minh Thư", _continue="1"),
    )
    assert response.status_code == 302
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("Tàu cập cảng Lạch Huyện", "Ảnh: Minh Thư")


def test_a_photo_live_on_a_published_article_is_refused_to_a_reporter(client, category, staff):
    reporter = staff["reporter"]
    photo = make_photo(caption="Cũ", credit="Ảnh: A", uploaded_by=reporter)
    make_article(title="Bài đã đăng", category=category, lead_photo=photo)
    draft = in_review(category, reporter, status=Article.Status.DRAFT, lead_photo=photo)
    client.force_login(reporter)
    html = html_of(client, change_url(draft))
    assert "chỉ người có quyền xuất bản" in html  # said before anyone types
    response = client.post(change_url(draft), caption_data(draft, photo, "Mới", "Ảnh: B"))
    assert response["Location"] == change_url(draft)
    message = only_message(response)
    assert message.level_tag == "warning"
    assert "Chưa đổi được chú thích" in str(message) and "“Bài đã đăng”" in str(message)
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("Cũ", "Ảnh: A")

    client.force_login(staff["managing"])
    draft.refresh_from_db()
    client.post(change_url(draft), caption_data(draft, photo, "Mới", "Ảnh: B"))
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("Mới", "Ảnh: B")


def test_someone_elses_photo_cannot_be_captioned_by_a_reporter(client, category, staff):
    reporter = staff["reporter"]
    other = make_user("phongvien2", REPORTER)
    theirs = make_photo(caption="", credit="", uploaded_by=other)
    draft = in_review(category, reporter, status=Article.Status.DRAFT)
    client.force_login(reporter)
    before = database_state()
    response = client.post(change_url(draft), caption_data(draft, theirs, "Của tôi", "Ảnh: tôi"))
    assert response.status_code == 200
    assert f"Không tìm thấy ảnh #{theirs.pk}" in response.content.decode()
    assert database_state() == before
    theirs.refresh_from_db()
    assert theirs.caption == ""


def test_photos_to_fix_are_listed_with_thumbnails_and_fields(client, category, staff):
    photo = make_photo(caption="", credit="")
    body = f'<figure class="image"><img src="{photo.image.url}" alt=""></figure>'
    article = in_review(category, staff["reporter"], body=body)
    client.force_login(staff["editor"])
    html = html_of(client, change_url(article))
    card = html[html.index(f'id="desk-photo-{photo.pk}"') :]
    assert "<img src=" in card[:300]
    assert f'name="photo_text-{photo.pk}-caption"' in card
    assert f'name="photo_text-{photo.pk}-credit"' in card


def test_photo_info_for_the_lead_photo(client, category, staff):
    reporter = staff["reporter"]
    mine = make_photo(caption="Chú thích", credit="Ảnh: A", uploaded_by=reporter)
    live = make_photo(caption="Đang đăng", credit="Ảnh: B", uploaded_by=reporter)
    make_article(title="Bài đã đăng", category=category, lead_photo=live)
    hidden = make_photo(uploaded_by=make_user("phongvien2", REPORTER))
    client.force_login(reporter)

    def info(photo):
        return client.get(reverse("admin:articles_article_photo_info", args=[photo.pk]))

    data = info(mine).json()
    assert (data["caption"], data["credit"], data["editable"]) == ("Chú thích", "Ảnh: A", True)
    assert data["caption_name"] == f"photo_text-{mine.pk}-caption"
    data = info(live).json()
    assert data["editable"] is False and "“Bài đã đăng”" in data["refusal"]
    assert info(hidden).status_code == 404


# -- what the screen shows --


def test_read_only_views_speak_vietnamese(client, category, staff):
    reporter = staff["reporter"]
    article = in_review(category, reporter, status=Article.Status.SUBMITTED, source="")
    client.force_login(reporter)
    html = html_of(client, change_url(article))
    assert "Xem bài" in html and "bạn không sửa được bài ở bước này" in html
    for english in ["None", "Workflow reason", "Publish at", "Override", "Base version"]:
        assert english not in html, english
    assert "<dt>Nguồn</dt><dd>—</dd>" in html
    assert "<dt>Chuyên mục</dt><dd>Thời sự</dd>" in html
    assert 'name="_transition"' not in html


def test_view_on_site_only_for_a_public_article(client, category, staff):
    client.force_login(staff["managing"])
    published = make_article(category=category)
    html = html_of(client, change_url(published))
    assert "Xem trên trang web" in html and ">Xem trước<" not in html
    scheduled = make_article(category=category, published_at=timezone.now() + timedelta(days=1))
    html = html_of(client, change_url(scheduled))
    assert "Xem trên trang web" not in html and ">Xem trước<" in html


def test_buttons_read_naturally(client, category, staff):
    reporter_draft = in_review(category, staff["reporter"], status=Article.Status.DRAFT)
    client.force_login(staff["reporter"])
    html = html_of(client, change_url(reporter_draft))
    assert ">Gửi biên tập</button>" in html and ">Lưu nháp</button>" in html
    assert "Lưu và" not in html

    submitted = in_review(category, staff["reporter"], status=Article.Status.SUBMITTED)
    client.force_login(staff["editor"])
    html = html_of(client, change_url(submitted))
    assert re.search(r'value="forward" class="desk-btn desk-btn--primary"[^>]*>Chuyển duyệt<', html)
    assert re.search(r'class="desk-btn desk-btn--danger" data-reason-for="return"', html)
    assert ">Lưu</button>" in html and "Lưu và" not in html

    client.force_login(staff["managing"])
    html = html_of(client, change_url(submitted))
    assert re.search(
        r'value="publish" class="desk-btn desk-btn--primary" data-now-label="Xuất bản" '
        r'data-scheduled-label="Hẹn giờ xuất bản">Xuất bản<',
        html,
    )
    assert re.search(r'value="forward" class="desk-btn desk-btn--secondary">Chuyển duyệt<', html)
    published = make_article(category=category)
    client.force_login(staff["chief"])
    html = html_of(client, change_url(published))
    assert re.search(r'value="unpublish" class="desk-btn desk-btn--danger">Rút về chờ duyệt<', html)
    assert 'data-reason-for="take_down"' in html


def test_enter_in_a_field_saves_rather_than_taking_a_step(client, category, staff):
    """The first submit button of the form (used by Enter) only saves."""
    client.force_login(staff["managing"])
    html = html_of(client, change_url(in_review(category, staff["reporter"])))
    form = html[html.index('id="article_form"') :]
    first = re.search(r'<button type="submit"[^>]*>', form).group(0)
    assert 'name="_continue"' in first


def test_counts_are_shown_before_any_script_runs(client, category, staff, settings):
    settings.HEADLINE_HOUSE_LIMIT = 10
    body = "<p>" + " ".join(["chữ"] * 600) + "</p>"
    article = in_review(category, staff["reporter"], title="Mười hai ký tự", body=body)
    client.force_login(staff["managing"])
    html = html_of(client, change_url(article))
    assert re.search(r'desk-count desk-count--over"[^>]*>14/10 ký tự<', html)
    assert "600 chữ · khoảng 3 phút đọc" in html


def test_the_checklist_panel_links_to_what_to_fix(client, category, staff):
    article = in_review(category, staff["reporter"], authors=[], sapo="")
    client.force_login(staff["managing"])
    html = html_of(client, change_url(article))
    panel = html[html.index('id="desk-checklist"') :]
    assert "còn 2 việc" in panel
    assert '<a href="#desk-bylines">Thêm ít nhất một tác giả (bút danh).</a>' in panel
    assert '<a href="#id_sapo">Viết sapo' in panel


def test_the_headline_keeps_one_line(client, category, staff):
    client.force_login(staff["reporter"])
    client.post(ADD_URL, article_form_data(category=category, title="Dòng một\r\n  dòng hai"))
    assert Article.objects.get().title == "Dòng một dòng hai"


def test_the_status_panel_says_who_moved_the_article_last(client, category, staff):
    article = in_review(category, staff["reporter"], status=Article.Status.DRAFT)
    services.transition_article(article, "submit", by=staff["reporter"])
    client.force_login(staff["editor"])
    html = html_of(client, change_url(article))
    assert "Gửi biên tập: <strong>Minh Thư</strong>" in html
