"""Opening an article in the real editor and saving it changes nothing.

CKEditor runs its content filter every time it loads a body, so anything the editor
does not allow is dropped on the next save, even when nobody touched the text. A
captioned image once became `<p><img></p><p>caption</p>` that way (the filter removed
every class, so image2 no longer recognised `figure.image`). These tests drive the
admin in headless Chromium as an editor-in-chief (who may edit every article): every
demo article and the imported sample are saved three times without edits and must
keep their body, figures and captions; a captioned image inserted through image2's
dialog must survive two more saves; and the editor's filter must allow exactly what
the server's sanitiser keeps.
"""

import io
import re
from html.parser import HTMLParser

from django.core.management import call_command
from django.urls import reverse

from articles import richtext
from articles.demo_content import ARTICLES
from articles.models import Article
from articles.richtext import sanitize_html
from tests.browser import BROWSER_TEST_MARKS, PASSWORD, log_in, wait_for_editor
from tests.factories import EDITOR_IN_CHIEF, make_category, make_photo, make_user

pytestmark = BROWSER_TEST_MARKS

SAVES = 3


# -- comparing bodies --


# Elements around which whitespace never shows (CKEditor's writer puts line breaks
# there; our stored bodies have none or one).
BLOCKS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "hr", "br", "table",
          "caption", "thead", "tbody", "tr", "th", "td", "figure", "figcaption", "div"}  # fmt: skip
_SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML's whitespace; a no-break space is content


class _Tokens(HTMLParser):
    """An HTML body as tokens that ignore what HTML ignores: attribute order, runs of
    whitespace, and whitespace next to block elements."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("<", tag, tuple(sorted((name, value or "") for name, value in attrs))))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        self.tokens.append((">", tag))

    def handle_data(self, data):
        if self.tokens and self.tokens[-1][0] == "text":
            data = self.tokens.pop()[1] + data
        self.tokens.append(("text", _SPACES.sub(" ", data)))

    def result(self):
        def is_block(index):
            return 0 <= index < len(self.tokens) and (
                self.tokens[index][0] != "text" and self.tokens[index][1] in BLOCKS
            )

        result = []
        for index, token in enumerate(self.tokens):
            if token[0] == "text":
                text = token[1]
                if index == 0 or is_block(index - 1):
                    text = text.lstrip(" ")
                if index == len(self.tokens) - 1 or is_block(index + 1):
                    text = text.rstrip(" ")
                if not text:
                    continue
                token = ("text", text)
            result.append(token)
        return result


def tokens(html):
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.result()


class _Figures(HTMLParser):
    """Each <figure>: its classes, image addresses, caption text and credit text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.figures = []
        self._figure = None
        self._in = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "figure":
            self._figure = {
                "class": attributes.get("class"),
                "img": [],
                "caption": "",
                "credit": "",
            }
            self.figures.append(self._figure)
        elif self._figure is not None:
            if tag == "img":
                self._figure["img"].append(attributes.get("src"))
            elif tag not in {"br", "hr"}:  # void elements never close
                self._in.append((tag, attributes.get("class")))

    def handle_endtag(self, tag):
        if tag == "figure":
            self._figure = None
            self._in = []
        elif self._in and self._in[-1][0] == tag:
            self._in.pop()

    def handle_data(self, data):
        if self._figure is None:
            return
        if ("span", richtext.CREDIT_CLASS) in self._in:
            self._figure["credit"] += data
        elif any(tag == "figcaption" for tag, _class in self._in):
            self._figure["caption"] += data


def figures(html):
    parser = _Figures()
    parser.feed(html)
    parser.close()
    for figure in parser.figures:
        figure["caption"] = " ".join(figure["caption"].split())
        figure["credit"] = " ".join(figure["credit"].split())
    return parser.figures


def test_tokens_see_through_formatting_but_not_through_changes():
    """The comparison itself: CKEditor's formatting is no difference, a lost class,
    caption, credit or word is."""
    stored = (
        '<p>Đoạn một.</p>\n<figure class="image"><img src="/a.jpg" alt="A" width="6" '
        'height="4"><figcaption>Chú thích <span class="photo-credit">Ảnh: T.T</span>'
        "</figcaption></figure>"
    )
    from_editor = (
        '<p>Đoạn một.</p>\n\n<figure class="image">\n<img alt="A" height="4" src="/a.jpg" '
        'width="6" />\n<figcaption>Chú thích <span class="photo-credit">Ảnh: T.T</span>'
        "</figcaption>\n</figure>\n"
    )
    assert tokens(stored) == tokens(from_editor)
    lost = '<p>Đoạn một.</p><p><img src="/a.jpg" alt="A" width="6" height="4"></p><p>Chú thích'
    for changed in (
        from_editor.replace(' class="image"', ""),
        from_editor.replace(' class="photo-credit"', ""),
        from_editor.replace("Đoạn một.", "Đoạn một"),
        lost + " Ảnh: T.T</p>",
    ):
        assert tokens(changed) != tokens(stored)
    assert figures(stored) == [
        {"class": "image", "img": ["/a.jpg"], "caption": "Chú thích", "credit": "Ảnh: T.T"}
    ]


# -- the browser --


def _save_and_continue(page):
    """Click "Lưu và tiếp tục chỉnh sửa" and wait for the form to come back."""
    with page.expect_navigation():
        page.click("button.desk-btn--save")
    page.wait_for_selector(".messagelist .success")
    assert not page.locator(".errornote").count(), page.inner_text(".errornote")
    wait_for_editor(page)


def _seed_newsroom(monkeypatch, sample_path):
    """The demo content (photos without renditions: they have their own tests), the sample
    imported as the issue describes, and the editor-in-chief's account."""
    monkeypatch.setattr("articles.demo_content.generate_renditions", lambda photo: [])
    call_command("seed_demo", "--password", PASSWORD, stdout=io.StringIO())
    call_command(
        "import_article",
        str(sample_path),
        "--id",
        "139085",
        "--category",
        "cong-thuong",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )


def test_demo_articles_and_the_imported_sample_survive_three_saves(
    page, live_server, monkeypatch, sample_path
):
    """Every demo article and the imported sample, opened in the editor and saved three
    times without edits: the stored body means the same as the original (as the
    sanitiser keeps it), the first save's body is kept byte for byte by the next two,
    and every figure keeps its classes, image, caption and credit."""
    _seed_newsroom(monkeypatch, sample_path)
    articles = list(Article.objects.order_by("pk"))
    assert len(articles) == len(ARTICLES) + 1
    assert sum(len(figures(article.body)) for article in articles) >= 7
    sample = Article.objects.get(pk=139085)
    assert figures(sample.body) and figures(sample.body)[0]["img"] == []  # caption only

    log_in(page, live_server, "tongbientap")
    problems = []
    for article in articles:
        expected = sanitize_html(article.body)
        page.goto(live_server.url + reverse("admin:articles_article_change", args=[article.pk]))
        wait_for_editor(page)
        stored = []
        for _ in range(SAVES):
            _save_and_continue(page)
            stored.append(Article.objects.get(pk=article.pk).body)
        name = f"#{article.pk} “{article.title}”"
        if tokens(stored[-1]) != tokens(expected):
            problems.append(f"{name}: body changed\n  was: {expected}\n  now: {stored[-1]}")
        if figures(stored[-1]) != figures(expected):
            problems.append(f"{name}: figures {figures(expected)} became {figures(stored[-1])}")
        if len(set(stored)) != 1:
            problems.append(f"{name}: saves keep rewriting the body: {stored}")
        assert Article.objects.get(pk=article.pk).version == article.version + SAVES
    assert problems == []
    assert page.log.errors == []


def _insert_captioned_image(page, src, alt, caption="Hội nghị tổng kết", credit="Ảnh: Minh Thư"):
    """Through the image dialog, as a journalist does: address, description, centred,
    caption and credit (both required by our dialog), OK."""
    body = page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")
    body.locator("p").last.click()
    page.click("#cke_id_body .cke_button__image")
    dialog = page.locator(".cke_dialog_body:visible")
    dialog.get_by_label("Địa chỉ ảnh", exact=True).fill(src)
    dialog.get_by_label("Văn bản thay thế", exact=True).fill(alt)
    dialog.get_by_label("Canh giữa").check()
    dialog.get_by_label("Chú thích (bắt buộc)", exact=True).fill(caption)
    dialog.get_by_label("Tác giả ảnh / nguồn (bắt buộc)", exact=True).fill(credit)
    dialog.locator(".cke_dialog_ui_button_ok").click()
    return body.locator("figcaption")


def test_image_inserted_with_a_caption_survives_two_more_saves(page, live_server):
    """A journalist inserts a library photo with "Ảnh có chú thích" (image2's dialog,
    centred) and types a caption; the server adds the photo's credit at the first save.
    After two more saves without edits the body still has the centred figure, its image,
    the typed caption and the credit span."""
    category = make_category("Thời sự")
    make_user("tongbientap", EDITOR_IN_CHIEF)
    photo = make_photo(caption="Hội nghị tổng kết", credit="Ảnh: Minh Thư")
    log_in(page, live_server, "tongbientap")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)
    page.fill("#id_title", "Ảnh có chú thích phải còn nguyên")
    # The category is a select2 autocomplete; its <select> takes the chosen option.
    page.evaluate(
        "([id, name]) => document.getElementById('id_category')"
        ".add(new Option(name, id, true, true))",
        [str(category.pk), category.name],
    )
    page.evaluate("CKEDITOR.instances.id_body.setData('<p>Đoạn mở đầu.</p>')")
    caption = _insert_captioned_image(page, photo.image.url, "Hội trường")
    caption.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("9 tập thể được biểu dương")

    with page.expect_navigation():
        page.click("button.desk-btn--save")
    page.wait_for_selector(".messagelist .success")
    wait_for_editor(page)
    article = Article.objects.get()
    first = article.body
    assert figures(first) == [
        {
            "class": "image",
            "img": [photo.image.url],
            "caption": "9 tập thể được biểu dương",
            "credit": "Ảnh: Minh Thư",
        }
    ]
    assert '<div class="image-center"><figure class="image">' in first.replace("\n", "")

    for _ in range(2):
        _save_and_continue(page)
    article.refresh_from_db()
    assert article.body == first
    assert article.version == 3
    assert page.log.errors == []


# Markup the server keeps, by rule; and markup it drops, which the editor must drop too.
REFUSED = [
    "b", "i", "span(evil)", "figure(evil)", "img(evil)", "p(image-left)",
    "div(image-left)", "figure(image-center)", "p{color}", "td{width}", "table{width}",
    "table[border]", "a[name]", "a[onclick]", "img[onerror]", "img{float}", "iframe",
    "script", "style", "h1", "h5", "pre", "font", "tfoot", "span[lang]",
]  # fmt: skip

REFUSED_BY_EDITOR_JS = """rules => {
    // Without transformations: is every part of the rule (element, attributes, styles,
    // classes) accepted as it is?
    const filter = CKEDITOR.instances.id_body.filter
    return rules.filter(rule => !filter.check(rule, false))
}"""


def test_editor_filter_allows_exactly_what_the_server_keeps(page, live_server):
    """In the real editor, every tag, attribute, class and style the server's allowlist
    keeps passes CKEditor's filter, and markup the server drops does not; image2's
    caption keeps the credit span."""
    make_user("tongbientap", EDITOR_IN_CHIEF)
    log_in(page, live_server, "tongbientap")
    page.goto(live_server.url + reverse("admin:articles_article_add"))
    wait_for_editor(page)

    kept = []
    for tag in sorted(richtext.ALLOWED_TAGS):
        kept.append(tag)
        for attribute in sorted(richtext.ALLOWED_ATTRIBUTES.get(tag, ())):
            if attribute == "style":
                kept += [f"{tag}{{{style}}}" for style in sorted(richtext.ALLOWED_STYLES)]
            else:
                kept.append(f"{tag}[{attribute}]")
        kept += [f"{tag}({name})" for name in sorted(richtext.ALLOWED_CLASSES.get(tag, ()))]
    assert page.evaluate(REFUSED_BY_EDITOR_JS, kept) == []
    assert page.evaluate(REFUSED_BY_EDITOR_JS, REFUSED) == REFUSED
    assert page.evaluate("CKEDITOR.instances.id_body.filter.check('figure(image)')") is True

    caption_rules = page.evaluate(
        "CKEDITOR.instances.id_body.widgets.registered.image.editables.caption.allowedContent"
    )
    assert f"span({richtext.CREDIT_CLASS})" in caption_rules
    # Pasted <b>/<i> become the toolbar's <strong>/<em> instead of losing their emphasis.
    assert (
        page.evaluate(
            "CKEDITOR.instances.id_body.dataProcessor.toDataFormat("
            "CKEDITOR.instances.id_body.dataProcessor.toHtml('<p><b>đậm</b> <i>nghiêng</i></p>'))"
        ).strip()
        == "<p><strong>đậm</strong> <em>nghiêng</em></p>"
    )
