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


def make_photo(caption="Chú thích ảnh", credit="Ảnh: Minh Thư", size=(64, 48)):
    photo = Photo(caption=caption, credit=credit)
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
    """A staff user in one of the newsroom groups (by its Vietnamese name)."""
    user = get_user_model().objects.create_user(
        username=username, password=password, is_staff=True, **fields
    )
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


REPORTER = "Phóng viên / Cộng tác viên"
EDITOR = "Biên tập viên"
MANAGING_EDITOR = "Thư ký tòa soạn"
EDITOR_IN_CHIEF = "Tổng biên tập / Phó tổng biên tập"
