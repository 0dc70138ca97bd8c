"""The server-side sanitiser: what the toolbar produces stays, anything executable goes."""

import pytest

from articles.richtext import sanitize_html


def test_script_and_its_content_removed():
    """<script> is removed with its content."""
    assert sanitize_html("<p>Tin</p><script>alert('x')</script>") == "<p>Tin</p>"


@pytest.mark.parametrize(
    "attack",
    [
        '<img src="/media/photos/ab/a.jpg" onerror="alert(1)">',
        '<p onclick="alert(1)">x</p>',
        '<a href="/" onmouseover="alert(1)">x</a>',
        '<svg onload="alert(1)"><circle/></svg>',
    ],
)
def test_event_handlers_removed(attack):
    """No on* attribute survives on any element."""
    cleaned = sanitize_html(attack)
    assert "onerror" not in cleaned and "onclick" not in cleaned
    assert "onmouseover" not in cleaned and "onload" not in cleaned
    assert "alert" not in cleaned


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "  javascript:alert(1)", "vbscript:x",
     "data:text/html;base64,PHNjcmlwdD4="],
)  # fmt: skip
def test_dangerous_link_schemes_removed(href):
    """Only http, https and mailto links keep their href."""
    cleaned = sanitize_html(f'<a href="{href}">bấm</a>')
    assert "href" not in cleaned
    assert "bấm" in cleaned


def test_safe_links_kept_with_rel():
    """http/https/mailto and relative links are kept; rel=noopener is added."""
    cleaned = sanitize_html(
        '<a href="https://congthuong.vn/x">a</a><a href="mailto:toasoan@example.vn">b</a>'
        '<a href="/thoi-su/">c</a>'
    )
    assert 'href="https://congthuong.vn/x"' in cleaned
    assert 'href="mailto:toasoan@example.vn"' in cleaned
    assert 'href="/thoi-su/"' in cleaned
    assert cleaned.count('rel="noopener noreferrer"') == 3


def test_iframe_object_embed_removed():
    """Embedded frames and plugins are removed entirely."""
    cleaned = sanitize_html(
        '<iframe src="https://evil.example"></iframe><object data="x"></object>'
        '<embed src="x"><p>ok</p>'
    )
    assert cleaned == "<p>ok</p>"


def test_style_attributes_removed_except_text_align():
    """Only a plain text-align survives in style; anything else in style is dropped."""
    cleaned = sanitize_html(
        '<p style="text-align:center">a</p>'
        '<p style="color:red;background:url(javascript:alert(1))">b</p>'
        '<p style="text-align:center; position:fixed">c</p>'
        '<span style="text-align:left">d</span>'
    )
    assert '<p style="text-align: center">a</p>' in cleaned
    assert "<p>b</p>" in cleaned
    assert "<p>c</p>" in cleaned
    assert "<span>d</span>" in cleaned
    assert "javascript" not in cleaned and "fixed" not in cleaned


def test_captioned_figures_kept():
    """image2's captioned image (figure.image > img + figcaption), aligned, with the
    library credit in its caption, is kept as it is."""
    html = (
        '<figure class="image image-left"><img alt="Hội nghị" height="400" '
        'src="/media/photos/ab/x.jpg" width="600"><figcaption>9 tập thể được biểu dương '
        '<span class="photo-credit">Ảnh: Minh Thư</span></figcaption></figure>'
    )
    assert sanitize_html(html) == html


@pytest.mark.parametrize(
    "html",
    [
        # captioned and centred: image2 wraps the figure in a div
        '<div class="image-center"><figure class="image"><img alt="A" src="/media/photos/ab/a.jpg">'
        "<figcaption>Chú thích</figcaption></figure></div>",
        # not captioned: the class sits on the image, or on a centring paragraph
        '<p><img alt="A" class="image-right" src="/media/photos/ab/a.jpg"></p>',
        '<p class="image-center"><img alt="A" src="/media/photos/ab/a.jpg"></p>',
    ],
)
def test_image2_alignment_kept(html):
    """Every alignment image2 can write (config image2_alignClasses) survives, so an
    aligned image does not jump back to the margin on the next save."""
    assert sanitize_html(html) == html


def test_classes_only_where_image2_puts_them():
    """Alignment classes are kept only on the elements image2 puts them on."""
    cleaned = sanitize_html(
        '<figure class="image image-center"><figcaption>c</figcaption></figure>'
        '<p class="image-left">a</p><div class="image-right">b</div>'
        '<span class="image">d</span>'
    )
    assert cleaned == (
        '<figure class="image"><figcaption>c</figcaption></figure>'
        "<p>a</p><div>b</div><span>d</span>"
    )


def test_tags_the_toolbar_never_writes_are_unwrapped():
    """<b>, <i> and <tfoot> are not in the toolbar's output (CKEditor turns pasted <b>/<i>
    into <strong>/<em>): the tags go, their text stays."""
    assert sanitize_html("<p><b>đậm</b> <i>nghiêng</i></p>") == "<p>đậm nghiêng</p>"


def test_unknown_classes_and_ids_dropped():
    """Classes outside the allowlist and ids are removed (no CSS/DOM clobbering)."""
    cleaned = sanitize_html('<figure class="image evil" id="x"><figcaption>c</figcaption></figure>')
    assert cleaned == '<figure class="image"><figcaption>c</figcaption></figure>'


def test_news_formatting_kept():
    """Headings, emphasis, lists, quotes and tables from the toolbar are kept."""
    html = (
        "<h2>Tiêu đề phụ</h2><p><strong>đậm</strong> <em>nghiêng</em> <u>gạch</u></p>"
        "<ul><li>một</li></ul><ol><li>hai</li></ol><blockquote><p>trích</p></blockquote>"
        '<table><thead><tr><th scope="col">Mặt hàng</th></tr></thead>'
        '<tbody><tr><td colspan="2">Gạo</td></tr></tbody></table>'
    )
    assert sanitize_html(html) == html


def test_data_uri_images_lose_their_source():
    """Pasted base64 images are not stored inline in the body."""
    assert "data:" not in sanitize_html('<img src="data:image/png;base64,AAAA">')


def test_output_is_nfc():
    """The stored body is NFC even when the editor sent NFD."""
    import unicodedata

    cleaned = sanitize_html(unicodedata.normalize("NFD", "<p>Hà Nội</p>"))
    assert cleaned == "<p>Hà Nội</p>"
    assert unicodedata.is_normalized("NFC", cleaned)
