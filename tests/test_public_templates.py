"""Public pages are ready for a strict Content-Security-Policy: every script is a static
file loaded with `defer`, JSON-LD is the only inline <script>, and no <style> block,
`style=` or `on…=` attribute comes from our templates."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from articles.models import SiteSettings
from tests.factories import make_article, make_author, make_category, make_photo

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Staff-only screens that do not use the public layout.
NOT_PUBLIC = {"articles/editor_browse.html"}

SCRIPT = re.compile(r"<script\b([^>]*)>", re.I)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)


def public_templates():
    for path in sorted(TEMPLATES.rglob("*.html")):
        name = path.relative_to(TEMPLATES).as_posix()
        if name.startswith(("admin/", "sitemaps/")) or name in NOT_PUBLIC:
            continue
        yield name, path.read_text(encoding="utf-8")


def inline_problems(html):
    problems = []
    for attributes in SCRIPT.findall(html):
        if 'type="application/ld+json"' in attributes:
            continue
        if "src=" not in attributes:
            problems.append(f"inline script: <script{attributes}>")
        elif "defer" not in attributes:
            problems.append(f"script without defer: <script{attributes}>")
    if re.search(r"<style\b", html, re.I):
        problems.append("<style> block")
    problems += [f"event handler attribute: {m.group(0)}" for m in HANDLER.finditer(html)]
    return problems


@pytest.mark.parametrize("name", [name for name, _ in public_templates()])
def test_public_templates_have_no_inline_script_or_style(name):
    html = dict(public_templates())[name]
    assert inline_problems(html) == []
    assert not re.search(r"\sstyle\s*=", html), "style attribute"


@pytest.mark.django_db
def test_rendered_public_pages_have_no_inline_script_or_style(client):
    settings_row = SiteSettings.load()
    settings_row.site_name = "Báo Công Thương"
    settings_row.save()
    category = make_category("Công Thương")
    author = make_author("Minh Thư")
    article = make_article(title="Bài có ảnh", category=category, authors=[author],
                           lead_photo=make_photo())  # fmt: skip
    for path in ("/", category.get_absolute_url(), article.get_absolute_url(),
                 author.get_absolute_url(), "/tim-kiem/?q=bai", "/cai-chinh/", "/rss/",
                 "/khong-co/"):  # fmt: skip
        html = client.get(path).content.decode()
        assert inline_problems(html) == [], path
        assert "© " in html and "Ghi rõ nguồn “Báo Công Thương”" in html, path


@pytest.mark.django_db
def test_footer_copyright_has_the_current_year_and_the_site_name(client):
    import time_machine

    from tests.factories import FIXED_NOW

    with time_machine.travel(FIXED_NOW, tick=False):
        html = client.get("/").content.decode()
    name = SiteSettings.load().site_name
    assert f"© 2020 {name}" in html
    assert f"Ghi rõ nguồn “{name}” khi phát hành lại thông tin từ website này." in html


def test_our_stylesheets_have_balanced_blocks():
    """A merge once left a media query open and swallowed the footer's rules into it:
    every rule block and at-rule of our own stylesheets is closed."""
    import re
    from pathlib import Path

    from django.conf import settings

    for path in Path(settings.BASE_DIR, "static").rglob("*.css"):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)
        depth = 0
        for char in text:
            depth += {"{": 1, "}": -1}.get(char, 0)
            assert depth >= 0, f"{path}: a closing brace without its block"
        assert depth == 0, f"{path}: {depth} block(s) left open"
