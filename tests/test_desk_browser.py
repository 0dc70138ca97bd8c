"""The writing screen in Chromium: one article's whole trip (write with a captioned,
credited lead photo, return with a reason, fix, resubmit, forward, publish, read),
axe-core on every screen of it, screenshots at 390 and 1366 px, Ctrl+S, and images
inserted in CKEditor held to the column's width."""

import base64

from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from tests.browser import (
    BROWSER_TEST_MARKS,
    axe_violations,
    log_in,
    screenshot,
    wait_for_editor,
)
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    image_bytes,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = BROWSER_TEST_MARKS

SERIOUS = {"serious", "critical"}
TITLE = "Cảng Hải Phòng đón tàu container lớn nhất từ trước đến nay"
SAPO = "Sáng nay, tàu container có sức chở 14.000 TEU cập cảng Lạch Huyện."
BODY = "Tàu dài 366 m, rộng 51 m, cập cầu số 5 lúc 8 giờ sáng."
CAPTION = "Tàu container cập cảng Lạch Huyện sáng 12/3"
CREDIT = "Ảnh: Minh Thư"
REASON = "Sapo thiếu thông tin: đây có phải lần đầu tàu cỡ này vào cảng miền Bắc?"


def switch_to(page, live_server, username):
    page.context.clear_cookies()
    log_in(page, live_server, username)


def open_from_queue(page, live_server, queue, article):
    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}?hang_doi={queue}")
    with page.expect_navigation():
        page.click(f"a[href*='/{article.pk}/change/']")
    wait_for_editor(page)


def shot(page, name):
    """Screenshots from the top of the page (the sticky status card would otherwise be
    captured wherever the last action scrolled to)."""
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, name)


def assert_accessible(page, where):
    violations = axe_violations(page, impacts=SERIOUS)
    assert violations == [], f"{where}: {violations}"


def pick(page, field_id, term, option):
    page.click(f"#{field_id} + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", term)
    page.click(f".select2-results__option:has-text('{option}')")


def test_an_article_travels_the_chain_on_the_writing_screen(page, live_server, reporter):
    make_author("Minh Thư", user=reporter)
    make_category("Thời sự")
    make_user("bientap", EDITOR, first_name="Hoàng", last_name="Anh")
    make_user("thuky", MANAGING_EDITOR)
    photo = make_photo(caption="", credit="", uploaded_by=reporter,
                       original_filename="cang-hai-phong.jpg", size=(1200, 800))  # fmt: skip

    # The reporter writes: the byline is already theirs; caption and credit in place.
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    expect(page.locator("#desk-bylines .select2-selection__rendered")).to_have_text("Minh Thư")
    assert_accessible(page, "add form")
    page.fill("#id_title", TITLE)
    expect(page.locator("#desk-title-count")).to_have_text(f"{len(TITLE)}/120 ký tự")
    page.fill("#id_sapo", SAPO)
    body = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    body.fill(BODY)
    expect(page.locator("#desk-body-count")).to_have_text("15 chữ · khoảng 1 phút đọc")
    pick(page, "id_category", "Thời", "Thời sự")
    pick(page, "id_lead_photo", "cang", "cang-hai-phong")
    expect(page.locator("#id_lead_photo_caption")).to_be_enabled()
    expect(page.locator("[data-desk-lead-thumb]")).to_be_visible()
    page.fill("#id_lead_photo_caption", CAPTION)
    page.fill("#id_lead_photo_credit", CREDIT)
    shot(page, "desk-add-reporter")
    with page.expect_navigation():
        page.click("button[name=_transition][value=submit]")
    expect(page.locator(".messagelist .success")).to_contain_text("Đã “Gửi biên tập”")
    article = Article.objects.get()
    assert article.status == Article.Status.SUBMITTED
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == (CAPTION, CREDIT)

    # The section editor returns it, with the reason typed next to the button.
    switch_to(page, live_server, "bientap")
    open_from_queue(page, live_server, "cho-bien-tap", article)
    assert_accessible(page, "editor's screen")
    shot(page, "desk-change-editor")
    reason_box = page.locator("#desk-reason")
    expect(reason_box).to_be_hidden()
    page.click("button[data-reason-for=return]")
    expect(reason_box).to_be_visible()
    expect(page.locator("#id_workflow_reason")).to_be_focused()
    page.fill("#id_workflow_reason", REASON)
    assert_accessible(page, "reason box open")
    with page.expect_navigation():
        page.click("#desk-reason button[name=_transition][value=return]")
    expect(page.locator(".messagelist .success")).to_contain_text("Bị trả lại")

    # The reporter sees it stand out in the queue, and the reason at the top.
    switch_to(page, live_server, "phongvien")
    page.goto(f"{live_server.url}{reverse('admin:articles_article_changelist')}?hang_doi=cua-toi")
    expect(page.locator(".article-status--returned")).to_have_text("Bị trả lại")
    open_from_queue(page, live_server, "bi-tra-lai", article)
    notice = page.locator(".desk-returned")
    expect(notice).to_contain_text(REASON)
    expect(notice).to_contain_text("Hoàng Anh")
    assert_accessible(page, "returned article")
    shot(page, "desk-returned")
    page.fill("#id_sapo", SAPO + " Đây là lần đầu một tàu cỡ này vào cảng miền Bắc.")
    with page.expect_navigation():
        page.click("button[name=_transition][value=submit]")
    expect(page.locator(".messagelist .success")).to_be_visible()

    # The editor forwards; the managing editor publishes.
    switch_to(page, live_server, "bientap")
    open_from_queue(page, live_server, "cho-bien-tap", article)
    with page.expect_navigation():
        page.click("button[name=_transition][value=forward]")
    expect(page.locator(".messagelist .success")).to_contain_text("Chờ duyệt")
    switch_to(page, live_server, "thuky")
    open_from_queue(page, live_server, "cho-duyet", article)
    expect(page.locator(".desk-check--fail, .desk-check--warn")).to_have_count(0)
    assert_accessible(page, "managing editor's screen")
    shot(page, "desk-change-managing")
    publish = page.locator("button[name=_transition][value=publish]")
    page.click(".desk-schedule summary")
    page.fill("#id_publish_at_0", "01/01/2099")
    page.fill("#id_publish_at_1", "08:00")
    expect(publish).to_have_text("Hẹn giờ xuất bản")
    assert_accessible(page, "schedule open")
    page.fill("#id_publish_at_0", "")
    expect(publish).to_have_text("Xuất bản")
    page.fill("#id_publish_at_1", "")
    with page.expect_navigation():
        page.click("button[name=_transition][value=publish]")
    expect(page.locator(".messagelist .success")).to_contain_text("Đã xuất bản")
    article.refresh_from_db()
    assert article.is_published

    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    wait_for_editor(page)
    expect(page.locator(".desk-links")).to_contain_text("Xem trên trang web")
    expect(page.locator(".desk-links")).not_to_contain_text("Xem trước")
    assert_accessible(page, "published article")
    shot(page, "desk-published")
    assert page.log.errors == []
    assert page.log.failed == []

    # The reader sees the figure with its caption and credit.
    page.context.clear_cookies()
    page.goto(live_server.url + article.get_absolute_url())
    figure = page.locator("figure.photo figcaption").first
    expect(figure).to_contain_text(CAPTION)
    expect(figure).to_contain_text(CREDIT)


def test_a_reporter_only_reads_a_submitted_article(page, live_server, reporter):
    article = make_article(title="Bài đã gửi", status=Article.Status.SUBMITTED,
                           published_at=None, created_by=reporter, source="")  # fmt: skip
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    expect(page.locator(".desk-readonly-title")).to_have_text("Bài đã gửi")
    text = page.inner_text("#content")
    assert "None" not in text and "Workflow" not in text
    assert_accessible(page, "read-only view")
    shot(page, "desk-readonly-reporter")


def test_ctrl_s_saves_and_stays(page, live_server, reporter):
    article = make_article(title="Bản nháp", status=Article.Status.DRAFT, published_at=None,
                           created_by=reporter)  # fmt: skip
    url = live_server.url + reverse("admin:articles_article_change", args=[article.pk])
    log_in(page, live_server, "phongvien")
    page.goto(url)
    wait_for_editor(page)
    page.fill("#id_title", "Bản nháp đã sửa")
    with page.expect_navigation():
        page.keyboard.press("Control+s")
    assert page.url.startswith(url)
    expect(page.locator(".messagelist .success")).to_be_visible()
    wait_for_editor(page)
    body = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    page.keyboard.type(" Thêm một câu.")
    with page.expect_navigation():
        page.keyboard.press("Control+s")  # inside the editor too
    article.refresh_from_db()
    assert article.title == "Bản nháp đã sửa"
    assert "Thêm một câu." in article.body


def test_autosave_and_presence_still_run_on_the_screen(page, live_server, reporter):
    """The writing screen keeps article-form.js working: 30 s after a change the text
    is saved to the server and the panel says so."""
    article = make_article(title="Bản nháp", status=Article.Status.DRAFT, published_at=None,
                           created_by=reporter)  # fmt: skip
    log_in(page, live_server, "phongvien")
    page.clock.install()
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    wait_for_editor(page)
    page.clock.run_for(2_000)
    page.fill("#id_sapo", "Sapo viết dở, chưa bấm lưu.")
    page.clock.run_for(31_000)
    expect(page.locator("#newsroom-autosave-status")).to_contain_text("Đã lưu tạm lúc")
    assert article.pk and page.log.errors == []


UPLOAD_JS = r"""async ({pngBase64}) => {
    const editor = CKEDITOR.instances.id_body
    const bytes = Uint8Array.from(atob(pngBase64), c => c.charCodeAt(0))
    const loader = editor.uploadRepository.create(new Blob([bytes], {type: 'image/png'}), 'a.png')
    const done = new Promise(resolve => {
        for (const event of ['uploaded', 'error', 'abort']) loader.on(event, () => resolve(event))
    })
    loader.upload(editor.config.uploadUrl)
    return {outcome: await done, url: loader.url || null}
}"""


def test_an_uploaded_image_shows_at_most_at_the_editors_width(page, live_server, reporter):
    """Uploaded through CKEditor's own path, a 1600 px image inserted as a captioned
    figure fits the editing column (contentsCss), on a desktop and on a phone."""
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    png = base64.b64encode(image_bytes((1600, 900), fmt="PNG")).decode()
    result = page.evaluate(UPLOAD_JS, {"pngBase64": png})
    assert result["outcome"] == "uploaded", result
    figure = (
        f'<figure class="image"><img src="{result["url"]}" alt="" width="1600" height="900">'
        "<figcaption>Tàu cập cảng</figcaption></figure><p>Đoạn sau ảnh.</p>"
    )
    page.evaluate("html => CKEDITOR.instances.id_body.setData(html)", figure)
    frame = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    expect(frame.locator("figure.image img")).to_be_visible()
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        measured = page.evaluate(
            """() => {
                const doc = CKEDITOR.instances.id_body.document.$
                const img = doc.querySelector("figure.image img")
                return {img: img.getBoundingClientRect().width, body: doc.body.clientWidth,
                        scroll: doc.documentElement.scrollWidth,
                        view: doc.documentElement.clientWidth}
            }"""
        )
        assert 0 < measured["img"] <= measured["body"], (width, measured)
        assert measured["scroll"] <= measured["view"], (width, measured)
    shot(page, "desk-add-wide-image")
