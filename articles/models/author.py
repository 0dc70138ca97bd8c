from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField
from articles.models.photo import Photo
from articles.text import vietnamese_slugify


class Author(models.Model):
    """A byline (bút danh). One journalist may write under several; "PV" needs no account."""

    display_name = LineField(_("bút danh"), max_length=100)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Để trống để tạo tự động từ bút danh."),
    )
    bio = NFCTextField(_("giới thiệu ngắn"), blank=True)
    photo = models.ForeignKey(
        Photo,
        verbose_name=_("ảnh đại diện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="pen_names",
    )

    class Meta:
        verbose_name = _("tác giả")
        verbose_name_plural = _("tác giả")
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", kwargs={"slug": self.slug})

    def _unique_slug(self):
        base = vietnamese_slugify(self.display_name, max_length=90) or "tac-gia"
        slug, n = base, 2
        while Author.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"{base}-{n}", n + 1
        return slug
