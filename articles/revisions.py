"""Revisions of an article's editable content: record, compare, restore.

A revision is a JSON snapshot of what a journalist can edit (title, sapo, body,
category, bylines, photos and their captions, source). Every save, action and
restore records one, so no text is ever lost.
"""

import difflib
import re

from django.db.models import Max
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from articles.htmldiff import visual_diff
from articles.models import (
    ArticlePhoto,
    ArticleRevision,
    Author,
    Byline,
    Category,
    Photo,
)

CONTENT_FIELDS = ["title", "slug", "sapo", "body", "source", "category_id", "lead_photo_id"]

FIELD_LABELS = {
    "title": _("Tiêu đề"),
    "slug": _("Đường dẫn"),
    "sapo": _("Sapo"),
    "body": _("Nội dung"),
    "source": _("Nguồn"),
    "category_id": _("Chuyên mục (mã)"),
    "lead_photo_id": _("Ảnh đại diện (mã)"),
    "bylines": _("Tác giả (mã, theo thứ tự)"),
    "photos": _("Ảnh trong bài (mã, chú thích)"),
}


def snapshot(article):
    """The article's editable content as plain JSON data."""
    content = {name: getattr(article, name) for name in CONTENT_FIELDS}
    content["bylines"] = list(
        Byline.objects.filter(article=article)
        .order_by("position", "id")
        .values_list("author_id", flat=True)
    )
    content["photos"] = [
        [use.photo_id, use.caption, use.position]
        for use in ArticlePhoto.objects.filter(article=article).order_by("position", "id")
    ]
    return content


def record_revision(article, *, user, note=""):
    """Store the current content as the next revision number."""
    last = article.revisions.aggregate(last=Max("number"))["last"] or 0
    return ArticleRevision.objects.create(
        article=article, number=last + 1, content=snapshot(article), created_by=user, note=note
    )


def record_revision_if_changed(article, *, user, note=""):
    """A new revision only if the content differs from the latest one: saving an
    untouched form or moving the article along the chain leaves the history as it was."""
    content = snapshot(article)
    latest = article.revisions.order_by("-number").first()
    if latest is not None and latest.content == content:
        return None
    number = latest.number + 1 if latest else 1
    return ArticleRevision.objects.create(
        article=article, number=number, content=content, created_by=user, note=note
    )


def put_back(article, content):
    """Write a revision's content back onto the article and its byline and photo rows
    (references deleted since are dropped). The caller holds the transaction."""
    content = _still_existing(content)
    for name in CONTENT_FIELDS:
        setattr(article, name, content.get(name, getattr(article, name)))
    article.save()
    Byline.objects.filter(article=article).delete()
    Byline.objects.bulk_create(
        Byline(article=article, author_id=author_id, position=i)
        for i, author_id in enumerate(content.get("bylines", []))
    )
    ArticlePhoto.objects.filter(article=article).delete()
    ArticlePhoto.objects.bulk_create(
        ArticlePhoto(article=article, photo_id=photo_id, caption=caption, position=position)
        for photo_id, caption, position in content.get("photos", [])
    )


def _still_existing(content):
    """The revision's content without references to rows deleted since it was recorded.

    An author, photo or category taken off the article may have been deleted since;
    restoring a reference to it would fail its foreign key (a 500, nothing restored).
    """
    content = dict(content)
    if not Category.objects.filter(pk=content.get("category_id")).exists():
        content.pop("category_id", None)  # keep the current category
    photos = content.get("photos", [])
    wanted = {row[0] for row in photos} | {content.get("lead_photo_id")}
    existing = set(Photo.objects.filter(pk__in=wanted - {None}).values_list("pk", flat=True))
    if "lead_photo_id" in content and content["lead_photo_id"] not in existing:
        content["lead_photo_id"] = None
    content["photos"] = [row for row in photos if row[0] in existing]
    authors = content.get("bylines", [])
    existing = set(Author.objects.filter(pk__in=authors).values_list("pk", flat=True))
    content["bylines"] = [pk for pk in authors if pk in existing]
    return content


_TOKENS = re.compile(r"<[^>]*>|[^\s<]+|\s+")


def _tokens(value):
    if isinstance(value, list):
        value = "\n".join(str(item) for item in value)
    return _TOKENS.findall("" if value is None else str(value))


def word_diff(old, new):
    """A word-level diff as safe HTML: every token escaped, changes in <del>/<ins>."""
    a, b = _tokens(old), _tokens(new)
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            parts.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


def compare(old_content, new_content, *, visual=False):
    """The fields that differ between two snapshots, each with its word diff of the
    source; with `visual`, the body also as readers see it (`htmldiff.visual_diff`)."""
    rows = []
    for name, label in FIELD_LABELS.items():
        before, after = old_content.get(name), new_content.get(name)
        if before != after:
            row = {"field": name, "label": label, "diff": word_diff(before, after)}
            if visual and name == "body":
                row["visual"] = visual_diff(before, after)
            rows.append(row)
    return rows
