"""The writing desk in a real browser speaks only Vietnamese, including what JavaScript
builds: CKEditor's toolbar, format dropdown and dialogs (image, link, table, special
characters), the admin's calendar and clock, the permission picker and the select2
autocomplete. CKEditor's own "vi" files leave some labels in English ("Heading 2",
"Display Text", …); static/articles/ckeditor-newsroom/plugin.js supplies them.

Screenshots (390 and 1366 px) of the article form with the format dropdown open, the
article list and the photo library go to tests.browser.ARTEFACTS.
"""

from django.urls import reverse

from articles.models import Article
from tests.browser import BROWSER_TEST_MARKS, log_in, screenshot, wait_for_editor
from tests.english import english_in_html
from tests.factories import EDITOR_IN_CHIEF, make_article, make_category, make_photo, make_user

pytestmark = BROWSER_TEST_MARKS


def english_on_page(page):
    """English in the page and in every frame (CKEditor's editing area and panels)."""
    found = []
    for frame in page.frames:
        try:
            html = frame.content()
        except Exception:  # noqa: BLE001  (a frame that went away while we looked)
            continue
        found += [f"{frame.url or 'frame'}: {hit}" for hit in english_in_html(html)]
    return found


def _format_panel(page):
    """The format dropdown's panel frame, opened."""
    page.click("#cke_id_body .cke_combo__format .cke_combo_button")
    panel = page.frame_locator(".cke_combopanel iframe.cke_panel_frame").first
    panel.locator("a[title]").first.wait_for()
    return panel


def _dialog(page, button):
    """Click a toolbar button and return its dialog, shown."""
    page.click(f"#cke_id_body .cke_button__{button}")
    dialog = page.locator(".cke_dialog_body:visible")
    dialog.wait_for()
    return dialog


def _close_dialog(page):
    page.locator(".cke_dialog_body:visible .cke_dialog_ui_button_cancel").click()
    page.wait_for_function("!CKEDITOR.dialog.getCurrent()")


def test_article_form_and_ckeditor_dialogs_show_no_english(page, live_server):
    """The article add form, the format dropdown and the image, link, table and special
    character dialogs (every tab) show no English; the format names are Vietnamese."""
    make_category("Thời sự")
    make_user("tongbientap", EDITOR_IN_CHIEF)
    log_in(page, live_server, "tongbientap")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    problems = english_on_page(page)

    panel = _format_panel(page)
    labels = panel.locator("a[title]").all_inner_texts()
    assert [label.strip() for label in labels] == [
        "Đoạn văn",
        "Tiêu đề phụ",
        "Tiêu đề phụ cấp 2",
        "Tiêu đề phụ cấp 3",
    ]
    problems += english_on_page(page)
    page.keyboard.press("Escape")

    for button in ("image", "link", "table", "specialchar"):
        dialog = _dialog(page, button)
        tabs = dialog.locator(".cke_dialog_tab:visible")
        for index in range(max(tabs.count(), 1)):
            if tabs.count():
                tabs.nth(index).click()
            problems += [f"{button} dialog: {hit}" for hit in english_on_page(page)]
        _close_dialog(page)

    # The link dialog's link types and the table's header choices are <option>s.
    dialog = _dialog(page, "link")
    options = [option.strip() for option in dialog.locator("select option").all_inner_texts()]
    assert {"Đường dẫn", "Thư điện tử", "Điện thoại"} <= set(options)
    _close_dialog(page)

    # The admin's calendar and clock for "Hẹn giờ xuất bản": in the side panel of an
    # article waiting for approval (a new article cannot be scheduled yet).
    waiting = make_article(title="Bài chờ duyệt", status=Article.Status.EDITED)
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[waiting.pk]))
    wait_for_editor(page)
    page.click(".desk-schedule > summary")
    page.click(".datetimeshortcuts a:has(.date-icon)")
    page.wait_for_selector(".calendarbox:visible")
    page.click(".datetimeshortcuts a:has(.clock-icon)")
    page.wait_for_selector(".clockbox:visible")
    problems += english_on_page(page)
    assert problems == []
    assert page.log.errors == []


def test_permission_picker_and_autocomplete_show_no_english(page, live_server):
    """The group form's two-box permission picker (built by JavaScript) and the article
    form's category autocomplete, opened and searched, show no English."""
    make_category("Thời sự")
    make_user("quantri", is_superuser=True)
    log_in(page, live_server, "quantri")
    page.goto(live_server.url + reverse("admin:auth_group_add"))
    page.wait_for_selector(".selector-available")
    page.fill(".selector-available input.selector-filter, #id_permissions_input", "bài viết")
    assert "Được sửa bài viết" in page.inner_text(".selector-available")
    problems = english_on_page(page)

    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    page.click("#id_category + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "khong co")
    page.wait_for_selector(".select2-results__message")
    problems += english_on_page(page)
    assert problems == []


def _screens(page, live_server):
    """Article form with the format dropdown open, article list, photo library."""
    shots = []
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + reverse("admin:articles_article_add"))
        wait_for_editor(page)
        page.locator("#cke_id_body").scroll_into_view_if_needed()
        _format_panel(page)
        shots += screenshot(page, "i18n-article-add-format", widths=(width,))
    for name, url in (
        ("changelist", reverse("admin:articles_article_changelist")),
        ("photo-library", reverse("admin:articles_photo_changelist")),
    ):
        page.goto(live_server.url + url)
        shots += screenshot(page, f"i18n-{name}")
    return shots


def test_screenshots_of_the_vietnamese_desk(page, live_server):
    """Screenshots for a human to look at; each page also shows no English."""
    category = make_category("Thời sự")
    make_user("tongbientap", EDITOR_IN_CHIEF)
    photo = make_photo(caption="Hội nghị tổng kết ngành Công Thương", credit="Ảnh: Minh Thư")
    make_article(title="Giá xăng giảm lần thứ ba liên tiếp", category=category, photos=[photo])
    log_in(page, live_server, "tongbientap")
    shots = _screens(page, live_server)
    assert len(shots) == 6 and all(path.stat().st_size > 10_000 for path in shots)
    assert english_on_page(page) == []
