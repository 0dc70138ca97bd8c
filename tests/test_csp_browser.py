"""The Content-Security-Policy as Chromium applies it: on a public page an injected
inline script or style does not run, our own scripts and the JSON-LD data block are
untouched. (Every browser test fails on any violation: tests/browser.py.)"""

from playwright.sync_api import expect

from tests.browser import BROWSER_TEST_MARKS
from tests.factories import make_article

pytestmark = BROWSER_TEST_MARKS


def test_public_page_blocks_injected_inline_code_and_keeps_json_ld(page, live_server):
    article = make_article(
        "Giá điện tăng từ hôm nay", body='<p style="text-align: center">Giữa trang</p>'
    )
    page.goto(live_server.url + article.get_absolute_url())
    expect(page.locator("h1")).to_have_text("Giá điện tăng từ hôm nay")
    assert page.csp_violations == []  # the page itself, JSON-LD included
    structured = page.evaluate(
        """() => [...document.querySelectorAll('script[type="application/ld+json"]')]
            .map(s => JSON.parse(s.textContent)['@type'])"""
    )
    assert "NewsArticle" in structured
    # The editor's alignment arrives as a class (no inline style).
    expect(page.locator(".article-body p")).to_have_css("text-align", "center")

    ran = page.evaluate(
        """() => {
            const script = document.createElement('script')
            script.textContent = 'window.injected = true'
            document.body.appendChild(script)
            const div = document.createElement('div')
            div.innerHTML = '<img src="/khong-co.png" onerror="window.handler = true">'
            document.body.appendChild(div)
            const style = document.createElement('style')
            style.textContent = 'body { display: none }'
            document.head.appendChild(style)
            return new Promise(resolve => setTimeout(() => resolve({
                script: window.injected === true,
                handler: window.handler === true,
                hidden: getComputedStyle(document.body).display === 'none',
            }), 300))
        }"""
    )
    assert ran == {"script": False, "handler": False, "hidden": False}
    blocked = " ".join(page.csp_violations)
    assert "inline script" in blocked and "inline event handler" in blocked
    assert "inline style" in blocked
    page.csp_violations.clear()  # provoked on purpose
