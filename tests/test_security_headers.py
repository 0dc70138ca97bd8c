"""Content-Security-Policy and Permissions-Policy (newsroom/security_headers.py): strict
on every page readers see, relaxed for CKEditor on the admin only, on cached copies too;
article bodies keep their alignment without inline styles."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from articles.richtext import alignment_classes, sanitize_html
from tests.factories import EDITOR, make_article, make_user

pytestmark = pytest.mark.django_db
ROOT = Path(settings.BASE_DIR)

STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


def policy(response):
    """The Content-Security-Policy header as {directive: [sources]}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.wsgi_request.path}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.fixture
def article():
    return make_article(
        "Giá điện tăng từ hôm nay",
        body='<p style="text-align: center">Giữa trang</p><p>Đoạn thường.</p>',
    )


def test_public_pages_get_the_strict_policy(client, article):
    """Our own origin only: no inline script or style, no eval, no other origin, no
    plugins, never framed; for pages, the 404 page and search alike."""
    for url in (
        "/",
        article.get_absolute_url(),
        article.category.get_absolute_url(),
        "/tim-kiem/?q=gia",
        "/khong-co-trang-nay/",
    ):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert policy(response) == STRICT, url


def test_a_cached_copy_carries_the_policy(client, article, settings):
    settings.PAGE_CACHE_SECONDS = 60
    url = article.get_absolute_url()
    first, second = client.get(url), client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("MISS", "HIT")
    assert policy(second) == STRICT
    assert "camera=()" in second["Permissions-Policy"]


def test_the_admin_gets_what_ckeditor_needs_and_nothing_more(client, article):
    user = make_user("bientapvien", EDITOR)
    client.force_login(user)
    for url in (
        reverse("admin:login"),
        reverse("admin:articles_article_change", args=[article.pk]),
    ):
        directives = policy(client.get(url))
        assert directives == {
            **STRICT,
            "script-src": ["'self'", "'unsafe-inline'"],
            "style-src": ["'self'", "'unsafe-inline'"],
            "img-src": ["'self'", "data:"],
        }, url
        assert "'unsafe-eval'" not in str(directives)


def test_the_editors_endpoints_outside_the_admin_stay_strict(client):
    """The photo library window opened by CKEditor is one of our own pages."""
    client.force_login(make_user("bientapvien", EDITOR))
    response = client.get(reverse("articles:editor_browse"), {"CKEditorFuncNum": "1"})
    assert response.status_code == 200
    assert policy(response) == STRICT


def test_permissions_policy_switches_off_what_no_page_uses(client, article):
    header = client.get(article.get_absolute_url())["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in header
    assert "web-share" not in header and "clipboard-write" not in header  # share, copy link


def test_media_in_a_bucket_is_allowed_as_images():
    """With media on object storage (or its CDN) the images' origin is allowed, and
    nothing else of that origin."""
    code = (
        "from django.conf import settings as s; "
        "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES']; "
        "print(d['img-src'], d['script-src'], d['connect-src'])"
    )
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env={**environment, "MEDIA_S3_BUCKET": "anh", "MEDIA_S3_CUSTOM_DOMAIN": "media.bao.vn"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0] == (
        "[\"'self'\", 'https://media.bao.vn'] [\"'self'\"] [\"'self'\"]"
    )


def test_the_article_page_keeps_alignment_without_inline_styles(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    body = html[html.index('<div class="article-body">') :]
    body = body[: body.index("</div>")]
    assert '<p class="align-center">Giữa trang</p>' in body
    assert "style=" not in body
    article.refresh_from_db()
    assert article.body.startswith('<p style="text-align: center">')  # what the editor reads


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ('<p style="text-align: justify">a</p>', '<p class="align-justify">a</p>'),
        (
            '<p class="image-center" style="text-align: right">a</p>',
            '<p class="image-center align-right">a</p>',
        ),
        (
            '<table><tbody><tr><td colspan="2" style="text-align: left">a</td></tr></tbody>'
            "</table>",
            '<table><tbody><tr><td class="align-left" colspan="2">a</td></tr></tbody></table>',
        ),
        ('<h3 style="text-align: center">a</h3>', '<h3 class="align-center">a</h3>'),
        # Text that looks like the attribute is text, and stays as it is.
        (
            '<p>viết style="text-align: center" trong bài</p>',
            '<p>viết style="text-align: center" trong bài</p>',
        ),
        ("<p>a</p>", "<p>a</p>"),
    ],
)
def test_alignment_styles_become_classes(stored, shown):
    assert sanitize_html(stored) == stored  # the sanitiser's own, canonical output
    assert alignment_classes(stored) == shown
