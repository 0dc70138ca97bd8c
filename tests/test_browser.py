"""End-to-end tests in headless Chromium (Debian's, never a downloaded one) via Playwright.

They drive the real admin (login form, CKEditor, select2, slug preview, image upload with
CSRF) and the public article page against pytest-django's ``live_server``, which serves
static files (CKEditor's included) through the staticfiles finders.
"""

import base64
from datetime import datetime

from django.templatetags.static import static
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Photo
from tests.browser import BROWSER_TEST_MARKS, axe_violations, log_in, wait_for_editor
from tests.factories import VN, image_bytes, make_article, make_author, make_category

pytestmark = BROWSER_TEST_MARKS


def test_journalist_writes_an_article_in_the_admin(page, live_server, reporter):
    """A journalist logs in, CKEditor loads with its image button, the slug preview shows the
    server's Vietnamese slug ("da-nang-mua-lon", not urlify's "dja-nng-ma-ln"), and saving
    the form (body from CKEditor, category from the select2 autocomplete) stores a draft."""
    category = make_category("Thời sự")
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    assert page.locator("#cke_id_body.cke").is_visible()
    assert page.locator("#cke_id_body .cke_button__image").is_visible()

    page.fill("#id_title", "Đà Nẵng mưa lớn")
    preview = page.locator(".slug-preview")
    expect(preview).to_have_attribute("data-slug", "da-nang-mua-lon")
    expect(preview).to_contain_text("Đường dẫn sẽ lưu: da-nang-mua-lon")

    page.evaluate(
        "html => CKEDITOR.instances.id_body.setData(html)",
        "<p>Mưa lớn kéo dài khiến nhiều tuyến phố ngập sâu.</p>",
    )
    body_frame = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    expect(body_frame.locator("body")).to_contain_text("nhiều tuyến phố ngập")

    # The category is an autocomplete (select2) widget: open it, search, pick.
    page.click("#id_category + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Thời")
    page.click(".select2-results__option:has-text('Thời sự')")
    assert page.input_value("#id_category") == str(category.pk)

    page.click("button.desk-btn--save")  # "Lưu nháp": saves and stays on the article
    page.wait_for_selector(".messagelist .success")
    assert page.log.errors == []
    assert page.log.failed == []

    article = Article.objects.get()
    assert article.title == "Đà Nẵng mưa lớn"
    assert article.slug == "da-nang-mua-lon"
    assert article.status == Article.Status.DRAFT
    assert article.category == category
    # CKEditor posts "s&acirc;u"; the stored body is plain UTF-8 text again.
    assert "Mưa lớn kéo dài khiến nhiều tuyến phố ngập sâu." in article.body
    assert article.created_by == reporter


UPLOAD_JS = r"""async ({pngBase64, name}) => {
    const editor = CKEDITOR.instances.id_body
    const bytes = Uint8Array.from(atob(pngBase64), c => c.charCodeAt(0))
    const blob = new Blob([bytes], {type: 'image/png'})
    const loader = editor.uploadRepository.create(blob, name)
    const done = new Promise(resolve => {
        for (const event of ['uploaded', 'error', 'abort']) {
            loader.on(event, () => resolve(event))
        }
    })
    loader.upload(editor.config.uploadUrl)
    const outcome = await done
    return {
        outcome, status: loader.status, url: loader.url || null,
        httpStatus: loader.xhr.status,
        response: loader.xhr.responseText.replace(/<style[^]*?<\/style>/g, '')
            .replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 300),
    }
}"""

PLAIN_POST_JS = """async ({url, pngBase64}) => {
    const bytes = Uint8Array.from(atob(pngBase64), c => c.charCodeAt(0))
    const form = new FormData()
    form.append('upload', new Blob([bytes], {type: 'image/png'}), 'b.png')
    const response = await fetch(url, {method: 'POST', body: form, credentials: 'same-origin'})
    return response.status
}"""


def upload_from_editor(page, png_bytes, name="a.png"):
    """Upload through CKEditor's own XHR path; returns (outcome, headers of the request)."""
    upload_url = reverse("articles:editor_upload")
    headers = []
    page.on(
        "request",
        lambda request: (
            request.method == "POST"
            and upload_url in request.url
            and headers.append(request.headers)
        ),
    )
    png = base64.b64encode(png_bytes).decode()
    return page.evaluate(UPLOAD_JS, {"pngBase64": png, "name": name}), headers


def test_image_upload_from_ckeditor_sends_the_csrf_token(page, live_server, reporter):
    """CKEditor's own XHR upload (fileTools, as used by paste/drop and the image dialog)
    reaches the CSRF-protected upload view thanks to editor-csrf.js, and stores a Photo;
    the same POST without the X-CSRFToken header is refused with 403."""
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    upload_url = reverse("articles:editor_upload")
    assert page.evaluate("CKEDITOR.instances.id_body.config.uploadUrl") == upload_url

    png_bytes = image_bytes((40, 30), fmt="PNG")
    result, headers = upload_from_editor(page, png_bytes)
    assert result["outcome"] == "uploaded", f"{result['httpStatus']}: {result['response']}"
    assert result["status"] == "uploaded" and result["httpStatus"] == 200
    photo = Photo.objects.get()
    assert photo.uploaded_by == reporter
    assert result["url"] == photo.image.url
    assert (photo.width, photo.height) == (40, 30)
    # The header editor-csrf.js added carries the page's CSRF token.
    assert len(headers) == 1
    assert headers[0].get("x-csrftoken") == page.input_value("input[name=csrfmiddlewaretoken]")
    assert page.log.errors == []

    png = base64.b64encode(png_bytes).decode()
    status = page.evaluate(PLAIN_POST_JS, {"url": upload_url, "pngBase64": png})
    assert status == 403
    assert Photo.objects.count() == 1


def test_csrf_header_also_for_an_editor_created_before_the_script_ran(page, live_server, reporter):
    """Django's media merge puts editor-csrf.js before ckeditor.js, so whether CKEditor's
    instance exists before the script sees CKEDITOR is a race (it once made uploads fail
    with "CSRF token missing"). Forced here: the script is held back until the editor is
    ready, and the upload must still carry the token."""
    script = "**/static/articles/editor-csrf.js"
    page.route(script, lambda route: route.fulfill(body="", content_type="text/javascript"))
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    page.unroute(script)
    page.add_script_tag(url=static("articles/editor-csrf.js"))

    result, headers = upload_from_editor(page, image_bytes((20, 20), fmt="PNG"))
    assert result["outcome"] == "uploaded", f"{result['httpStatus']}: {result['response']}"
    assert headers[0].get("x-csrftoken") == page.input_value("input[name=csrfmiddlewaretoken]")
    assert Photo.objects.get().uploaded_by == reporter


def test_public_article_page_renders_cleanly(page, live_server):
    """The article page shows its title and "HH:MM | DD/MM/YYYY" time, logs no JS or console
    errors, and requests nothing from any other host. Screenshots (desktop and 360 px mobile)
    go to /tmp for a human to look at."""
    category = make_category("Kinh tế")
    article = make_article(
        title="Ngành Công Thương tỉnh Thanh Hóa đẩy mạnh thi đua",
        category=category,
        published_at=datetime(2020, 6, 18, 18, 35, tzinfo=VN),
        sapo="Ngày 18/6, Công đoàn ngành Công Thương tổ chức hội nghị.",
        body="<p>Đoạn một.</p><h2>Tiêu đề phụ</h2><p>Đoạn hai.</p>",
        authors=[make_author("Minh Thư"), make_author("Hoàng Anh")],
    )
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_load_state("networkidle")

    assert page.inner_text("h1").strip() == "Ngành Công Thương tỉnh Thanh Hóa đẩy mạnh thi đua"
    assert page.inner_text(".article-time time").strip() == "18:35 | 18/06/2020"
    assert page.inner_text(".article-time .view-count").strip() == "Lượt xem: 0"
    assert "Đoạn hai." in page.inner_text(".article-body")
    assert page.inner_text(".byline").strip() == "Minh Thư - Hoàng Anh"
    assert page.log.errors == []
    assert page.log.failed == []
    foreign = [
        url
        for url in page.log.requests
        if not url.startswith(live_server.url + "/") and not url.startswith("data:")
    ]
    assert foreign == []

    page.screenshot(path="/tmp/article-page.png", full_page=True)
    page.set_viewport_size({"width": 360, "height": 740})
    page.screenshot(path="/tmp/article-page-mobile.png", full_page=True)
    # Nothing wider than the phone screen (no horizontal scrolling).
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_admin_change_form_loads_ckeditor_without_errors(page, live_server, reporter):
    """Editing an existing article: the change form loads with CKEditor initialised on the
    stored body, the slug preview shows the stored slug, and no JS errors are logged."""
    article = make_article(
        title="Hà Nội đón đợt không khí lạnh",
        status=Article.Status.DRAFT,
        created_by=reporter,  # reporters open only their own articles
        body="<p>Nhiệt độ giảm sâu vào cuối tuần.</p>",
    )
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
    wait_for_editor(page)
    page.wait_for_load_state("networkidle")

    body_frame = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    expect(body_frame.locator("body p")).to_have_text("Nhiệt độ giảm sâu vào cuối tuần.")
    assert page.locator("#cke_id_body .cke_button__image").is_visible()
    expect(page.locator(".slug-preview")).to_have_attribute(
        "data-slug", "ha-noi-don-dot-khong-khi-lanh"
    )
    assert page.input_value("#id_title") == "Hà Nội đón đợt không khí lạnh"
    assert page.log.errors == []
    assert page.log.failed == []


def test_axe_runs_and_finds_a_planted_violation(page, live_server):
    """The vendored axe-core loads and reports: an image without alt text is caught."""
    make_article(title="Bài thử axe")
    page.goto(live_server.url + "/")
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<img src=\"/x.png\">')")
    ids = {violation["id"] for violation in axe_violations(page)}
    assert "image-alt" in ids


def test_header_clock_shows_the_time_now_in_ha_noi(page, live_server):
    """A cached page carries its build time; the header's clock script replaces it with
    the reader's current time in Hà Nội, as the paper prints it."""
    make_article(title="Bài thử đồng hồ")
    page.clock.set_fixed_time(datetime(2020, 9, 26, 23, 35, tzinfo=VN))
    page.goto(live_server.url + "/")
    expect(page.locator("time.today")).to_have_text("Thứ bảy 26/09/2020 23:35")
    assert page.log.errors == []
