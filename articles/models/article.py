from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connections, models
from django.db.models import Count, F, IntegerField, Q, Value
from django.db.models.expressions import RawSQL
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import LineField, NFCTextField, RichTextField
from articles.models.author import Author
from articles.models.category import URL_SAFE_SLUG, Category
from articles.models.photo import Photo
from articles.models.search import (
    Matching,
    SearchRank,
    WordSimilarity,
    public_matches,
    public_near_titles,
)
from articles.models.tag import ArticleTag, Tag
from articles.models.thread import EventThread
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


def works_on_every_article(user):
    """Editors and above open every article; reporters only their own."""
    return user.has_perm(REVIEW) or user.has_perm(PUBLISH) or user.has_perm(TAKEDOWN)


# Statuses an article reaches only by having been public.
PUBLIC_ONCE = frozenset({Status.PUBLISHED, Status.TAKEN_DOWN})

# Reader search ranks at most this many matches, the newest (25 pages); a query
# matching more (one common word) is too broad for rank to matter beyond them.
SEARCH_CANDIDATES = 500

# Vietnam keeps published press content at least this long: no hard delete before.
RETENTION = timedelta(days=365)

# A publish time this little in the past still counts as "now" (clocks and slow forms).
SCHEDULE_GRACE = timedelta(minutes=1)

# "Articles sharing tags" looks at this many newest articles of each tag, for at most
# this many of the article's tags: bounded work however popular a tag is.
SHARED_TAG_CANDIDATES = 200
SHARED_TAG_LIMIT = 10


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
        if works_on_every_article(user):
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

    def tagged(self, tag):
        """Articles carrying this tag (a semi-join the (tag, article) index serves)."""
        return self.filter(pk__in=ArticleTag.objects.filter(tag=tag).values("article_id"))

    def in_thread(self, thread):
        return self.filter(thread=thread)

    def picked_for(self, article):
        """The articles editors picked as related to `article`, ranked in their order
        (`rank`: the first pick highest)."""
        return (
            self.filter(picked_by__article=article)
            .annotate(rank=-F("picked_by__position"))
            .order_by("-rank", "-published_at", "-id")
        )

    def sharing_tags(self, tag_ids):
        """Articles carrying any of these tags, `rank` = how many of them, most first.

        Only the newest SHARED_TAG_CANDIDATES articles of each tag (by id, from the
        (tag, article) index) are candidates, so a tag on 20,000 articles costs no more
        than a rare one; the count then probes each candidate's own tag rows.
        """
        tag_ids = list(tag_ids)[:SHARED_TAG_LIMIT]
        if not tag_ids:
            return self.none()
        parts, params = [], []
        for number, tag_id in enumerate(tag_ids):
            newest = (
                ArticleTag.objects.filter(tag_id=tag_id)
                .order_by("-article_id")
                .values_list("article_id", flat=True)[:SHARED_TAG_CANDIDATES]
            )
            sql, part_params = newest.query.sql_with_params()
            parts.append(f"SELECT * FROM ({sql}) AS tag{number}")
            params.extend(part_params)
        shared = (
            ArticleTag.objects.filter(article=models.OuterRef("pk"), tag_id__in=tag_ids)
            .order_by()
            .values("article")
            .annotate(n=Count("*"))
            .values("n")
        )
        return (
            self.filter(pk__in=RawSQL(" UNION ALL ".join(parts), params))
            .annotate(rank=models.Subquery(shared, output_field=IntegerField()))
            .order_by("-rank", "-published_at", "-id")
        )

    def latest_ids_by_slot(self, slots):
        """{slot: [ids]} for several sliced querysets, in ONE query.

        `slots` maps a name to a queryset ordered by `latest_first()` (or by a `rank`
        annotation, then newest: `picked_for`, `sharing_tags`) and sliced ([:4]); each
        runs as its own index-served subquery inside a UNION ALL, so a page's lists
        cost one round trip however many there are. (Django cannot combine sliced
        querysets on SQLite, hence the composed SQL; every part is Django's own
        compiled SQL with its parameters.)
        """
        if not slots:
            return {}
        parts, params = [], []
        names = list(slots)
        for number, name in enumerate(names):
            queryset = slots[name]
            if "rank" not in queryset.query.annotations:
                queryset = queryset.annotate(rank=Value(0, output_field=IntegerField()))
            rows = queryset.values_list("pk", "published_at", "rank")
            sql, part_params = rows.query.sql_with_params()
            parts.append(f"SELECT {number} AS slot, * FROM ({sql}) AS part{number}")
            params.extend(part_params)
        found = {name: [] for name in names}
        with connections[self.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for number, pk, published_at, rank in cursor.fetchall():
                found[names[number]].append((rank or 0, published_at, pk))
        # UNION ALL promises no order: restore each slot's (rank, published_at, id) order.
        return {
            name: [pk for _rank, _at, pk in sorted(rows, reverse=True)]
            for name, rows in found.items()
        }

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
        """Everything a list of article cards shows, in a fixed number of queries (the
        body is not loaded: cards never show it, and it is most of a row's bytes)."""
        return (
            self.select_related("category", "lead_photo")
            .defer("body")
            .prefetch_related(
                models.Prefetch("byline_entries", queryset=Byline.objects.select_related("author")),
            )
        )

    def for_teasers(self):
        """What a compact list (related, most read, a thread's latest) shows: title,
        time, section and lead photo; no bylines, no body (one query)."""
        return self.select_related("category", "lead_photo").defer("body", "sapo")

    def for_display(self):
        """Everything the article page shows."""
        return (
            self.for_listing()
            .defer(None)
            .select_related("category__parent", "thread", "view_total")
            .prefetch_related(
                models.Prefetch(
                    "photo_uses", queryset=ArticlePhoto.objects.select_related("photo")
                ),
                "corrections",
                models.Prefetch("tag_entries", queryset=ArticleTag.objects.select_related("tag")),
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
    # Derived, never edited: the library photos the body shows (kept by
    # `photo_library.record_body_photos` on every save of the body), so "where is this
    # photo used" is one indexed lookup instead of a scan of every body.
    body_photos = models.ManyToManyField(
        Photo,
        verbose_name=_("ảnh trong nội dung"),
        related_name="+",
        blank=True,
        editable=False,
    )
    source = LineField(_("nguồn"), max_length=200, blank=True, help_text=_("Ví dụ: Theo TTXVN"))
    is_featured = models.BooleanField(_("bài nổi bật"), default=False)
    tags = models.ManyToManyField(
        Tag, verbose_name=_("từ khóa"), through=ArticleTag, related_name="articles", blank=True
    )
    thread = models.ForeignKey(
        EventThread,
        verbose_name=_("dòng sự kiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
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
            models.Index(
                fields=["thread", "status", "published_at"],
                name="article_thread_idx",
                condition=Q(deleted_at__isnull=True, thread__isnull=False),
            ),
            # The newsroom's lists (admin change list, queues) show the most recently
            # changed articles first.
            models.Index(fields=["updated_at"], name="article_updated_idx"),
        ]
        constraints = [
            # Every way an article becomes public records when (the retention guard
            # reads it): a published or taken-down article without it is refused.
            models.CheckConstraint(
                condition=~Q(status__in=sorted(PUBLIC_ONCE)) | Q(first_published_at__isnull=False),
                name="public_article_has_first_publication",
            ),
        ]
        permissions = [
            ("review_article", _("Được biên tập, chuyển duyệt và trả lại bài")),
            ("publish_article", _("Được duyệt, xuất bản, hẹn giờ và gỡ xuất bản bài")),
            ("takedown_article", _("Được gỡ bài đã xuất bản")),
        ]

    def __str__(self):
        return self.title

    # The slug of a title with no letter or digit ("🔥🔥🔥", "…"): never an empty
    # slug, whose address would read /-123.html.
    FALLBACK_SLUG = "bai-viet"

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = vietnamese_slugify(self.title) or self.FALLBACK_SLUG
        if self.status in PUBLIC_ONCE and self.first_published_at is None:
            # The invariant the database also checks (retention reads it).
            self.record_first_publication()
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "first_published_at"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        # Built for every teaser on every page: formatting a plain slug directly costs a
        # fifteenth of reverse(); tests/test_models.py holds the two to the same result.
        if URL_SAFE_SLUG.fullmatch(self.slug):
            return f"{get_script_prefix()}{self.slug}-{self.pk}.html"
        return reverse("articles:detail", kwargs={"slug": self.slug, "pk": self.pk})

    def record_first_publication(self, now=None):
        """For paths that make an article public outside the chain (import, bulk demo
        data): retention counts from the moment it is public here, never earlier."""
        if self.first_published_at is None:
            now = now or timezone.now()
            self.first_published_at = max(self.published_at or now, now)

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
    def tag_list(self):
        """Tags in the editor's order (uses the prefetch of `for_display`)."""
        return [entry.tag for entry in self.tag_entries.all()]

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
        if works_on_every_article(user):
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

    def check_transition(self, action, *, by, reason="", at=None, now=None):
        """The transition `by` asks for, if the chain and their rights allow it now.

        Raises TransitionNotAllowed (wrong state, missing reason, a publish time already
        past) or TransitionForbidden (no permission). Changes nothing.
        """
        transition = TRANSITIONS.get(action)
        if transition is None:
            raise TransitionNotAllowed(_("Thao tác không hợp lệ."))
        refusal = self._refusal(transition, by)
        if refusal is not None:
            raise refusal
        if transition.needs_reason and not clean_reason(reason):
            raise TransitionNotAllowed(_("Cần ghi rõ lý do khi “%s”.") % transition.label)
        if at is not None:
            if transition.target != Status.PUBLISHED:
                raise TransitionNotAllowed(_("Chỉ đặt giờ khi duyệt và xuất bản."))
            if at < (now or timezone.now()) - SCHEDULE_GRACE:
                raise TransitionNotAllowed(
                    _("Giờ hẹn xuất bản đã qua; hãy chọn một thời điểm ở tương lai.")
                )
        return transition

    def move(self, transition, *, by, at=None, now=None):
        """Put the article in the transition's target state and save that (the guard,
        `check_transition`, has been asked). Side effects — the audit event, presence,
        caches — belong to `articles.services.transition_article`, the only caller."""
        now = now or timezone.now()
        fields = ["status", "updated_by", "updated_at"]
        if transition.target == Status.PUBLISHED:
            self.published_at = max(at, now) if at else now
            fields.append("published_at")
            if self.first_published_at is None:
                # Retention counts from the moment readers could first see it.
                self.first_published_at = self.published_at
                fields.append("first_published_at")
        elif (
            transition.action == "unpublish"
            and self.published_at is not None
            and self.published_at > now
            and self.first_published_at == self.published_at
        ):
            # A scheduled article withdrawn before its time was never public.
            self.first_published_at = None
            fields.append("first_published_at")
        self.status = transition.target
        self.updated_by = by
        self.save(update_fields=fields)


def clean_reason(text):
    return nfc(text or "").strip()


class Byline(models.Model):
    """An author's place in an article's byline ("Minh Thư - Hoàng Anh")."""

    article = models.ForeignKey(
        Article, verbose_name=_("bài viết"), on_delete=models.CASCADE, related_name="byline_entries"
    )
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

    article = models.ForeignKey(
        Article, verbose_name=_("bài viết"), on_delete=models.CASCADE, related_name="photo_uses"
    )
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


class RelatedArticle(models.Model):
    """An article an editor links from another ("Tin liên quan"), in the editor's order.

    Any article may be picked, a draft included (it may be published later): readers
    only ever see the picks that `published()` lets through.
    """

    article = models.ForeignKey(
        Article,
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="related_entries",
    )
    related = models.ForeignKey(
        Article, verbose_name=_("bài liên quan"), on_delete=models.CASCADE, related_name="picked_by"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        verbose_name = _("tin liên quan")
        verbose_name_plural = _("tin liên quan (biên tập chọn, theo thứ tự)")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "related"],
                name="unique_related_pick",
                violation_error_message=_("Bài này đã có trong tin liên quan."),
            ),
            models.CheckConstraint(
                condition=~Q(article=F("related")),
                name="related_pick_not_itself",
                violation_error_message=_("Không thể chọn chính bài này làm tin liên quan."),
            ),
        ]

    def __str__(self):
        return str(self.related)
