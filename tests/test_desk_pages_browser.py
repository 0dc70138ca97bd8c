"""The screens around the article form, in headless Chromium (Debian's) via Playwright:
the image dialog (caption, credit, alt text required and stored), the library browser
window, the queue pages (axe-core: no serious or critical WCAG 2 A/AA violation), and
history, comparison and preview. Screenshots at 390 px and 1366 px go to the artefacts
folder (tests/browser.py) for a human to look at.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import editing, services
from articles.models import Article, ArticleEvent, ArticleRevision, Photo
from articles.renditions import generate_renditions
from tests.browser import (
    BROWSER_TEST_MARKS,
    PASSWORD,
    axe_violations,
    log_in,
    screenshot,
    wait_for_editor,
)
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    REPORTER,
    image_bytes,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = BROWSER_TEST_MARKS

DIALOG = ".cke_dialog_body"
STATUS = f"{DIALOG} [role=alert]"


def dialog_field(page, label):
    """The dialog's input labelled `label` (CKEditor links label and input by id)."""
    return page.locator(DIALOG).get_by_label(label, exact=True)


def open_image_dialog(page):
    page.click("#cke_id_body .cke_button__image")
    page.wait_for_selector(DIALOG)


def editor_html(page):
    return page.evaluate("CKEDITOR.instances.id_body.getData()")


def choose_category(page, name):
    page.click("#id_category + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", name[:4])
    page.click(f".select2-results__option:has-text('{name}')")


def test_image_dialog_requires_caption_and_credit_and_stores_them(page, live_server, reporter,
                                                                   tmp_path):  # fmt: skip
    """Upload in the dialog; OK without caption and credit is refused in Vietnamese and
    inserts nothing; with them, the library photo stores caption, credit and alt text
    and the body gets the captioned, credited figure, kept on save."""
    category = make_category("Thời sự")
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    open_image_dialog(page)
    for label in ("Chú thích (bắt buộc)", "Tác giả ảnh / nguồn (bắt buộc)", "Văn bản thay thế"):
        expect(dialog_field(page, label)).to_be_visible()
    expect(page.locator(DIALOG)).not_to_contain_text("Ảnh có chú thích")  # always captioned
    screenshot(page, "desk-image-dialog", full_page=False)

    page.click(f"{DIALOG} .cke_dialog_tab:has-text('Tải lên')")
    picture = tmp_path / "hoi-nghi.png"
    picture.write_bytes(image_bytes((800, 450), fmt="PNG"))
    upload_frame = page.frame_locator("iframe.cke_dialog_ui_input_file")
    upload_frame.locator("input[type=file]").set_input_files(str(picture))
    page.click(f"{DIALOG} .cke_dialog_ui_fileButton")
    page.wait_for_function(
        "() => CKEDITOR.dialog.getCurrent().getValueOf('info', 'src').includes('/media/photos/')"
    )
    photo = Photo.objects.get()
    assert (photo.uploaded_by, photo.caption, photo.credit) == (reporter, "", "")

    page.click(f"{DIALOG} .cke_dialog_ui_button_ok")
    expect(page.locator(STATUS)).to_have_text(
        "Cần nhập chú thích ảnh. Cần ghi tác giả ảnh / nguồn."
    )
    expect(dialog_field(page, "Chú thích (bắt buộc)")).to_have_attribute("aria-invalid", "true")
    assert "<figure" not in editor_html(page)
    screenshot(page, "desk-image-dialog-refused", full_page=False)

    dialog_field(page, "Chú thích (bắt buộc)").fill("Toàn cảnh hội nghị tổng kết")
    page.click(f"{DIALOG} .cke_dialog_ui_button_ok")
    expect(page.locator(STATUS)).to_have_text("Cần ghi tác giả ảnh / nguồn.")
    assert "<figure" not in editor_html(page)

    dialog_field(page, "Tác giả ảnh / nguồn (bắt buộc)").fill("Ảnh: Minh Thư")
    dialog_field(page, "Văn bản thay thế").fill("Hội trường kín đại biểu")
    page.click(f"{DIALOG} .cke_dialog_ui_button_ok")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.wait_for_function("() => CKEDITOR.instances.id_body.getData().includes('photo-credit')")
    html = editor_html(page)
    assert 'alt="Hội trường kín đại biểu"' in html and f'src="{photo.image.url}"' in html
    assert (
        '<figcaption>Toàn cảnh hội nghị tổng kết <span class="photo-credit">Ảnh: Minh Thư'
        "</span></figcaption>"
    ) in html
    photo.refresh_from_db()
    assert (photo.caption, photo.credit, photo.alt_text) == (
        "Toàn cảnh hội nghị tổng kết",
        "Ảnh: Minh Thư",
        "Hội trường kín đại biểu",
    )

    # Editing the figure again: the dialog shows what the figure says; a changed
    # caption goes to the figure and to the library photo.
    page.evaluate(
        "Object.values(CKEDITOR.instances.id_body.widgets.instances)"
        ".find(w => w.name === 'image').edit()"
    )
    page.wait_for_selector(DIALOG)
    caption = dialog_field(page, "Chú thích (bắt buộc)")
    expect(caption).to_have_value("Toàn cảnh hội nghị tổng kết")
    expect(dialog_field(page, "Tác giả ảnh / nguồn (bắt buộc)")).to_have_value("Ảnh: Minh Thư")
    expect(dialog_field(page, "Văn bản thay thế")).to_have_value("Hội trường kín đại biểu")
    caption.fill("Toàn cảnh hội nghị tổng kết năm 2024")
    page.click(f"{DIALOG} .cke_dialog_ui_button_ok")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.wait_for_function("() => CKEDITOR.instances.id_body.getData().includes('năm 2024')")
    assert editor_html(page).count("<figure") == 1
    photo.refresh_from_db()
    assert photo.caption == "Toàn cảnh hội nghị tổng kết năm 2024"

    page.fill("#id_title", "Hội nghị tổng kết ngành Công Thương")
    choose_category(page, category.name)
    page.click("button.desk-btn--save")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get()
    assert '<figure class="image">' in article.body
    assert (
        "<figcaption>Toàn cảnh hội nghị tổng kết năm 2024 "
        '<span class="photo-credit">Ảnh: Minh Thư</span></figcaption>'
    ) in article.body
    assert list(article.body_photos.all()) == [photo]
    assert page.log.errors == [] and page.log.failed == []


def test_browse_window_shows_thumbnails_searches_and_fills_the_dialog(page, live_server):
    """ "Chọn trong thư viện" (CKEditor's "Duyệt máy chủ") opens the library: small
    renditions, captions and credits, a search; picking a photo fills the dialog with its
    caption, credit and alt text, and inserting it changes nothing in the library (the
    values were not edited)."""
    editor = make_user("bientap", EDITOR, password=PASSWORD)
    old_town = make_photo("Phố cổ Hội An về đêm", "Ảnh: Hoàng Anh", size=(1200, 800),
                          uploaded_by=editor, alt_text="Đèn lồng trên phố cổ")  # fmt: skip
    fields = make_photo("Ruộng bậc thang Mù Cang Chải", "Ảnh: Minh Thư", size=(1200, 800),
                        uploaded_by=editor)  # fmt: skip
    for photo in (old_town, fields):
        generate_renditions(photo)
    log_in(page, live_server, "bientap")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    open_image_dialog(page)
    with page.expect_popup() as popup_info:
        page.click(f"{DIALOG} a.cke_dialog_ui_button:has-text('Chọn trong thư viện')")
    browser = popup_info.value
    browser.log = page.log
    browser.wait_for_url(f"**{reverse('articles:editor_browse')}?*")
    browser.wait_for_selector("#photos img")
    sources = browser.eval_on_selector_all("#photos img", "imgs => imgs.map(i => i.src)")
    assert len(sources) == 2 and all("/media/renditions/" in src for src in sources)
    expect(browser.locator("#photos")).to_contain_text("Ảnh: Hoàng Anh")
    screenshot(browser, "desk-library-browser")

    browser.fill("input[type=search]", "pho co")
    browser.click("button:has-text('Tìm')")
    expect(browser.locator("#photos li")).to_have_count(1)
    expect(browser.locator("#photos")).to_contain_text("Phố cổ Hội An về đêm")
    saves = []
    page.on(
        "request", lambda r: r.method == "POST" and "thong-tin-anh" in r.url and saves.append(r)
    )
    with browser.expect_event("close"):
        browser.click("#photos a")

    expect(dialog_field(page, "Chú thích (bắt buộc)")).to_have_value("Phố cổ Hội An về đêm")
    expect(dialog_field(page, "Tác giả ảnh / nguồn (bắt buộc)")).to_have_value("Ảnh: Hoàng Anh")
    expect(dialog_field(page, "Văn bản thay thế")).to_have_value("Đèn lồng trên phố cổ")
    page.click(f"{DIALOG} .cke_dialog_ui_button_ok")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.wait_for_function("() => CKEDITOR.instances.id_body.getData().includes('photo-credit')")
    html = editor_html(page)
    assert f'src="{old_town.image.url}"' in html
    assert 'Phố cổ Hội An về đêm <span class="photo-credit">Ảnh: Hoàng Anh</span>' in html
    assert saves == []
    assert page.log.errors == []


def test_a_photo_the_writer_may_not_change_keeps_its_library_values(page, live_server,
                                                                     reporter):  # fmt: skip
    """A colleague's photo readers already see: typing its address fills the dialog from
    the library with a note; a caption changed here goes into this figure only."""
    colleague = make_user("phongvien2", REPORTER)
    photo = make_photo("Cảng Hải Phòng", "Ảnh: TTXVN", uploaded_by=colleague)
    make_article(title="Bài đã đăng", lead_photo=photo, category=make_category("Kinh tế"))
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    open_image_dialog(page)
    dialog_field(page, "Địa chỉ ảnh").fill(photo.image.url)
    caption = dialog_field(page, "Chú thích (bắt buộc)")
    expect(caption).to_have_value("Cảng Hải Phòng")
    expect(dialog_field(page, "Tác giả ảnh / nguồn (bắt buộc)")).to_have_value("Ảnh: TTXVN")
    expect(page.locator(STATUS)).to_contain_text("chỉ dùng cho bài này")
    caption.fill("Cảng Hải Phòng sáng 5/3")
    page.click(f"{DIALOG} .cke_dialog_ui_button_ok")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.wait_for_function("() => CKEDITOR.instances.id_body.getData().includes('sáng 5/3')")
    assert 'Cảng Hải Phòng sáng 5/3 <span class="photo-credit">Ảnh: TTXVN</span>' in (
        editor_html(page)
    )
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("Cảng Hải Phòng", "Ảnh: TTXVN")
    assert page.log.errors == [] and page.log.failed == []


def _queue_data():
    reporter = make_user("phongvien", REPORTER, password=PASSWORD, first_name="Minh",
                         last_name="Thư")  # fmt: skip
    editor = make_user("bientap", EDITOR, password=PASSWORD, first_name="Hoàng", last_name="Anh")
    economy = make_category("Kinh tế")
    market = make_category("Thị trường", parent=economy)
    author = make_author("Minh Thư")
    now = timezone.now()
    titles = [
        "Giá xăng giảm lần thứ ba liên tiếp, về mức thấp nhất từ đầu năm",
        "Xuất khẩu gạo tăng mạnh trong quý I",
        "Hội chợ hàng Việt thu hút hơn 300 doanh nghiệp",
    ]
    for index, title in enumerate(titles):
        article = make_article(title=title, category=market if index else economy,
                               status=Article.Status.DRAFT, created_by=reporter,
                               authors=[author])  # fmt: skip
        services.transition_article(article, "submit", by=reporter)
        article.events.update(created_at=now - timedelta(hours=5 - index))
    returned = make_article(title="Bài bị trả lại vì thiếu nguồn", category=economy,
                            status=Article.Status.DRAFT, created_by=reporter)  # fmt: skip
    services.transition_article(returned, "submit", by=reporter)
    services.transition_article(returned, "return", by=editor, reason="Thiếu nguồn ở đoạn hai")
    make_article(title="Bản nháp chưa gửi", status=Article.Status.DRAFT, created_by=reporter,
                 category=economy)  # fmt: skip
    editing.mark_presence(Article.objects.get(title=titles[1]), editor)


def test_queue_pages_pass_axe_and_look_right(page, live_server):
    """ "Chờ biên tập" for the editor and "Bài của tôi" for the reporter: titled with the
    queue, no serious or critical axe-core violation, returned article marked."""
    _queue_data()
    log_in(page, live_server, "bientap")
    queues = live_server.url + reverse("admin:articles_article_changelist")
    page.goto(queues + "?hang_doi=cho-bien-tap")
    expect(page.locator("h1")).to_have_text("Chờ biên tập")
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    expect(page.locator("#result_list tbody tr").first).to_contain_text("chờ 5 giờ")
    assert axe_violations(page, impacts={"serious", "critical"}) == []
    screenshot(page, "desk-queue-editor")
    page.set_viewport_size({"width": 390, "height": 900})  # "3 kết quả (tổng số 5)" wraps
    assert axe_violations(page, impacts={"serious", "critical"}) == []
    page.set_viewport_size({"width": 1280, "height": 900})

    page.context.clear_cookies()  # log out
    log_in(page, live_server, "phongvien")
    page.goto(queues + "?hang_doi=cua-toi")
    expect(page.locator("h1")).to_have_text("Bài của tôi")
    badge = page.locator("#result_list .newsroom-badge-returned")
    expect(badge).to_have_text("Bị trả lại")
    assert axe_violations(page, impacts={"serious", "critical"}) == []
    screenshot(page, "desk-queue-reporter")
    page.set_viewport_size({"width": 390, "height": 900})  # the phone layout (cards)
    expect(page.locator("#result_list thead")).to_be_hidden()
    assert axe_violations(page, impacts={"serious", "critical"}) == []
    assert page.log.errors == []


def test_history_compare_and_preview_screens(page, live_server):
    """The history (names, restore per row), the visual comparison with its HTML toggle,
    and the preview with the public chrome, at phone and desktop widths."""
    managing = make_user("thukytoasoan", MANAGING_EDITOR, password=PASSWORD, first_name="Lan",
                         last_name="Anh")  # fmt: skip
    reporter = make_user("phongvien", REPORTER, first_name="Minh", last_name="Thư")
    category = make_category("Kinh tế")
    make_category("Thời sự")
    photo = make_photo("Cây xăng trên phố Lê Duẩn", "Ảnh: Minh Thư", size=(800, 450))
    generate_renditions(photo)
    figure = (
        f'<figure class="image"><img alt="Cây xăng" src="{photo.image.url}" width="800" '
        f'height="450"><figcaption>Cây xăng trên phố Lê Duẩn <span class="photo-credit">'
        f"Ảnh: Minh Thư</span></figcaption></figure>"
    )
    old = (
        "<p>Liên Bộ Công Thương - Tài chính điều chỉnh giá xăng dầu chiều nay, giá xăng "
        "giảm 500 đồng mỗi lít.</p><p>Đây là lần giảm thứ hai liên tiếp.</p>"
    )
    new = (
        "<p>Liên Bộ Công Thương - Tài chính điều chỉnh giá xăng dầu chiều nay, giá xăng "
        "giảm 700 đồng mỗi lít.</p>" + figure + "<h2>Dầu diesel đứng giá</h2>"
        "<p>Đây là lần giảm thứ ba liên tiếp.</p>"
    )
    article = make_article(title="Giá xăng giảm lần thứ ba liên tiếp", category=category,
                           body=new, created_by=reporter)  # fmt: skip
    for number, (body, user) in enumerate([(old, reporter), (new, managing)], start=1):
        ArticleRevision.objects.create(article=article, number=number, created_by=user,
                                       content={"title": article.title, "body": body})  # fmt: skip
    ArticleEvent.objects.create(article=article, actor=reporter, action="submit",
                                from_status="draft", to_status="submitted")  # fmt: skip
    ArticleEvent.objects.create(article=article, actor=managing, action="return",
                                from_status="submitted", to_status="returned",
                                reason="Thêm ảnh và số liệu dầu diesel")  # fmt: skip
    log_in(page, live_server, "thukytoasoan")

    page.goto(live_server.url + reverse("admin:articles_article_history", args=[article.pk]))
    expect(page.locator("#events")).to_contain_text("Thêm ảnh và số liệu dầu diesel")
    expect(page.locator("#revisions")).to_contain_text("Minh Thư")
    expect(page.locator("#revisions button:has-text('Khôi phục #1')")).to_be_visible()
    assert axe_violations(page, impacts={"serious", "critical"}) == []
    screenshot(page, "desk-history")

    page.click("button:has-text('So sánh hai phiên bản đã chọn')")
    expect(page.locator("#diff-body ins").first).to_be_visible()
    expect(page.locator("#diff-body del").first).to_have_text("500")
    expect(page.locator("#diff-body-html")).to_be_hidden()
    screenshot(page, "desk-compare")
    page.click("summary:has-text('Xem mã HTML')")
    expect(page.locator("#diff-body-html")).to_be_visible()
    assert axe_violations(page, impacts={"serious", "critical"}) == []
    screenshot(page, "desk-compare-html")

    page.goto(live_server.url + reverse("admin:articles_article_preview", args=[article.pk]))
    expect(page.locator(".preview-banner")).to_contain_text("bài đang hiển thị với độc giả")
    expect(page.locator("nav.menu")).to_contain_text("Thời sự")
    expect(page.locator("time.today")).to_be_visible()
    screenshot(page, "desk-preview")
    assert page.log.errors == [] and page.log.failed == []
