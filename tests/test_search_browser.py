"""The header search box and the results page in a real browser, phone and desktop."""

import pytest

from tests.browser import BROWSER_TEST_MARKS, screenshot
from tests.factories import make_article, make_author, make_category, make_photo

pytestmark = BROWSER_TEST_MARKS


@pytest.fixture
def articles():
    trade = make_category(name="Công Thương")
    make_category(name="Năng lượng")
    make_category(name="Thị trường")
    author = make_author("Minh Thư")
    photo = make_photo(caption="Lễ phát động", size=(640, 360))
    make_article(
        title="Bộ Công Thương phát động phong trào thi đua năm 2026",
        sapo="Phong trào thi đua hướng tới hoàn thành các chỉ tiêu xuất khẩu và phát triển "
        "thị trường trong nước, với nhiều giải pháp cụ thể cho doanh nghiệp.",
        category=trade,
        authors=[author],
        lead_photo=photo,
    )
    for i in range(3):
        make_article(
            title=f"Doanh nghiệp hưởng ứng thi đua sản xuất, kinh doanh giỏi (kỳ {i + 1})",
            sapo="Các doanh nghiệp thi đua đổi mới công nghệ, nâng cao chất lượng sản phẩm.",
            category=trade,
            authors=[author],
        )


@pytest.mark.parametrize("width", [390, 1366])
def test_search_from_the_header_box(page, live_server, articles, width):
    """The labelled header box is usable at phone and desktop widths; typing without
    accents and pressing Enter lists the articles with the words marked."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/")
    box = page.get_by_label("Tìm kiếm bài viết")
    assert box.is_visible()
    bounds = box.bounding_box()
    assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= width
    assert bounds["width"] >= 150  # room to type on a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    screenshot(page, "search-home", widths=(width,))

    box.fill("thi dua")
    box.press("Enter")
    page.wait_for_url("**/tim-kiem/?q=thi+dua")
    assert "Tìm thấy 4 kết quả cho “thi dua”" in page.inner_text("main")
    first = page.locator(".search-results .card-title").first
    assert first.locator("mark").first.inner_text() == "thi đua"
    assert page.get_by_label("Tìm kiếm bài viết").input_value() == "thi dua"
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert not page.log.errors and not page.log.failed, (page.log.errors, page.log.failed)
    screenshot(page, "search-results", widths=(width,))


def test_empty_search_page(page, live_server, articles):
    page.goto(live_server.url + "/tim-kiem/")
    assert "Hãy nhập từ khóa để tìm bài viết" in page.inner_text("main")
    screenshot(page, "search-empty")
