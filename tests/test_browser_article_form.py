"""The admin's own JavaScript, run in Chromium: static/articles/article-form.js (autosave,
recovery after a lost session, presence heartbeat and release on leaving) and
static/articles/focal-point.js (the photo's focal point).

The form's timers (autosave every 30 s, heartbeat every 60 s) run on Playwright's fake
clock: `page.clock.install()` before the page loads, then `fast_forward` fires them at
once; everything else (CKEditor included) keeps real time.
"""

import io
import json
import re
import time

from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image
from playwright.sync_api import expect

from articles.models import TRANSITIONS, Article, Autosave, EditPresence, Photo
from articles.renditions import generate_renditions
from articles.text import article_datetime
from tests.browser import (
    BROWSER_TEST_MARKS,
    PASSWORD,
    TIMEOUT_MS,
    log_in,
    screenshot,
    wait_for_editor,
)
from tests.factories import MANAGING_EDITOR, make_article, make_category, make_user

pytestmark = BROWSER_TEST_MARKS

AUTOSAVE_URL = reverse("admin:articles_article_autosave")
SNAPSHOT_DELAY_MS = 2_000  # the form notes what is saved 1.5 s after loading
AUTOSAVE_EVERY_MS = 30_000
HEARTBEAT_EVERY_MS = 60_000


def change_url(live_server, article):
    return live_server.url + reverse("admin:articles_article_change", args=[article.pk])


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def body_html(page):
    return page.evaluate("CKEDITOR.instances.id_body.getData()")


def set_body(page, html):
    page.evaluate("html => CKEDITOR.instances.id_body.setData(html)", html)
    page.wait_for_function(
        "text => CKEDITOR.instances.id_body.getData().includes(text)", arg=html[3:-4]
    )


def open_form(page, live_server, article):
    page.goto(change_url(live_server, article))
    wait_for_editor(page)
    page.clock.fast_forward(SNAPSHOT_DELAY_MS)


def is_post_to(path):
    return lambda response: path in response.url and response.request.method == "POST"


def eventually(condition, timeout=10):
    """Poll a database condition a browser request (a beacon) makes true."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def draft_of(reporter):
    make_category("Thời sự")
    return make_article(
        title="Tiêu đề đã lưu",
        status=Article.Status.DRAFT,
        created_by=reporter,
        body="<p>Thân bài đã lưu.</p>",
    )


# -- autosave --


def autosave_once(page, live_server, draft):
    """Open the draft, change title and body, let the autosave timer fire; return the
    autosave response."""
    page.clock.install()
    log_in(page, live_server, "phongvien")
    open_form(page, live_server, draft)
    page.fill("#id_title", "Tiêu đề sửa dở")
    set_body(page, "<p>Đoạn viết dở chưa lưu.</p>")
    with page.expect_response(is_post_to(AUTOSAVE_URL)) as autosave:
        page.clock.fast_forward(AUTOSAVE_EVERY_MS)
    return autosave.value


def test_autosave_timer_posts_the_form_and_says_when(page, live_server, reporter):
    """Every 30 s the form's text goes to the server (and to localStorage), and the form
    says "Đã lưu tạm lúc <time>."; the article itself is not saved. With nothing changed
    since, the next tick posts nothing."""
    draft = draft_of(reporter)
    response = autosave_once(page, live_server, draft)
    assert response.status == 200
    autosave = Autosave.objects.get(user=reporter, key=str(draft.pk))
    assert autosave.content["title"] == "Tiêu đề sửa dở"
    assert "Đoạn viết dở chưa lưu." in autosave.content["body"]
    assert autosave.base_version == draft.version
    expect(page.locator("#newsroom-autosave-status")).to_have_text(
        f"Đã lưu tạm lúc {article_datetime(autosave.saved_at)}."
    )
    stored = page.evaluate("key => localStorage.getItem(key)", f"newsroom-autosave-{draft.pk}")
    assert json.loads(stored)["title"] == "Tiêu đề sửa dở"
    assert Article.objects.get(pk=draft.pk).title == "Tiêu đề đã lưu"

    posts = len([url for url in page.log.requests if AUTOSAVE_URL in url])
    page.clock.fast_forward(AUTOSAVE_EVERY_MS)
    page.wait_for_timeout(300)
    assert len([url for url in page.log.requests if AUTOSAVE_URL in url]) == posts
    assert page.log.errors == []


def test_after_a_lost_session_the_form_offers_the_text_back(page, live_server, reporter):
    """The session is lost after an autosave: the next one fails with a Vietnamese
    notice, the local copy still gets the newest text; after logging in again the form
    offers "Khôi phục bản lưu tạm", which puts the text back into the title and CKEditor,
    and saving stores it."""
    draft = draft_of(reporter)
    assert autosave_once(page, live_server, draft).status == 200

    page.context.clear_cookies()  # the session expired
    page.fill("#id_title", "Tiêu đề viết tiếp khi đã mất phiên")
    with page.expect_response(is_post_to(AUTOSAVE_URL)) as refused:
        page.clock.fast_forward(AUTOSAVE_EVERY_MS)
    assert not refused.value.ok
    expect(page.locator("#newsroom-autosave-status")).to_contain_text(
        "Không lưu tạm được lên máy chủ (có thể phiên đăng nhập đã hết hạn)."
    )
    stored = page.evaluate("key => localStorage.getItem(key)", f"newsroom-autosave-{draft.pk}")
    assert json.loads(stored)["title"] == "Tiêu đề viết tiếp khi đã mất phiên"

    log_in(page, live_server, "phongvien")
    open_form(page, live_server, draft)
    offer = page.locator("#newsroom-autosave")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("Có bản lưu tạm chưa được lưu chính thức lúc")
    assert page.input_value("#id_title") == "Tiêu đề đã lưu"
    assert "Thân bài đã lưu." in body_html(page)
    screenshot(page, "article-form-autosave-offer")

    page.click("#newsroom-restore-autosave")
    assert page.input_value("#id_title") == "Tiêu đề sửa dở"
    page.wait_for_function(
        "() => CKEDITOR.instances.id_body.getData().includes('Đoạn viết dở chưa lưu.')"
    )
    frame = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    expect(frame.locator("body")).to_contain_text("Đoạn viết dở chưa lưu.")
    expect(offer).to_be_hidden()
    expect(page.locator("#newsroom-autosave-status")).to_have_text(
        "Đã khôi phục bản lưu tạm; hãy kiểm tra rồi bấm Lưu."
    )

    page.click("button.desk-btn--save")
    page.wait_for_selector(".messagelist .success")
    saved = Article.objects.get(pk=draft.pk)
    assert saved.title == "Tiêu đề sửa dở"
    assert "Đoạn viết dở chưa lưu." in saved.body
    assert not Autosave.objects.filter(user=reporter).exists()
    # The local copy goes once the reloaded form shows the saved text (not at submit:
    # tests/test_browser_local_copy.py).
    wait_for_editor(page)
    page.clock.fast_forward(SNAPSHOT_DELAY_MS)
    page.wait_for_function(
        "key => localStorage.getItem(key) === null", arg=f"newsroom-autosave-{draft.pk}"
    )
    # The only errors: the refusals while the session was lost (the autosave, the
    # heartbeat and the leaving page's beacon); no script error (the slug preview once
    # threw on the login page it was redirected to).
    refused = {re.sub(r"^403 https?://[^/]+", "", line) for line in page.log.failed}
    assert refused <= {AUTOSAVE_URL, presence_url(draft)}, page.log.failed
    assert [e for e in page.log.errors if "status of 403" not in e] == []


# -- presence --


def test_heartbeat_shows_another_editors_notice_live_and_leaving_releases_it(
    browser, page, live_server
):
    """Thu Hà has the article open; Văn Nam opens it in his own browser. Thu Hà's page
    shows "Đang được sửa bởi Văn Nam …" at its next heartbeat, without reloading; when
    Nam leaves the page (pagehide → sendBeacon), his presence is released and Thu Hà's
    next heartbeat hides the notice."""
    make_user("thuha", MANAGING_EDITOR, first_name="Thu", last_name="Hà", password=PASSWORD)
    nam = make_user(
        "namnguyen", MANAGING_EDITOR, first_name="Văn", last_name="Nam", password=PASSWORD
    )
    make_category("Thời sự")
    article = make_article(title="Bài hai người cùng sửa", status=Article.Status.SUBMITTED)
    page.clock.install()
    log_in(page, live_server, "thuha")
    open_form(page, live_server, article)
    notice = page.locator("#newsroom-presence")
    expect(notice).to_be_hidden()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        other = context.new_page()
        log_in(other, live_server, "namnguyen")
        other.goto(change_url(live_server, article))
        expect(other.locator("#newsroom-presence")).to_contain_text("Đang được sửa bởi Thu Hà từ")
        assert EditPresence.objects.filter(user=nam, article=article).exists()

        with page.expect_response(is_post_to(presence_url(article))) as heartbeat:
            page.clock.fast_forward(HEARTBEAT_EVERY_MS)
        assert heartbeat.value.status == 200
        expect(notice).to_be_visible()
        expect(notice).to_have_text(
            re.compile(r"^Đang được sửa bởi Văn Nam từ \d\d:\d\d \d\d/\d\d/\d{4}$")
        )
        screenshot(page, "article-form-presence")

        other.goto(live_server.url + reverse("admin:articles_article_changelist"))
        assert eventually(lambda: not EditPresence.objects.filter(user=nam).exists())
    finally:
        context.close()

    with page.expect_response(is_post_to(presence_url(article))):
        page.clock.fast_forward(HEARTBEAT_EVERY_MS)
    expect(notice).to_be_hidden()
    assert page.log.errors == []


def test_leaving_releases_the_presence_even_without_the_right_to_edit(page, live_server, reporter):
    """The reporter's article was submitted while the form was open (another tab): when
    they leave the page its beacon is still accepted and their notice goes at once."""
    draft = draft_of(reporter)
    log_in(page, live_server, "phongvien")
    page.goto(change_url(live_server, draft))
    wait_for_editor(page)
    assert EditPresence.objects.filter(user=reporter, article=draft).exists()
    draft.move(TRANSITIONS["submit"], by=reporter)  # the state alone: presence stays
    assert not draft.can_edit(reporter)
    assert EditPresence.objects.filter(user=reporter, article=draft).exists()

    page.goto(live_server.url + reverse("admin:index"))
    assert eventually(lambda: not EditPresence.objects.filter(user=reporter).exists())


def test_submitting_from_the_form_leaves_no_notice(page, live_server, reporter):
    """ "Lưu và gửi biên tập" in the browser: saved, submitted, and the reporter is no
    longer announced as editing."""
    draft = draft_of(reporter)
    log_in(page, live_server, "phongvien")
    page.goto(change_url(live_server, draft))
    wait_for_editor(page)
    page.click("button[name=_transition][value=submit]")
    page.wait_for_selector(".messagelist .success")
    assert Article.objects.get(pk=draft.pk).status == Article.Status.SUBMITTED
    assert eventually(lambda: not EditPresence.objects.filter(user=reporter).exists())
    assert not [line for line in page.log.failed if "/presence/" in line]


# -- focal point --


def two_colour_photo(uploaded_by):
    """800×600: a red band on the left 100 px, blue elsewhere. A square crop centred on
    the middle misses the band; one pulled to the left edge starts in it."""
    image = Image.new("RGB", (800, 600), (20, 60, 200))
    image.paste((220, 20, 20), (0, 0, 100, 600))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=95)
    photo = Photo(caption="Hội nghị", credit="Ảnh: Minh Thư", uploaded_by=uploaded_by)
    photo.image.save("hoi-nghi.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()
    generate_renditions(photo)
    return photo


def left_edge_colour(photo, kind="1x1-320"):
    rendition = photo.renditions.get(kind=kind, format="jpg")
    with rendition.file.open("rb") as handle, Image.open(handle) as image:
        return image.convert("RGB").getpixel((2, image.height // 2))


def test_clicking_the_photo_sets_the_focal_point_and_saving_regenerates_crops(
    page, live_server, reporter
):
    photo = two_colour_photo(reporter)
    before = set(photo.renditions.values_list("file", flat=True))
    red, _green, blue = left_edge_colour(photo)
    assert blue > red  # centred: the square crop misses the red band

    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_photo_change", args=[photo.pk]))
    image = page.locator("[data-focal-point] img")
    image.wait_for()
    box = image.bounding_box()
    image.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    focal_x, focal_y = (
        float(page.input_value("#id_focal_x")),
        float(page.input_value("#id_focal_y")),
    )
    assert abs(focal_x - 0.25) < 0.01 and abs(focal_y - 0.75) < 0.01
    marker = page.locator(".focal-point-marker")
    assert marker.evaluate("m => m.style.left") == f"{focal_x * 100:g}%"
    assert marker.evaluate("m => m.style.top") == f"{focal_y * 100:g}%"
    screenshot(page, "photo-focal-point")

    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist .success")
    photo.refresh_from_db()
    assert (photo.focal_x, photo.focal_y) == (focal_x, focal_y)
    after = set(photo.renditions.values_list("file", flat=True))
    assert after and not after & before  # regenerated
    red, _green, blue = left_edge_colour(photo)
    assert red > blue  # the square crop now starts at the left edge, in the red band
    assert page.log.errors == []
