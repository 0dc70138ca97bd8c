from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, models, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField, RichTextField
from articles.models.author import Author
from articles.models.category import Category
from articles.models.photo import Photo
from articles.models.search import (
    Matching,
    SearchRank,
    WordSimilarity,
    public_matches,
    public_near_titles,
)
from articles.search import SearchQuery
from articles.text import nfc, vietnamese_slugify


class TransitionNotAllowed(Exception):
    """The article's status cannot move that way, or a required reason is missing."""


class TransitionForbidden(PermissionDenied):
    """The acting user lacks the permission the transition needs."""


class Status(models.TextChoices):
    DRAFT = "draft", _("Nháp")
    SUBMITTED = "submitted", _("Chờ biên tập")
    EDITED = "edited", _("Chờ duyệt")
    RETURNED = "returned", _("Bị trả lại")
    PUBLISHED = "published", _("Đã xuất bản")
    TAKEN_DOWN = "taken_down", _("Đã gỡ")


@dataclass(frozen=True)
class Transition:
    """One move of the editorial chain and what it takes to make it."""

    action: str
    label: str
    sources: frozenset
    target: str
    permission: str | None  # None: whoever may edit the article now (its owner, for a draft)
    needs_reason: bool = False


REVIEW = "articles.review_article"
PUBLISH = "articles.publish_article"
TAKEDOWN = "articles.takedown_article"

TRANSITIONS = {
    t.action: t
    for t in [
        Transition("submit", _("Gửi biên tập"), frozenset({Status.DRAFT, Status.RETURNED}),
                   Status.SUBMITTED, None),
        Transition("forward", _("Chuyển duyệt"), frozenset({Status.SUBMITTED}), Status.EDITED,
                   REVIEW),
        Transition("return", _("Trả lại phóng viên"),
                   frozenset({Status.SUBMITTED, Status.EDITED}), Status.RETURNED, REVIEW,
                   needs_reason=True),
        Transition("publish", _("Duyệt và xuất bản"),
                   frozenset({Status.SUBMITTED, Status.EDITED}), Status.PUBLISHED, PUBLISH),
        Transition("unpublish", _("Gỡ xuất bản (về chờ duyệt)"), frozenset({Status.PUBLISHED}),
                   Status.EDITED, PUBLISH),
        Transition("take_down", _("Gỡ bài"), frozenset({Status.PUBLISHED}), Status.TAKEN_DOWN,
                   TAKEDOWN, needs_reason=True),
        Transition("reinstate", _("Đưa về chờ duyệt"), frozenset({Status.TAKEN_DOWN}),
                   Status.EDITED, TAKEDOWN),
    ]
}  # fmt: skip

# Which status each status may move to; derived from TRANSITIONS, checked by every move.
ALLOWED_TRANSITIONS = {
    status: {t.target for t in TRANSITIONS.values() if status in t.sources} for status in Status
}

# Reader search ranks at most this many matches, the newest (25 pages); a query
# matching more (one common word) is too broad for rank to matter beyond them.
SEARCH_CANDIDATES = 500

# Vietnam keeps published press content at least this long: no hard delete before.
RETENTION = timedelta(days=365)


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """What readers may see: published, and due. Every public surface starts here.

        Visibility is decided at query time, so a scheduled article appears at its
        minute without any job having to run.
        """
        return self.filter(
            status=Status.PUBLISHED, published_at__lte=timezone.now(), deleted_at__isnull=True
        )

    def alive(self):
        """Everything not in the trash."""
        return self.filter(deleted_at__isnull=True)

    def trashed(self):
        return self.filter(deleted_at__isnull=False)

    def visible_to(self, user):
        """What a staff user may open: reviewers see every article, reporters their own."""
        if user.has_perm(REVIEW) or user.has_perm(PUBLISH) or user.has_perm(TAKEDOWN):
            return self
        return self.filter(created_by=user)

    def owned_by(self, user):
        return self.filter(created_by=user)

    def with_status(self, *statuses):
        return self.filter(status__in=statuses)

    def scheduled(self):
        return self.filter(status=Status.PUBLISHED, published_at__gt=timezone.now())

    def published_since(self, moment):
        return self.published().filter(published_at__gte=moment)

    def in_category(self, category):
        """A category's own articles and those of its sub-categories.

        An IN over the section's ids (not an OR across a join) lets the category index
        serve the list and the paginator's count.
        """
        section_ids = Category.objects.filter(Q(pk=category.pk) | Q(parent=category.pk))
        return self.filter(category_id__in=section_ids.values("pk"))

    def by_author(self, author):
        """Articles carrying this byline (a semi-join the byline index serves)."""
        return self.filter(pk__in=Byline.objects.filter(author=author).values("article_id"))

    def featured(self):
        return self.filter(is_featured=True)

    def latest_first(self):
        return self.order_by("-published_at", "-id")

    # -- search (rules in articles/search.py, index in articles/models/search.py) --

    def matching(self, query, *, prefix=False):
        """Articles containing every word of `query`, accents and case ignored
        ("cong thuong" finds "Công Thương"); `prefix` matches word beginnings (the
        admin's search box). A query with no word matches nothing."""
        query = query if isinstance(query, SearchQuery) else SearchQuery.parse(query)
        if not query:
            return self.none()
        return self.filter(search_index__document__matches=Matching(query, prefix=prefix))

    def search(self, query):
        """Reader search: public articles matching `query`, best first (RANK_POINTS),
        then newest. Use as `published().search(q)`: only articles whose search row
        says they are public are candidates, and `published()` re-checks them.

        Only the newest SEARCH_CANDIDATES + 1 matches are ranked (the +1 tells "more
        than 500"): the search table alone picks them, so ranking touches a bounded
        number of rows whatever the number of articles.
        """
        query = query if isinstance(query, SearchQuery) else SearchQuery.parse(query)
        if not query:
            return self.none()
        candidates = public_matches(query, limit=SEARCH_CANDIDATES + 1)
        return (
            self.filter(pk__in=candidates)
            .alias(search_rank=SearchRank(models.F("search_index__document"), query))
            .order_by("-search_rank", "-published_at", "-id")
        )

    def near_titles(self, query, *, limit=10):
        """Public articles whose title is close to a mistyped `query`, closest first
        (pg_trgm; nothing on other databases): what reader search offers when no
        article matches. Re-checked by `self` (`published()`)."""
        query = query if isinstance(query, SearchQuery) else SearchQuery.parse(query)
        if not query or connections[self.db].vendor != "postgresql":
            return self.none()
        return (
            self.filter(pk__in=public_near_titles(query, limit=limit))
            .alias(similarity=WordSimilarity(models.Value(query.folded), "search_index__title"))
            .order_by("-similarity", "-published_at", "-id")
        )

    def for_listing(self):
        """Everything a list of article cards shows, in a fixed number of queries."""
        return self.select_related("category", "lead_photo").prefetch_related(
            models.Prefetch("byline_entries", queryset=Byline.objects.select_related("author")),
            "lead_photo__renditions",
        )

    def for_display(self):
        """Everything the article page shows."""
        return (
            self.for_listing()
            .select_related("category__parent")
            .prefetch_related(
                models.Prefetch(
                    "photo_uses", queryset=ArticlePhoto.objects.select_related("photo")
                ),
                "photo_uses__photo__renditions",
                "corrections",
            )
        )


class Article(models.Model):
    Status = Status
    TRANSITIONS = TRANSITIONS
    ALLOWED_TRANSITIONS = ALLOWED_TRANSITIONS

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
    first_published_at = models.DateTimeField(
        _("xuất bản lần đầu"), null=True, blank=True, editable=False
    )
    version = models.PositiveIntegerField(_("phiên bản"), default=1, editable=False)
    deleted_at = models.DateTimeField(_("đã xóa lúc"), null=True, blank=True, editable=False)
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
        # Partial indexes over what readers can see: every public query filters
        # status, publish time and deleted_at, and orders by publish time.
        indexes = [
            models.Index(
                fields=["status", "published_at", "id"],
                name="article_public_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["category", "status", "published_at"],
                name="article_category_idx",
                condition=Q(deleted_at__isnull=True),
            ),
            models.Index(
                fields=["is_featured", "status", "published_at"],
                name="article_featured_idx",
                condition=Q(deleted_at__isnull=True),
            ),
        ]
        permissions = [
            ("review_article", _("Được biên tập, chuyển duyệt và trả lại bài")),
            ("publish_article", _("Được duyệt, xuất bản, hẹn giờ và gỡ xuất bản bài")),
            ("takedown_article", _("Được gỡ bài đã xuất bản")),
        ]

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

    @property
    def is_deleted(self):
        return self.deleted_at is not None

    @property
    def status_label(self):
        """The status as the newsroom says it; a future publish time reads "Hẹn giờ"."""
        return _("Hẹn giờ") if self.is_scheduled else self.get_status_display()

    # Who may do what. The one place the editorial policy lives; the admin, every
    # view and every action ask these.

    def is_owned_by(self, user):
        return user.is_authenticated and self.created_by_id == user.pk

    def can_view(self, user):
        if not user.is_active or not user.has_perm("articles.view_article"):
            return False
        if user.has_perm(REVIEW) or user.has_perm(PUBLISH) or user.has_perm(TAKEDOWN):
            return True
        return self.is_owned_by(user)

    def can_edit(self, user):
        """Reporters: their own drafts and returned articles. Editors: submitted work.
        Managing editors: anything not in the trash. Editor-in-chief: everything."""
        if not user.is_active or not user.has_perm("articles.change_article"):
            return False
        if user.has_perm(TAKEDOWN):
            return True
        if self.is_deleted:
            return False
        if user.has_perm(PUBLISH):
            return True
        if user.has_perm(REVIEW) and self.status in {Status.SUBMITTED, Status.EDITED}:
            return True
        return self.is_owned_by(user) and self.status in {Status.DRAFT, Status.RETURNED}

    def can_delete(self, user):
        """Soft delete: never a live or scheduled article (take it down first)."""
        if self.status == Status.PUBLISHED or not user.has_perm("articles.delete_article"):
            return False
        return self.can_edit(user)

    def can_purge(self, user, now=None):
        """Hard delete: only from the trash, and never within a year of publication."""
        if not self.is_deleted or not user.has_perm(TAKEDOWN):
            return False
        first = self.first_published_at
        return first is None or first <= (now or timezone.now()) - RETENTION

    def allowed_actions(self, user):
        """The transitions this user may apply now, for buttons and checks alike."""
        return [t for t in TRANSITIONS.values() if self._refusal(t, user) is None]

    def _refusal(self, transition, user):
        if self.is_deleted:
            return TransitionNotAllowed(_("Bài đang ở thùng rác."))
        if self.status not in transition.sources:
            return TransitionNotAllowed(
                _("Không thể “%(action)s” khi bài đang ở trạng thái “%(status)s”.")
                % {"action": transition.label, "status": self.status_label}
            )
        # Every step needs the right to work on the article now, plus its own permission.
        allowed = self.can_edit(user) and (
            transition.permission is None or user.has_perm(transition.permission)
        )
        if not allowed:
            return TransitionForbidden(
                _("Bạn không có quyền “%(action)s” bài này.") % {"action": transition.label}
            )
        return None

    def apply(self, action, *, by, reason="", at=None):
        """Move the article by one step of the chain, as `by`, and record it.

        Raises TransitionNotAllowed (wrong state, missing reason) or
        TransitionForbidden (no permission); on refusal nothing is changed.
        """
        from articles.models.history import ArticleEvent
        from articles.revisions import record_revision

        transition = TRANSITIONS.get(action)
        if transition is None:
            raise TransitionNotAllowed(_("Thao tác không hợp lệ."))
        refusal = self._refusal(transition, by)
        if refusal is not None:
            raise refusal
        reason = clean_reason(reason)
        if transition.needs_reason and not reason:
            raise TransitionNotAllowed(_("Cần ghi rõ lý do khi “%s”.") % transition.label)
        if transition.target == Status.PUBLISHED:
            # Checked here, not in _refusal: the button stays, and the refusal says why.
            from articles.photo_library import photos_missing_caption_or_credit

            problems = photos_missing_caption_or_credit(self)
            if problems:
                raise TransitionNotAllowed(
                    _("Chưa thể xuất bản: ảnh còn thiếu chú thích hoặc tác giả ảnh — %s.")
                    % "; ".join(problems)
                )
        previous = self.status
        with transaction.atomic():
            self.status = transition.target
            fields = ["status", "updated_by", "updated_at"]
            if transition.target == Status.PUBLISHED:
                self.published_at = at or timezone.now()
                self.first_published_at = self.first_published_at or self.published_at
                fields += ["published_at", "first_published_at"]
            self.updated_by = by
            self.save(update_fields=fields)
            ArticleEvent.objects.create(
                article=self,
                actor=by,
                action=action,
                from_status=previous,
                to_status=self.status,
                reason=reason,
                scheduled_for=self.published_at if action == "publish" else None,
            )
            record_revision(self, user=by, note=str(transition.label))
        return transition

    def submit(self, *, by):
        return self.apply("submit", by=by)

    def forward(self, *, by):
        return self.apply("forward", by=by)

    def return_to_reporter(self, *, by, reason):
        return self.apply("return", by=by, reason=reason)

    def publish(self, *, by, at=None):
        """Approve and publish now, or at `at` (a future time schedules it)."""
        return self.apply("publish", by=by, at=at)

    def unpublish(self, *, by):
        return self.apply("unpublish", by=by)

    def take_down(self, *, by, reason):
        return self.apply("take_down", by=by, reason=reason)

    def reinstate(self, *, by):
        return self.apply("reinstate", by=by)


def clean_reason(text):
    return nfc(text or "").strip()


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
