"""The article page's discovery parts in a real browser: the view beacon fires once per
opening (also when the page comes from the page cache) and the count shows after a
flush; screenshots of the article, tag and thread pages at phone and desktop widths."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import readership, services
from articles.models import Article, ArticleViewTotal, EventThread, Photo, RelatedArticle
from articles.renditions import generate_renditions
from tests.browser import (
    BROWSER_TEST_MARKS,
    PageLog,
    axe_violations,
    log_in,
    screenshot,
    wait_for_editor,
)
from tests.factories import image_bytes, make_article, make_author, make_category

pytestmark = BROWSER_TEST_MARKS


# Headless Chromium says "HeadlessChrome" in its User-Agent, which the counter rightly
# takes for a bot: the reader's browser here says what a desktop Chrome says.
READER_UA = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


@pytest.fixture
def reader_page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="vi-VN", user_agent=READER_UA
    )
    page = context.new_page()
    page.log = PageLog(page)
    yield page
    context.close()


def beacons(page, article):
    path = f"/api/luot-xem/{article.pk}/"
    return [url for url in page.log.requests if url.endswith(path)]


def test_a_headless_browser_is_not_counted(page, live_server):
    article = make_article("Tin cho máy đọc")
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(e => e.name.includes('/api/luot-xem/'))"
    )
    page.wait_for_timeout(300)
    assert len(beacons(page, article)) == 1
    assert readership.pending() == {} and not ArticleViewTotal.objects.exists()


def test_opening_an_article_fires_the_beacon_once_and_the_count_shows_after_a_flush(
    reader_page, live_server, settings
):
    page = reader_page
    settings.PAGE_CACHE_SECONDS = 60  # as in production: the page comes from the cache
    article = make_article("Giá điện tăng từ hôm nay", authors=[make_author("Minh Thư")])
    page.goto(live_server.url + article.get_absolute_url())
    page.wait_for_function(
        "() => performance.getEntriesByType('resource')"
        ".some(e => e.name.includes('/api/luot-xem/'))"
    )
    page.wait_for_timeout(300)  # a second beacon would have been sent by now
    assert len(beacons(page, article)) == 1
    assert page.log.errors == [] and page.log.failed == []
    assert "Lượt xem: 0" in page.inner_text(".article-time")

    readership.flush()
    assert ArticleViewTotal.objects.get(article=article).total == 1

    # Another reader (a fresh browser context, another address would count again; the
    # same address within ten minutes does not): the cached page still sends its beacon.
    page.context.clear_cookies()
    response = page.goto(live_server.url + article.get_absolute_url())
    assert response.headers.get("x-page-cache") in ("HIT", "MISS")
    page.wait_for_timeout(300)
    assert len(beacons(page, article)) == 2  # one per opening
    readership.flush()
    assert ArticleViewTotal.objects.get(article=article).total == 1  # the same reader
    settings.PAGE_CACHE_SECONDS = 0  # a fresh build shows the flushed figure
    page.goto(live_server.url + article.get_absolute_url() + "?lan=3")  # not the browser's copy
    assert "Lượt xem: 1" in page.inner_text(".article-time")


def _newsroom_day():
    """A small front page: a running story with its thread, tags, related picks, views."""
    now = timezone.now()
    economy = make_category("Kinh tế")
    energy = make_category("Năng lượng", parent=economy)
    society = make_category("Xã hội")
    thread = EventThread.objects.create(
        title="Giá xăng dầu 2024",
        description="Mọi lần điều chỉnh giá xăng dầu trong năm và tác động tới thị trường.",
    )
    authors = [make_author("Minh Thư"), make_author("Hoàng Anh")]
    colours = [(180, 40, 40), (40, 110, 170), (60, 140, 80), (200, 150, 40), (120, 70, 150)]
    photos = []
    for number, colour in enumerate(colours):
        photo = Photo(caption=f"Ảnh minh họa {number}", credit="Ảnh: Minh Thư")
        upload = SimpleUploadedFile("p.jpg", image_bytes((1200, 800), colour))
        photo.image.save(f"p{number}.jpg", upload, save=False)
        photo.save()
        generate_renditions(photo)
        photos.append(photo)
    titles = [
        ("Giá xăng giảm lần thứ ba liên tiếp, về mức thấp nhất từ đầu năm", energy, True),
        ("Liên Bộ Công Thương - Tài chính công bố giá cơ sở mới", energy, True),
        ("Doanh nghiệp đầu mối được trích lập quỹ bình ổn giá", economy, True),
        ("Giá dầu thế giới biến động mạnh sau quyết định của OPEC+", economy, True),
        ("Cửa hàng xăng dầu phải xuất hóa đơn điện tử từng lần bán", energy, True),
        ("Hà Nội cấm xe máy chạy xăng trong vành đai 1 từ năm 2026", society, False),
        ("Xuất khẩu gạo tăng mạnh trong quý I", economy, False),
        ("Thị trường vàng trong nước tăng theo giá thế giới", economy, False),
        ("Điện mặt trời mái nhà: hướng dẫn mới về đấu nối", energy, False),
        ("Giá xăng tác động thế nào tới chỉ số giá tiêu dùng", energy, False),
        ("Tiết kiệm nhiên liệu: những thói quen lái xe nên bỏ", energy, False),
        ("Lãi suất tiết kiệm tiếp tục giảm ở nhiều ngân hàng", economy, False),
        ("Chỉ số PMI ngành sản xuất trở lại mức tăng trưởng", economy, False),
        ("Thu hút vốn FDI quý I đạt hơn 6 tỷ USD", economy, False),
    ]
    articles = []
    for number, (title, category, in_thread) in enumerate(titles):
        article = make_article(
            title,
            category=category,
            thread=thread if in_thread else None,
            published_at=now - timedelta(hours=number * 5 + 1),
            authors=authors[: number % 2 + 1],
            lead_photo=photos[number % len(photos)],
            sapo="Theo thông báo của liên Bộ, giá các mặt hàng xăng dầu được điều chỉnh từ 15 giờ.",
        )
        tags = ["Giá xăng", "Bộ Công Thương"] if in_thread else ["Hà Nội"]
        if category is energy and not in_thread:
            tags = ["Giá xăng", "Năng lượng"]
        services.set_article_tags(article, [*tags, "Thị trường"] if number % 3 == 0 else tags)
        articles.append(article)
    lead = articles[0]
    RelatedArticle.objects.create(article=lead, related=articles[6], position=0)
    for number, article in enumerate(articles):
        for reader in range(len(articles) - number + (3 if number == 5 else 0)):
            readership.record_view(article.pk, f"10.0.{number}.{reader}")
    # Earlier in the week: the week's list differs from the day's.
    for reader in range(30):
        readership.record_view(articles[7].pk, f"10.9.0.{reader}", now=now - timedelta(days=3))
    readership.flush()
    return lead, thread, len(articles)  # the lead article has one view per article


def test_screenshots_of_the_article_tag_and_thread_pages(page, live_server):
    lead, thread, lead_views = _newsroom_day()
    page.goto(live_server.url + lead.get_absolute_url())
    assert page.locator(".article-tags a[rel=tag]").count() == 3
    assert page.locator(".thread-box .teaser").count() == 4
    assert page.locator(".related .teaser").count() >= 1
    assert page.locator(".page-aside .most-read li").count() >= 5
    assert f"Lượt xem: {lead_views}" in page.inner_text(".article-time")
    assert page.locator(".page-aside .aside-box .teaser").count() >= 1
    serious = axe_violations(page, impacts={"serious", "critical"})
    assert serious == [], serious
    shots = screenshot(page, "discovery-article")
    page.goto(live_server.url + "/tu-khoa/gia-xang/")
    assert page.locator(".list .card").count() == 8  # five in the thread, three more
    shots += screenshot(page, "discovery-tag")
    page.goto(live_server.url + thread.get_absolute_url())
    assert page.inner_text("h1") == "Giá xăng dầu 2024"
    shots += screenshot(page, "discovery-thread")
    page.goto(live_server.url + "/")
    shots += screenshot(page, "discovery-home")
    page.goto(live_server.url + "/kinh-te/")
    shots += screenshot(page, "discovery-category")
    assert page.log.errors == [] and page.log.failed == []
    assert all(path.exists() for path in shots)


def test_tag_input_suggests_existing_tags_without_accents(page, live_server, reporter):
    """Typing "ha n" after a first tag offers "Hà Nội" (the browser's own datalist), and
    picking it keeps the tag typed before; saving stores both tags."""
    services.set_article_tags(make_article("Bài cũ"), ["Hà Nội", "Hà Nam", "Giá xăng"])
    category = make_category("Thời sự")
    log_in(page, live_server, "phongvien")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    page.fill("#id_title", "Hà Nội mưa lớn")
    page.type("#id_tag_names", "Giá xăng, ha n")
    options = page.locator("#id_tag_names-suggestions option")
    expect(options).to_have_count(2)
    values = options.evaluate_all("options => options.map(o => o.value)")
    assert values == ["Giá xăng, Hà Nam", "Giá xăng, Hà Nội"]
    page.fill("#id_tag_names", values[1])
    page.evaluate("html => CKEDITOR.instances.id_body.setData(html)", "<p>Mưa lớn kéo dài.</p>")
    page.click("#id_category + .select2 .select2-selection")
    page.fill(".select2-container--open .select2-search__field", "Thời")
    page.click(".select2-results__option:has-text('Thời sự')")
    page.click("button.desk-btn--save")
    page.wait_for_selector(".messagelist .success")
    article = Article.objects.get(title="Hà Nội mưa lớn")
    assert article.category == category
    assert [tag.name for tag in article.tag_list] == ["Giá xăng", "Hà Nội"]
    assert page.log.errors == []
