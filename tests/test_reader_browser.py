"""The reader's site in Chromium, phone to desktop: every public page passes axe-core
(WCAG 2 A/AA and best practices) at 390 and 1366 px and scrolls sideways at no width
from 320 px; the phone menu, compact cards, figures with caption and credit, reading
typography, print, share links; a reader's walk from the home page to a search.
Screenshots at 375/1280 and 390/1366 px go to the artefacts folder (tests/browser.py).
"""

import io
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import Article, Correction, SiteSettings
from tests.browser import ARTEFACTS, BROWSER_TEST_MARKS, axe_violations, screenshot
from tests.factories import make_article, make_author, make_category, make_photo

pytestmark = BROWSER_TEST_MARKS

AXE_TAGS = ("wcag2a", "wcag2aa", "best-practice")
SAMPLE_ID = 139085
SAMPLE_TITLE = "Ngành Công Thương tỉnh Thanh Hóa đẩy mạnh phong trào thi đua yêu nước"
CAPTION = "Công nhân kiểm tra dây chuyền đóng gói tại nhà máy ở Biên Hòa"
CREDIT = "Ảnh: Minh Thư"
SECTIONS = ["Thời sự", "Kinh tế", "Thị trường", "Năng lượng", "Địa phương", "Pháp luật", "Xã hội"]
BODY = (
    "<p>Đoạn mở đầu kể lại bối cảnh của câu chuyện, đủ dài để xuống nhiều dòng trên "
    "điện thoại và trên máy tính để bàn, như một đoạn văn thật của bài báo.</p>"
    "<h2>Xuất khẩu tăng mạnh trong quý cuối năm</h2>"
    '<p style="text-align: justify">Đoạn được căn đều hai bên từ trình soạn thảo: trên '
    "điện thoại, dòng ngắn sẽ có những khoảng trắng rất rộng giữa các chữ nếu giữ căn đều, "
    "nên trang căn trái ở màn hình hẹp.</p>"
    "<h3>Thị trường châu Âu</h3><p>Đoạn cuối của bài viết.</p>"
)


@pytest.fixture
def site(sample_path):
    """The paper's masthead, sections (one with sub-sections), 24 articles in a section
    (two pages), an article with a credited lead photo, a captioned body image, a
    justified paragraph, subheadings and a correction, and the sample imported without
    its photo (a caption with no image)."""
    settings = SiteSettings.load()
    settings.site_name = "Báo Công Thương"
    settings.hotline = "0866.59.4498"
    settings.owner_agency = "Bộ Công Thương"
    settings.save()
    trade = make_category("Công Thương", menu_position=1)
    exports = make_category("Xuất nhập khẩu", parent=trade)
    make_category("Thương mại điện tử", parent=trade)
    sections = {name: make_category(name, menu_position=n + 2) for n, name in enumerate(SECTIONS)}
    writer = make_author("Minh Thư", bio="Phóng viên mảng công nghiệp và thương mại.")
    other = make_author("Hoàng Anh")
    photo = make_photo(caption=CAPTION, credit=CREDIT, size=(1200, 800),
                       alt_text="Dây chuyền đóng gói trong nhà máy")  # fmt: skip
    now = timezone.now()
    for n in range(24):
        make_article(
            title=f"Doanh nghiệp xuất khẩu tìm thêm thị trường mới, kỳ {n + 1}",
            sapo="Nhiều doanh nghiệp chủ động tìm đơn hàng ở các thị trường có hiệp định.",
            category=exports if n % 2 else trade,
            authors=[writer] if n % 3 else [other],
            lead_photo=photo if n % 4 else None,  # some cards have no photo
            published_at=now - timedelta(hours=n + 2),
        )
    for n, category in enumerate(sections.values()):
        make_article(title=f"Tin {category.name.lower()} trong ngày", category=category,
                     lead_photo=photo, authors=[other],
                     published_at=now - timedelta(minutes=30 + n))  # fmt: skip
    inline = make_photo(caption=CAPTION, credit=CREDIT, size=(900, 600), alt_text="Nhà máy")
    body_figure = (
        f'<figure class="image"><img src="{inline.image.url}" alt="Nhà máy" width="900" '
        f'height="600"><figcaption>{CAPTION} <span class="photo-credit">{CREDIT}</span>'
        "</figcaption></figure>"
    )
    article = make_article(
        title="Xuất khẩu rau quả khởi sắc nhờ mở cửa thêm nhiều thị trường mới",
        sapo="Nhiều loại trái cây tươi của Việt Nam vừa được cấp phép vào các thị trường.",
        body=BODY + body_figure,
        category=exports,
        authors=[writer, other],
        lead_photo=photo,
        is_featured=True,
        published_at=now - timedelta(minutes=10),
    )
    Correction.objects.create(article=article, text="Sửa lại số liệu xuất khẩu quý III.")
    call_command("import_article", str(sample_path), "--id", SAMPLE_ID,
                 "--category", trade.slug, stdout=io.StringIO(), stderr=io.StringIO())  # fmt: skip
    sample = Article.objects.get(pk=SAMPLE_ID)
    return {"article": article, "sample": sample, "trade": trade, "writer": writer}


def public_pages(site):
    return {
        "home": "/",
        "category": site["trade"].get_absolute_url(),
        "category-page-2": site["trade"].get_absolute_url() + "?page=2",
        "article": site["article"].get_absolute_url(),
        "article-sample": site["sample"].get_absolute_url(),
        "author": site["writer"].get_absolute_url(),
        "search": "/tim-kiem/?q=thanh+hoa",
        "corrections": "/cai-chinh/",
        "rss": "/rss/",
        "404": "/khong-co-trang-nay/",
    }


def scroll_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def load(page, url):
    """Open the page and let lazy images load (for screenshots)."""
    page.goto(url)
    page.evaluate(
        """async () => {
            for (let y = 0; y < document.body.scrollHeight; y += 500) {
                window.scrollTo(0, y); await new Promise(r => setTimeout(r, 20))
            }
            window.scrollTo(0, 0)
        }"""
    )
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("width", [390, 1366])
def test_every_public_page_passes_axe(page, live_server, site, width):
    """No axe-core violation (WCAG 2 A/AA and best practices) on any public page, one h1
    each, alt text on every image, nothing wider than the screen, no script error."""
    page.set_viewport_size({"width": width, "height": 900})
    problems = {}
    for name, path in public_pages(site).items():
        load(page, live_server.url + path)
        violations = axe_violations(page, tags=AXE_TAGS)
        if violations:
            problems[name] = violations
        assert page.locator("h1").count() == 1, name
        assert page.locator("img:not([alt])").count() == 0, name
        assert scroll_width(page) <= width, name
        screenshot(page, f"reader-{name}", widths=(width,))
    assert problems == {}
    # The 404 page's own status is the only failure the browser reports.
    assert [e for e in page.log.errors if "status of 404" not in e] == []
    assert [line for line in page.log.failed if not line.startswith("404 ")] == []


def test_screenshots_at_375_and_1280(page, live_server, site):
    for name, path in public_pages(site).items():
        load(page, live_server.url + path)
        screenshot(page, f"reader-{name}", widths=(375, 1280))


def test_no_page_scrolls_sideways_from_320_px(page, live_server, site):
    for name, path in public_pages(site).items():
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(live_server.url + path)
        for width in (320, 360, 390, 768, 1024, 1366, 1920):
            page.set_viewport_size({"width": width, "height": 900})
            assert scroll_width(page) <= width, (name, width)
        # The menu opened on the narrowest phone fits too.
        page.set_viewport_size({"width": 320, "height": 700})
        page.click(".menu-button")
        assert scroll_width(page) <= 320, name


def test_menu_button_opens_the_full_section_list(page, live_server, site):
    """Phones: a labelled button opens every section; Escape closes it. Desktop: the
    whole bar, no button."""
    names = ["Trang chủ", "Công Thương", *SECTIONS]
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    button = page.get_by_role("button", name="Chuyên mục")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    menu = page.get_by_role("navigation", name="Chuyên mục", exact=True)
    expect(menu.get_by_role("link", name="Pháp luật")).to_be_hidden()
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    for name in names:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()
    assert axe_violations(page, tags=AXE_TAGS) == []
    screenshot(page, "reader-menu-open", widths=(390,), full_page=False)
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(menu.get_by_role("link", name="Pháp luật")).to_be_hidden()

    button.click()
    with page.expect_navigation():
        menu.get_by_role("link", name="Pháp luật").click()
    expect(page.locator("h1")).to_have_text("Pháp luật")

    page.set_viewport_size({"width": 1366, "height": 800})
    expect(page.locator(".menu-button")).to_be_hidden()
    for name in names:
        expect(menu.get_by_role("link", name=name, exact=True)).to_be_visible()


def test_menu_without_javascript_shows_every_section(browser, live_server, site):
    context = browser.new_context(viewport={"width": 390, "height": 800},
                                  java_script_enabled=False)  # fmt: skip
    page = context.new_page()
    page.goto(live_server.url + "/")
    expect(page.locator(".menu-button")).to_be_hidden()
    for name in ["Trang chủ", "Công Thương", *SECTIONS]:
        expect(
            page.locator("#menu-list").get_by_role("link", name=name, exact=True)
        ).to_be_visible()
    assert scroll_width(page) <= 390
    context.close()


def test_phone_home_uses_compact_cards_after_the_lead_story(page, live_server, site):
    """At 390 px the lead story has a full-width photo; every other card is a small
    thumbnail beside its headline, so the page is a fraction of its former height."""
    page.set_viewport_size({"width": 390, "height": 800})
    load(page, live_server.url + "/")
    lead = page.locator(".featured .card-photo img").bounding_box()
    assert lead["width"] >= 350
    cards = page.locator(".grid .card")
    assert cards.count() >= 15
    for index in range(cards.count()):
        card = cards.nth(index)
        text = card.locator(".card-title").bounding_box()
        photo = card.locator(".card-photo img")
        if photo.count():
            box = photo.bounding_box()
            assert box["width"] <= 130, index
            assert box["x"] + box["width"] <= text["x"], index  # beside, not above
        assert card.bounding_box()["height"] <= 190, index
    # About 100 px a card instead of 330 (a 16:9 photo at full width, then the text).
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 150 * cards.count() + 2000, height


def test_figures_show_caption_and_credit_apart(page, live_server, site):
    """Lead and body figures: the credit on its own line under the caption; a figure
    with a caption but no image (the sample imported without its photo) is as wide as
    the text, not a column one word wide."""
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + site["article"].get_absolute_url())
        for figure in (page.locator("figure.photo").first, page.locator(".article-body figure")):
            caption = figure.locator("figcaption")
            credit = caption.locator(".photo-credit")
            expect(credit).to_have_text(CREDIT)
            lines = caption.evaluate(
                """element => {
                    const range = document.createRange()
                    range.selectNodeContents(element.firstChild)
                    const text = range.getBoundingClientRect()
                    const credit = element.querySelector('.photo-credit').getBoundingClientRect()
                    return {textBottom: text.bottom, creditTop: credit.top}
                }"""
            )
            assert lines["creditTop"] >= lines["textBottom"] - 1, (width, lines)
        page.goto(live_server.url + site["sample"].get_absolute_url())
        body = page.locator(".article-body").bounding_box()
        figure = page.locator(".article-body figure").bounding_box()
        assert figure["width"] >= body["width"] * 0.9, (width, figure, body)
        assert figure["height"] < 120, (width, figure)


def test_list_cards_without_photo_use_the_whole_row(page, live_server, site):
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        for path in (site["trade"].get_absolute_url(), site["writer"].get_absolute_url()):
            page.goto(live_server.url + path)
            card = page.locator(".list .card.card-text-only").first
            assert card.count() == 1, path
            text = card.locator(".card-text").bounding_box()
            assert text["width"] >= card.bounding_box()["width"] - 2, (width, path)


def test_reading_typography(page, live_server, site):
    """Body text about 18 px with line height about 1.6 in Noto Serif (our own file, with
    every Vietnamese letter), lines at most 70 characters, subheadings smaller than the
    headline, justified paragraphs set left on phones."""
    url = live_server.url + site["article"].get_absolute_url()
    for width, align in ((390, "left"), (1366, "justify")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.evaluate("document.fonts.ready")
        style = page.evaluate(
            """() => {
                const size = s => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)
                const p = document.querySelector('.article-body p')
                const ch = document.createElement('div')
                ch.style.width = '70ch'
                p.appendChild(ch)
                const measure = ch.getBoundingClientRect().width
                ch.remove()
                const justified = document.querySelector('.article-body p.align-justify')
                return {
                    h1: size('h1'), h2: size('.article-body h2'), h3: size('.article-body h3'),
                    p: size('.article-body p'),
                    lineHeight: parseFloat(getComputedStyle(p).lineHeight),
                    lineWidth: p.getBoundingClientRect().width, measure,
                    align: getComputedStyle(justified).textAlign,
                    family: getComputedStyle(p).fontFamily,
                    font: document.fonts.check('18px "Noto Serif"', 'Thanh Hóa đẩy mạnh ưu đãi'),
                }
            }"""
        )
        assert 17 <= style["p"] <= 20, style
        assert 1.5 <= style["lineHeight"] / style["p"] <= 1.75, style
        assert style["lineWidth"] <= style["measure"] + 1, style
        assert style["h1"] > style["h2"] > style["h3"] >= style["p"], style
        assert style["align"] == align, style
        assert style["family"].startswith('"Noto Serif"'), style
        assert style["font"] is True, style
    fonts = [url for url in page.log.requests if url.endswith(".woff2")]
    assert fonts and all(url.startswith(live_server.url + "/static/fonts/") for url in fonts)
    foreign = [u for u in page.log.requests if not u.startswith((live_server.url, "data:"))]
    assert foreign == []


def test_keyboard_reader_skips_to_the_content(page, live_server, site):
    page.goto(live_server.url + site["article"].get_absolute_url())
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Chuyển đến nội dung chính")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    outline = skip.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_print_shows_the_article_alone_with_its_address(page, live_server, site):
    """Print media: no menus, search, side column or share buttons; the article's address
    under the headline; photos no taller than a third of the page; the print button
    calls the browser's print."""
    article = site["article"]
    url = live_server.url + article.get_absolute_url()
    page.goto(url)
    page.evaluate("() => { window.print = () => { window.printed = (window.printed || 0) + 1 } }")
    page.get_by_role("button", name="In bài viết").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    for selector in (".menu", ".search-box", ".page-aside", ".article-tools", ".topbar",
                     ".breadcrumb", ".footer-sections"):  # fmt: skip
        expect(page.locator(selector).first).to_be_hidden()
    expect(page.locator(".print-url")).to_be_visible()
    expect(page.locator(".print-url")).to_have_text(f"Địa chỉ bài viết: {url}")
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".article-body")).to_contain_text("Đoạn cuối của bài viết.")
    heights = page.locator("figure img").evaluate_all("els => els.map(e => e.height)")
    assert heights and max(heights) <= 345  # 9 cm at 96 px per inch
    page.pdf(path=str(ARTEFACTS / "reader-article-print.pdf"))
    page.emulate_media(media="screen")
    expect(page.locator(".print-url")).to_be_hidden()


def test_share_links_and_copy_button(browser, live_server, site):
    """Facebook and Zalo are plain links carrying the escaped absolute URL; the copy
    button puts the URL on the clipboard and says so; the system share button shows
    only where the browser has one."""
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="vi-VN")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page = context.new_page()
    url = live_server.url + site["article"].get_absolute_url()
    page.goto(url)
    encoded = quote(url, safe="")
    tools = page.get_by_role("group", name="Chia sẻ và in bài viết")
    facebook = tools.get_by_role("link", name="Chia sẻ lên Facebook")
    zalo = tools.get_by_role("link", name="Chia sẻ lên Zalo")
    expect(facebook).to_have_attribute(
        "href", f"https://www.facebook.com/sharer/sharer.php?u={encoded}"
    )
    expect(zalo).to_have_attribute("href", f"https://sp.zalo.me/share_inline?url={encoded}")
    for link in (facebook, zalo):
        expect(link).to_have_attribute("rel", "noopener")
    tools.get_by_role("button", name="Sao chép liên kết").click()
    expect(page.get_by_role("status")).to_have_text("Đã sao chép liên kết bài viết.")
    assert page.evaluate("navigator.clipboard.readText()") == url
    share = tools.locator("[data-share-url]")
    if page.evaluate("typeof navigator.share === 'function'"):
        expect(share).to_be_visible()
        expect(share).to_have_attribute("data-share-url", url)
    else:
        expect(share).to_be_hidden()
    assert axe_violations(page, tags=AXE_TAGS) == []
    context.close()


def test_a_reader_goes_from_home_to_a_search(page, live_server, site):
    """Home → a section from the menu → an article → the header search without accents
    finds the Thanh Hóa article."""
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="Chuyên mục").click()
    with page.expect_navigation():
        page.locator("#menu-list").get_by_role("link", name="Công Thương", exact=True).click()
    expect(page.locator("h1")).to_have_text("Công Thương")
    with page.expect_navigation():
        page.locator(".list .card-title a").first.click()
    expect(page.locator("h1.article-title")).to_be_visible()
    box = page.get_by_label("Tìm kiếm bài viết")
    box.fill("thanh hoa")
    box.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=thanh+hoa")
    result = page.locator(".search-results .card-title a").first
    expect(result).to_contain_text("Thanh Hóa")
    with page.expect_navigation():
        result.click()
    expect(page.locator("h1")).to_have_text(SAMPLE_TITLE)
    expect(page.locator(".article-body figcaption")).to_contain_text("9 tập thể")
    assert page.log.errors == []


def test_written_in_the_newsroom_read_on_the_site(page, live_server, reporter, tmp_path):
    """A reporter writes in CKEditor with a photo from the image dialog (caption and
    credit required) and submits; an editor forwards; a managing editor publishes (the
    reporter's pen name as byline); a reader sees the figure with its caption and, on a
    line of its own, its credit — at 375 and 1280 px."""
    from django.urls import reverse

    from tests.browser import log_in, wait_for_editor
    from tests.factories import EDITOR, MANAGING_EDITOR, image_bytes, make_user
    from tests.test_desk_browser import open_from_queue, switch_to
    from tests.test_desk_pages_browser import (
        DIALOG,
        choose_category,
        dialog_field,
        editor_html,
        open_image_dialog,
    )

    make_author("Thu Hường", user=reporter)
    make_category("Thời sự")
    make_user("bientap", EDITOR)
    make_user("thuky", MANAGING_EDITOR)
    title = "Nhà máy chế biến nông sản ở Biên Hòa vào vụ cao điểm"

    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    expect(page.locator("#desk-bylines .select2-selection__rendered")).to_have_text("Thu Hường")
    page.fill("#id_title", title)
    page.fill("#id_sapo", "Các nhà máy chạy hết công suất để kịp đơn hàng cuối năm.")
    body = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame").locator("body")
    body.click()
    body.fill("Dây chuyền đóng gói hoạt động liên tục ba ca mỗi ngày.")
    open_image_dialog(page)
    page.click(f"{DIALOG} .cke_dialog_tab:has-text('Tải lên')")
    picture = tmp_path / "nha-may.png"
    picture.write_bytes(image_bytes((1000, 600), fmt="PNG"))
    page.frame_locator("iframe.cke_dialog_ui_input_file").locator(
        "input[type=file]"
    ).set_input_files(str(picture))
    page.click(f"{DIALOG} .cke_dialog_ui_fileButton")
    page.wait_for_function(
        "() => CKEDITOR.dialog.getCurrent().getValueOf('info', 'src').includes('/media/photos/')"
    )
    dialog_field(page, "Chú thích (bắt buộc)").fill(CAPTION)
    dialog_field(page, "Tác giả ảnh / nguồn (bắt buộc)").fill(CREDIT)
    dialog_field(page, "Văn bản thay thế").fill("Công nhân bên dây chuyền đóng gói")
    page.click(f"{DIALOG} .cke_dialog_ui_button_ok")
    expect(page.locator(DIALOG)).to_be_hidden()
    page.wait_for_function("() => CKEDITOR.instances.id_body.getData().includes('photo-credit')")
    # The editor leaves an empty paragraph after the figure: write the next one there.
    body.locator("> p").last.click()
    page.keyboard.type("Đơn hàng xuất khẩu đã kín đến hết quý sau.")
    html = editor_html(page)
    assert "<figcaption>" in html and "<p>&nbsp;</p>" not in html, html
    choose_category(page, "Thời sự")
    with page.expect_navigation():
        page.click("button[name=_transition][value=submit]")
    expect(page.locator(".messagelist .success")).to_contain_text("Đã “Gửi biên tập”")
    article = Article.objects.get(title=title)

    switch_to(page, live_server, "bientap")
    open_from_queue(page, live_server, "cho-bien-tap", article)
    with page.expect_navigation():
        page.click("button[name=_transition][value=forward]")
    expect(page.locator(".messagelist .success")).to_contain_text("Chờ duyệt")

    switch_to(page, live_server, "thuky")
    open_from_queue(page, live_server, "cho-duyet", article)
    expect(page.locator("#desk-bylines .select2-selection__rendered")).to_have_text("Thu Hường")
    with page.expect_navigation():
        page.click("button[name=_transition][value=publish]")
    expect(page.locator(".messagelist .success")).to_contain_text("Đã xuất bản")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(live_server.url + Article.objects.get(pk=article.pk).get_absolute_url())
    expect(page.locator("h1")).to_have_text(title)
    figure = page.locator(".article-body figure")
    expect(figure.locator("img")).to_have_attribute("alt", "Công nhân bên dây chuyền đóng gói")
    expect(figure.locator("figcaption")).to_contain_text(CAPTION)
    credit = figure.locator(".photo-credit")
    expect(credit).to_have_text(CREDIT)
    assert credit.evaluate("e => getComputedStyle(e).display") == "block"
    expect(page.locator(".byline")).to_have_text("Thu Hường")
    assert axe_violations(page, tags=AXE_TAGS) == []
    load(page, page.url)
    screenshot(page, "reader-published-from-desk", widths=(375, 1280, 390, 1366))
    assert page.log.errors == []
