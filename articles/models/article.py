from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField, RichTextField
from articles.models.author import Author
from articles.models.category import Category
from articles.models.photo import Photo
from articles.text import vietnamese_slugify


class TransitionNotAllowed(Exception):
    """Raised when an article is asked to move to a status its current one cannot reach."""


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and due. Every public surface starts here.

        Visibility is decided at query time, so a scheduled article appears at its
        minute without any job having to run.
        """
        return self.filter(status=Article.Status.PUBLISHED, published_at__lte=timezone.now())

    def in_category(self, category):
        """A category's own articles and those of its sub-categories."""
        return self.filter(Q(category=category) | Q(category__parent=category))

    def by_author(self, author):
        return self.filter(bylines=author)

    def latest_first(self):
        return self.order_by("-published_at", "-id")

    def for_listing(self):
        """Everything a list of article cards shows, in a fixed number of queries."""
        return self.select_related("category", "lead_photo").prefetch_related(
            models.Prefetch("byline_entries", queryset=Byline.objects.select_related("author"))
        )

    def for_display(self):
        """Everything the article page shows."""
        return (
            self.for_listing()
            .select_related("category__parent")
            .prefetch_related(
                models.Prefetch("photo_uses", queryset=ArticlePhoto.objects.select_related("photo"))
            )
        )


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Nháp")
        PUBLISHED = "published", _("Đã xuất bản")

    # Which status each status may move to; every transition method checks it.
    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED},
        Status.PUBLISHED: {Status.DRAFT},
    }

    title = LineField(_("tiêu đề"), max_length=300)
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=200,
        blank=True,
        help_text=_("Để trống để tạo tự động từ tiêu đề (không dấu)."),
    )
    sapo = NFCTextField(_("sapo"), blank=True, help_text=_("Đoạn dẫn, in đậm dưới tiêu đề."))
    body = RichTextField(_("nội dung"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("chuyên mục"), on_delete=models.PROTECT, related_name="articles"
    )
    bylines = models.ManyToManyField(
        Author, verbose_name=_("tác giả"), through="Byline", related_name="articles", blank=True
    )
    lead_photo = models.ForeignKey(
        Photo,
        verbose_name=_("ảnh đại diện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    photos = models.ManyToManyField(
        Photo, verbose_name=_("ảnh trong bài"), through="ArticlePhoto", related_name="articles"
    )
    source = LineField(_("nguồn"), max_length=200, blank=True, help_text=_("Ví dụ: Theo TTXVN"))
    is_featured = models.BooleanField(_("bài nổi bật"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("thời điểm xuất bản"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa cuối"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("bài viết")
        verbose_name_plural = _("bài viết")
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_public_idx"),
            models.Index(
                fields=["category", "status", "published_at"], name="article_category_idx"
            ),
        ]
        permissions = [("publish_article", _("Được xuất bản và gỡ xuất bản bài viết"))]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vietnamese_slugify(self.title)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug, "pk": self.pk})

    @property
    def is_published(self):
        """Mirror of `ArticleQuerySet.published()` for one loaded article."""
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )

    @property
    def is_scheduled(self):
        return self.status == self.Status.PUBLISHED and not self.is_published

    @property
    def authors(self):
        """Bylines in print order (uses the prefetch of `for_listing`)."""
        return [entry.author for entry in self.byline_entries.all()]

    @property
    def lead_photo_outside_body(self):
        """The lead photo, unless the body already shows it."""
        photo = self.lead_photo
        return photo if photo and photo.image.url not in self.body else None

    @property
    def photo_uses_outside_body(self):
        """Photos attached to the article that the body does not already show."""
        return [use for use in self.photo_uses.all() if use.photo.image.url not in self.body]

    def _move_to(self, status):
        if status not in self.ALLOWED_TRANSITIONS.get(self.status, set()):
            raise TransitionNotAllowed(
                _("Không thể chuyển bài từ “%(from)s” sang “%(to)s”.")
                % {"from": self.get_status_display(), "to": self.Status(status).label}
            )
        self.status = status

    def publish(self, *, at=None, by=None):
        """Publish now, or at `at` (a future time schedules it)."""
        self._move_to(self.Status.PUBLISHED)
        self.published_at = at or timezone.now()
        self.updated_by = by or self.updated_by
        self.save(update_fields=["status", "published_at", "updated_by", "updated_at"])

    def unpublish(self, *, by=None):
        """Take the article off the public site, back to draft."""
        self._move_to(self.Status.DRAFT)
        self.updated_by = by or self.updated_by
        self.save(update_fields=["status", "updated_by", "updated_at"])


class Byline(models.Model):
    """An author's place in an article's byline ("Minh Thư - Hoàng Anh")."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="byline_entries")
    author = models.ForeignKey(
        Author, verbose_name=_("tác giả"), on_delete=models.PROTECT, related_name="byline_entries"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tác giả")
        verbose_name_plural = _("tác giả (theo thứ tự in)")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="unique_byline_per_article")
        ]

    def __str__(self):
        return self.author.display_name


class ArticlePhoto(models.Model):
    """A photo used in an article; the caption may be overridden for this use."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="photo_uses")
    photo = models.ForeignKey(
        Photo, verbose_name=_("ảnh"), on_delete=models.PROTECT, related_name="uses"
    )
    caption = NFCTextField(
        _("chú thích trong bài"), blank=True, help_text=_("Để trống để dùng chú thích của ảnh.")
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("ảnh trong bài")
        verbose_name_plural = _("ảnh trong bài")
        ordering = ["position", "id"]

    def __str__(self):
        return str(self.photo)

    @property
    def display_caption(self):
        return self.caption or self.photo.caption
