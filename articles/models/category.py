import re

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField
from articles.text import vietnamese_slugify

# Slugs that need no quoting in a URL (what vietnamese_slugify makes).
URL_SAFE_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")

# First path segments the site already uses; a category slug must not shadow them.
RESERVED_SLUGS = frozenset(
    {
        "admin",
        "quan-tri",
        "static",
        "media",
        "tac-gia",
        "tim-kiem",
        "rss",
        "tin-moi-nhat",  # not a first segment, but /rss/tin-moi-nhat.rss is the latest news
        "feeds",
        "api",
        "cai-chinh",
        "xem-truoc",
        "tu-khoa",
        "dong-su-kien",
    }  # fmt: skip
)


class Category(models.Model):
    """A section of the paper (chuyên mục); two levels: sections and sub-sections."""

    name = LineField(_("tên chuyên mục"), max_length=100)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=100,
        unique=True,
        blank=True,
        help_text=_("Để trống để tạo tự động từ tên."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("chuyên mục cha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
    )
    description = NFCTextField(_("mô tả"), blank=True)
    menu_position = models.PositiveSmallIntegerField(_("thứ tự trên menu"), default=0)
    show_in_menu = models.BooleanField(_("hiện trên menu"), default=True)

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")
        ordering = ["menu_position", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._default_slug()
        super().save(*args, **kwargs)
        cache.delete(self.menu_cache_key())

    def get_absolute_url(self):
        # On every card and in the menu: see Article.get_absolute_url.
        if URL_SAFE_SLUG.fullmatch(self.slug):
            return f"{get_script_prefix()}{self.slug}/"
        return reverse("articles:category", kwargs={"slug": self.slug})

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        cache.delete(self.menu_cache_key())
        return result

    @staticmethod
    def menu_cache_key():
        """The menu's cache key carries the page cache's content generation, which every
        category edit moves once committed: every process sees the edit at once. (Save
        and delete also drop the key at once, for this process and uncommitted tests.)"""
        from articles import pagecache

        return f"menu-sections:{pagecache.current_state().generation}"

    @classmethod
    def menu_sections(cls):
        """The top-level sections of the menu, from the cache when possible: every
        public page shows them and they change a few times a year."""
        key = cls.menu_cache_key()
        sections = cache.get(key)
        if sections is None:
            sections = list(cls.objects.filter(parent__isnull=True, show_in_menu=True))
            cache.set(key, sections, 3600)
        return sections

    def clean(self):
        if not self.slug:
            self.slug = self._default_slug()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": _("Đường dẫn này đã được hệ thống dùng.")})
        if self.parent_id:
            if self.pk and self.parent_id == self.pk:
                raise ValidationError({"parent": _("Chuyên mục không thể là cha của chính nó.")})
            if self.parent.parent_id:
                raise ValidationError({"parent": _("Chỉ hỗ trợ hai cấp chuyên mục.")})
            if self.pk and self.children.exists():
                raise ValidationError(
                    {"parent": _("Chuyên mục đang có chuyên mục con nên không thể làm cấp con.")}
                )

    def _default_slug(self):
        """From the name; a name with no letter or digit ("★") gets "chuyen-muc",
        numbered if taken (an empty slug would give the section no address)."""
        slug = vietnamese_slugify(self.name, max_length=100)
        if slug:
            return slug
        slug, n = "chuyen-muc", 2
        while Category.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            slug, n = f"chuyen-muc-{n}", n + 1
        return slug
