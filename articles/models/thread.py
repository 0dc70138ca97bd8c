"""Event threads (dòng sự kiện): a running story grouping its articles on one page."""

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField
from articles.text import vietnamese_slugify


class EventThread(models.Model):
    """A story followed over days or months ("Bão Yagi", "Giá xăng dầu 2024").

    Editors create threads and put articles in them; readers get the thread's page
    (/dong-su-kien/<slug>/, newest first) and, on each of its articles, a box linking
    to it with its other latest articles.
    """

    title = LineField(_("tên dòng sự kiện"), max_length=200)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=200,
        unique=True,
        blank=True,
        help_text=_("Để trống để tạo tự động từ tên."),
    )
    description = NFCTextField(_("mô tả"), blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("dòng sự kiện")
        verbose_name_plural = _("dòng sự kiện")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:thread", kwargs={"slug": self.slug})

    def _unique_slug(self):
        base = vietnamese_slugify(self.title, max_length=190) or "dong-su-kien"
        slug, n = base, 2
        while EventThread.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug
