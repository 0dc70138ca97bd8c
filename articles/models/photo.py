import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField
from articles.text import clean_line, fold


def photo_search_text(photo) -> str:
    """The folded text library search matches: caption, credit, alt text, file name."""
    parts = [photo.caption, photo.credit, photo.alt_text, photo.original_filename]
    return fold(clean_line(" ".join(part or "" for part in parts)))


def photo_upload_to(instance, filename):
    """A random, unguessable name: nothing about the article or the uploader leaks."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"photos/{secrets.token_hex(2)}/{secrets.token_urlsafe(16)}.{extension}"


class Photo(models.Model):
    """An image in the newsroom's library, with the caption and credit it is printed with."""

    image = models.ImageField(
        _("ảnh"), upload_to=photo_upload_to, width_field="width", height_field="height"
    )
    caption = NFCTextField(_("chú thích"), blank=True)
    credit = LineField(
        _("tác giả ảnh / nguồn"), max_length=200, blank=True, help_text=_("Ví dụ: Ảnh: Minh Thư")
    )
    alt_text = LineField(_("mô tả thay thế (alt)"), max_length=300, blank=True)
    taken_at = models.DateField(_("ngày chụp"), null=True, blank=True)
    width = models.PositiveIntegerField(_("chiều rộng"), null=True, editable=False)
    height = models.PositiveIntegerField(_("chiều cao"), null=True, editable=False)
    focal_x = models.FloatField(_("tâm ảnh (ngang)"), default=0.5)
    focal_y = models.FloatField(_("tâm ảnh (dọc)"), default=0.5)
    original_filename = LineField(_("tên tệp gốc"), max_length=255, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tải lên"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"), default=timezone.now)
    # Accent- and case-folded caption, credit, alt text and file name, for library search
    # that finds "Hòa"/"hoà"/"HOA" alike on every database (articles.text.fold).
    search_text = models.TextField(_("chuỗi tìm kiếm"), blank=True, editable=False)
    renditions_ready_at = models.DateTimeField(
        _("đã tạo các cỡ ảnh lúc"), null=True, blank=True, editable=False
    )
    # What pages need of the renditions, stored with the photo so that a list of 45
    # cards builds its srcsets without loading ~23 rendition rows per photo:
    # {family: {format: [[width, height, name], …] by width}}; written with the rows.
    rendition_index = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("ảnh")
        verbose_name_plural = _("ảnh")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self):
        return self.caption[:80] or self.original_filename or f"Ảnh #{self.pk}"

    def save(self, *args, **kwargs):
        # Derived search text, kept with the fields it folds (see articles.photo_library).
        self.search_text = photo_search_text(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    @property
    def alt(self):
        return self.alt_text or self.caption[:300]


def rendition_upload_to(instance, filename):
    return f"renditions/{secrets.token_hex(2)}/{secrets.token_urlsafe(16)}.{instance.format}"


class Rendition(models.Model):
    """A resized (and possibly focal-point cropped) copy made at upload, never on a reader's
    request: e.g. kind "w640" (640 px wide, original ratio) or "16x9-640" (crop)."""

    class Format(models.TextChoices):
        WEBP = "webp", "WebP"
        JPEG = "jpg", "JPEG"

    photo = models.ForeignKey(
        Photo, verbose_name=_("ảnh"), on_delete=models.CASCADE, related_name="renditions"
    )
    kind = models.CharField(_("kiểu cắt"), max_length=30)
    format = models.CharField(_("định dạng"), max_length=4, choices=Format.choices)
    file = models.ImageField(
        _("tệp"), upload_to=rendition_upload_to, width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(_("chiều rộng"), null=True)
    height = models.PositiveIntegerField(_("chiều cao"), null=True)
    size_bytes = models.PositiveIntegerField(_("dung lượng (byte)"), default=0)

    class Meta:
        verbose_name = _("cỡ ảnh")
        verbose_name_plural = _("cỡ ảnh")
        constraints = [
            models.UniqueConstraint(
                fields=["photo", "kind", "format"], name="unique_rendition_kind_format"
            )
        ]

    def __str__(self):
        return f"{self.photo_id}/{self.kind}.{self.format}"
