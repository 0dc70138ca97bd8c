"""Small factory functions for tests: explicit, no magic."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from articles.models import Article, ArticlePhoto, Author, Byline, Category, Photo

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FIXED_NOW = datetime(2020, 9, 26, 23, 35, tzinfo=VN)


def make_category(name="Công Thương", parent=None, **fields):
    return Category.objects.create(name=name, parent=parent, **fields)


def make_author(display_name="Minh Thư", **fields):
    return Author.objects.create(display_name=display_name, **fields)


def image_bytes(size=(64, 48), color=(200, 30, 30), fmt="JPEG", **save_args):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt, **save_args)
    return buffer.getvalue()


def image_upload(name="anh.jpg", size=(64, 48), fmt="JPEG", content_type="image/jpeg"):
    return SimpleUploadedFile(name, image_bytes(size, fmt=fmt), content_type=content_type)


def make_photo(caption="Chú thích ảnh", credit="Ảnh: Minh Thư", size=(64, 48), **fields):
    photo = Photo(caption=caption, credit=credit, **fields)
    photo.image.save("test.jpg", SimpleUploadedFile("t.jpg", image_bytes(size)), save=False)
    photo.save()
    return photo


def make_article(
    title="Ngành Công Thương đẩy mạnh thi đua",
    category=None,
    status=Article.Status.PUBLISHED,
    published_at=None,
    authors=(),
    photos=(),
    **fields,
):
    """An article; published an hour ago unless told otherwise."""
    if category is None:
        category = Category.objects.first() or make_category()
    if status == Article.Status.PUBLISHED and published_at is None:
        published_at = timezone.now() - timedelta(hours=1)
    article = Article.objects.create(
        title=title,
        category=category,
        status=status,
        published_at=published_at,
        sapo=fields.pop("sapo", "Sapo của bài viết."),
        body=fields.pop("body", "<p>Nội dung bài viết.</p>"),
        **fields,
    )
    for position, author in enumerate(authors):
        Byline.objects.create(article=article, author=author, position=position)
    for position, photo in enumerate(photos):
        ArticlePhoto.objects.create(article=article, photo=photo, position=position)
    return article


def make_user(username, role=None, password="mat-khau-thu-nghiem-123", **fields):
    """A staff user (unless is_staff=False) in one of the newsroom groups (by its
    Vietnamese name)."""
    fields.setdefault("is_staff", True)
    user = get_user_model().objects.create_user(username=username, password=password, **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


REPORTER = "Phóng viên / Cộng tác viên"
EDITOR = "Biên tập viên"
MANAGING_EDITOR = "Thư ký tòa soạn"
EDITOR_IN_CHIEF = "Tổng biên tập / Phó tổng biên tập"


def article_form_data(
    article=None, *, category=None, bylines=None, photos=None, corrections=(), **overrides
):
    """The POST the admin's article add/change form sends, inline management forms included.

    `article`: the article being changed (its current values, version and inline rows are
    sent back); None for the add form. `bylines` (authors) and `photos` ((photo, caption)
    pairs) give the wanted rows in order: existing rows are kept or marked deleted, new ones
    added; None leaves them as they are. `corrections`: texts of new correction notices.
    """
    data = {
        "title": "Giá xăng giảm lần thứ ba liên tiếp",
        "slug": "",
        "sapo": "Liên Bộ Công Thương - Tài chính điều chỉnh giá xăng dầu.",
        "body": "<p>Nội dung chi tiết.</p>",
        "category": category.pk if category else "",
        "lead_photo": "",
        "source": "",
        "workflow_reason": "",
        "publish_at_0": "",
        "publish_at_1": "",
    }
    byline_rows, photo_rows, correction_rows = [], [], []
    if article is not None:
        data.update(
            title=article.title,
            slug=article.slug,
            sapo=article.sapo,
            body=article.body,
            category=article.category_id,
            lead_photo=article.lead_photo_id or "",
            source=article.source,
            base_version=article.version,
        )
        if article.is_featured:
            data["is_featured"] = "on"
        byline_rows = list(Byline.objects.filter(article=article).order_by("position", "id"))
        photo_rows = list(ArticlePhoto.objects.filter(article=article).order_by("position", "id"))
        correction_rows = list(article.corrections.order_by("created_at", "id"))
    authors = None if bylines is None else {author.pk: {} for author in bylines}
    kept, added = _plan(byline_rows, "author", authors, lambda row: {})
    data.update(_inline_rows("byline_entries", article, byline_rows, kept, added))
    wanted = None if photos is None else {photo.pk: {"caption": c} for photo, c in photos}
    kept, added = _plan(photo_rows, "photo", wanted, lambda row: {"caption": row.caption})
    data.update(_inline_rows("photo_uses", article, photo_rows, kept, added))
    # Editors' related picks ("Tin liên quan"): none unless given in `overrides`.
    data.update({"related_entries-TOTAL_FORMS": "0", "related_entries-INITIAL_FORMS": "0"})
    if article is not None:
        picks = list(article.related_entries.order_by("position", "id"))
        data.update(
            _inline_rows(
                "related_entries",
                article,
                picks,
                [{"related": row.related_id, "position": row.position} for row in picks],
                [],
            )
        )
    data.update(
        _inline_rows(
            "corrections",
            article,
            correction_rows,
            [{"text": row.text} for row in correction_rows],
            [{"text": text} for text in corrections],
        )
    )
    data.update(overrides)
    return data


def _plan(rows, key, wanted, current):
    """Existing inline rows' values (None: delete the row), then the new rows' values.

    `wanted` maps a key (author or photo id) to its other values, in the wanted order;
    None keeps the existing rows as they are. `current(row)` gives a row's other values.
    """
    if wanted is None:
        kept = [
            {key: getattr(row, f"{key}_id"), "position": row.position, **current(row)}
            for row in rows
        ]
        return kept, []
    order = list(wanted)
    kept = []
    for row in rows:
        pk = getattr(row, f"{key}_id")
        kept.append({key: pk, "position": order.index(pk), **wanted[pk]} if pk in wanted else None)
    present = {getattr(row, f"{key}_id") for row in rows}
    added = [
        {key: pk, "position": order.index(pk), **values}
        for pk, values in wanted.items()
        if pk not in present
    ]
    return kept, added


def _inline_rows(prefix, article, rows, kept, added):
    """One inline formset's POST: the existing `rows` with their `kept` values (None marks
    one deleted), then the `added` rows."""
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + len(added)),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
    }
    for index, (row, values) in enumerate(zip(rows, kept, strict=True)):
        data[f"{prefix}-{index}-id"] = row.pk
        data[f"{prefix}-{index}-article"] = article.pk
        if values is None:
            data[f"{prefix}-{index}-DELETE"] = "on"
        else:
            data.update({f"{prefix}-{index}-{name}": value for name, value in values.items()})
    for offset, values in enumerate(added, start=len(rows)):
        data.update({f"{prefix}-{offset}-{name}": value for name, value in values.items()})
    return data


def database_state():
    """Every row the editorial workflow can touch: a refusal must leave this unchanged
    (but for the refusal's own entry in the history)."""
    from articles.models import (
        ArticleEvent,
        ArticleRevision,
        Autosave,
        Correction,
        EditPresence,
        PreviewLink,
    )

    models = [
        Article,
        Byline,
        ArticlePhoto,
        ArticleEvent,
        ArticleRevision,
        Correction,
        PreviewLink,
        Autosave,
        EditPresence,
    ]
    state = {model.__name__: list(model.objects.order_by("pk").values()) for model in models}
    # The one trace a refusal leaves: its own "refused" entry in the history (asserted
    # in tests/test_audit_and_logs.py).
    state["ArticleEvent"] = [e for e in state["ArticleEvent"] if e["action"] != "refused"]
    return state


def make_hidden_articles(category, authors=(), photo=None):
    """One article in each state readers must never see, by kind; titles start "ẨN".

    Draft, submitted, returned, unpublished (back to review after publication, with a
    past publish time), scheduled (due in two hours), taken down, and trashed while
    still marked published. Each has a byline and the lead photo, so the author or the
    photo alone cannot leak it.
    """
    past = timezone.now() - timedelta(hours=3)
    kinds = {
        "draft": {"status": Article.Status.DRAFT},
        "submitted": {"status": Article.Status.SUBMITTED},
        "returned": {"status": Article.Status.RETURNED},
        "unpublished": {"status": Article.Status.EDITED, "published_at": past},
        "scheduled": {"published_at": timezone.now() + timedelta(hours=2)},
        "taken_down": {"status": Article.Status.TAKEN_DOWN, "published_at": past},
        "trashed": {"published_at": past, "deleted_at": timezone.now()},
    }
    return {
        kind: make_article(
            title=f"ẨN {kind} không được lộ",
            category=category,
            authors=authors,
            lead_photo=photo,
            **fields,
        )
        for kind, fields in kinds.items()
    }
