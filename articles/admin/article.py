"""Articles in the admin: the editorial chain, revisions, conflicts, presence, previews.

Every permission is decided by the article's own policy methods (`can_view`,
`can_edit`, `allowed_actions` …); this module only asks them. The change form is one
writing screen (templates/admin/articles/article/change_form.html, laid out from
`articles.admin.desk`).
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ORDER_VAR, ChangeList
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from articles import checklist, editing, services
from articles.admin.article_views import ArticleViewsMixin
from articles.admin.common import AsciiIdAutocompleteMixin, SlugCleaningForm, SlugPreviewMixin
from articles.admin.desk import BUTTONS, DeskMixin, desk_context, pen_name_of
from articles.editor import NewsroomEditorWidget
from articles.fields import NFCTextField, RichTextField
from articles.models import (
    TRANSITIONS,
    Article,
    ArticleEvent,
    ArticlePhoto,
    Byline,
    Category,
    Correction,
    EditPresence,
    Photo,
    RelatedArticle,
    Status,
    Tag,
    TransitionForbidden,
    TransitionNotAllowed,
)
from articles.models.article import PUBLIC_ONCE, PUBLISH, SCHEDULE_GRACE, works_on_every_article
from articles.models.tag import TAG_MAX_LENGTH
from articles.photo_library import add_library_credits, describe_photo, visible_photos
from articles.renditions import thumbnail_url
from articles.text import article_datetime, clean_line, name_key, parse_number, waiting_label

# The compact inline layout of the writing screen (labelled fields, no table).
DESK_INLINE = "admin/articles/article/desk_inline.html"

# Caption and credit of a library photo, fixed in place: photo_text-<id>-caption|credit.
PHOTO_TEXT_KEY = re.compile(r"photo_text-([0-9]{1,18})-(caption|credit)")
CREDIT_MAX = Photo._meta.get_field("credit").max_length


class BylineInline(AsciiIdAutocompleteMixin, admin.StackedInline):
    """Bylines in print order (the order on screen). A new article starts with the
    writer's own pen name; there is no blank row, an "add" link adds one."""

    model = Byline
    extra = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]
    template = DESK_INLINE
    formfield_overrides = {
        models.PositiveSmallIntegerField: {"widget": forms.HiddenInput(attrs={"data-order": "1"})}
    }

    def get_extra(self, request, obj=None, **kwargs):
        new = obj is None or obj.pk is None
        return 1 if new and request.method == "GET" and pen_name_of(request.user) else 0


class ArticlePhotoInline(AsciiIdAutocompleteMixin, admin.StackedInline):
    model = ArticlePhoto
    extra = 0
    autocomplete_fields = ["photo"]
    fields = ["photo", "thumbnail", "caption", "library_caption", "credit", "position"]
    readonly_fields = ["thumbnail", "library_caption", "credit"]
    template = DESK_INLINE
    formfield_overrides = {
        NFCTextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})},
        models.PositiveSmallIntegerField: {"widget": forms.HiddenInput(attrs={"data-order": "1"})},
    }

    @admin.display(description=_("xem ảnh"))
    def thumbnail(self, use):
        if not use.photo_id:
            return "—"
        return format_html(
            '<img src="{}" alt="{}" class="desk-thumb">', thumbnail_url(use.photo), use.photo.alt
        )

    @admin.display(description=_("chú thích gốc"))
    def library_caption(self, use):
        return use.photo.caption if use.photo_id else "—"

    @admin.display(description=_("tác giả ảnh / nguồn"))
    def credit(self, use):
        return use.photo.credit if use.photo_id else "—"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("photo")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["queryset"] = visible_photos(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RelatedArticleForm(forms.ModelForm):
    def clean(self):
        # The inline leaves its own article out of model validation, so the database's
        # check would be the first to notice (an IntegrityError): say it here.
        cleaned = super().clean()
        related = cleaned.get("related")
        if related is not None and related.pk == self.instance.article_id:
            raise forms.ValidationError(_("Không thể chọn chính bài này làm tin liên quan."))
        return cleaned


class RelatedArticleInline(AsciiIdAutocompleteMixin, admin.StackedInline):
    """ "Tin liên quan": editors pick articles to show first under this one, in order.

    A draft may be picked (it shows once published); readers only see published picks.
    Reporters have no permission on these rows, so the inline is not on their form
    and a forged POST of its rows is ignored.
    """

    model = RelatedArticle
    form = RelatedArticleForm
    fk_name = "article"
    extra = 0  # an "add" link adds a row (no blank row in the side panel)
    template = DESK_INLINE
    formfield_overrides = {
        models.PositiveSmallIntegerField: {"widget": forms.HiddenInput(attrs={"data-order": "1"})}
    }
    autocomplete_fields = ["related"]
    fields = ["related", "position"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "related":
            kwargs["queryset"] = Article.objects.alive()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CorrectionInline(admin.StackedInline):
    """Correction notices: added to published articles by those who may publish."""

    model = Correction
    extra = 0
    fields = ["text", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    verbose_name = _("thông tin cải chính")
    verbose_name_plural = _("thông tin cải chính (hiện ở đầu bài, Điều 42 Luật Báo chí)")

    def has_add_permission(self, request, obj=None):
        return bool(
            obj
            and obj.status == Status.PUBLISHED
            and request.user.has_perm("articles.add_correction")
        )

    def has_change_permission(self, request, obj=None):
        return False  # a published correction is part of the record

    def has_delete_permission(self, request, obj=None):
        return False


class ScheduleWidget(admin.widgets.AdminSplitDateTime):
    """Date and time inputs, each with its own label (the admin's has bare text)."""

    template_name = "articles/widgets/schedule.html"  # app templates: the form renderer


class ArticleForm(SlugCleaningForm):
    """The article form, with the optimistic-concurrency version and workflow inputs.

    Fields a role cannot use are not on its form at all (a forged POST sets nothing):
    the featured flag, the schedule and the checklist override are for those who may
    publish. Library photos' captions and credits may be fixed in place
    (`photo_text-<id>-caption` / `-credit`), under the library's own rule.
    """

    base_version = forms.IntegerField(
        label=_("phiên bản đang sửa"), widget=forms.HiddenInput, required=False
    )
    workflow_reason = forms.CharField(
        label=_("Lý do"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Người nhận sẽ thấy lý do này ở đầu bài."),
    )
    publish_at = forms.SplitDateTimeField(
        label=_("Hẹn giờ xuất bản"),
        required=False,
        widget=ScheduleWidget,
        help_text=_("Để trống để xuất bản ngay."),
    )
    override_reason = forms.CharField(
        label=_("Lý do bỏ qua cảnh báo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ghi vào lịch sử bài. Không bỏ qua được lỗi bắt buộc."),
    )
    # The soft rules the screen showed as failing (what the override covers).
    override_rules = forms.CharField(required=False, widget=forms.HiddenInput)
    tag_names = forms.CharField(
        label=_("Từ khóa"),
        required=False,
        max_length=3000,
        widget=forms.TextInput(attrs={"class": "vTextField", "autocomplete": "off"}),
        help_text=_(
            "Cách nhau bằng dấu phẩy, ví dụ: Hà Nội, giá xăng. Gõ vài chữ (có dấu hay không "
            "dấu) để chọn từ khóa đã có; từ khóa mới được tạo khi lưu."
        ),
    )

    MAX_TAGS = 20

    # Set by ArticleAdmin.get_form: who is saving.
    user = None

    PUBLISHER_FIELDS = ("is_featured", "publish_at", "override_reason", "override_rules")

    class Meta:
        model = Article
        fields = ["title", "slug", "sapo", "body", "category", "lead_photo", "source",
                  "is_featured"]  # fmt: skip
        widgets = {
            # Several lines visible, one line of text (LineField folds line breaks).
            "title": forms.Textarea(attrs={"rows": 2, "class": "desk-headline"}),
            "sapo": forms.Textarea(attrs={"rows": 4, "class": "desk-sapo"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["base_version"] = self.instance.version
            if self.instance.pk:
                self.initial["tag_names"] = ", ".join(
                    tag.name for tag in self.instance.tags.order_by("article_entries__position")
                )
        if "tag_names" in self.fields:
            self.fields["tag_names"].widget.attrs["data-tag-suggest-url"] = reverse(
                "admin:articles_tag_suggest"
            )
        if self.user is None or not self.user.has_perm(PUBLISH):
            for name in self.PUBLISHER_FIELDS:
                self.fields.pop(name, None)
        self.conflict = None
        self.requested_transition = None
        self.photo_texts = []

    def clean_title(self):
        return clean_line(self.cleaned_data.get("title") or "")

    def override(self):
        """The checklist override asked for, if any (publishers only)."""
        reason = (self.cleaned_data.get("override_reason") or "").strip()
        if not reason:
            return None
        rules = frozenset(filter(None, (self.cleaned_data.get("override_rules") or "").split(",")))
        return checklist.Override(reason=reason, rules=rules)

    def clean_tag_names(self):
        """A list of names, one per tag ("Hà Nội, hà nội" is one), each checked."""
        names = services.unique_tag_names(self.cleaned_data.get("tag_names", "").split(","))
        too_long = [name for name in names if len(name) > TAG_MAX_LENGTH]
        if too_long:
            raise forms.ValidationError(
                _("Mỗi từ khóa tối đa %(max)d ký tự: “%(name)s…”.")
                % {"max": TAG_MAX_LENGTH, "name": too_long[0][:40]}
            )
        if len(names) > self.MAX_TAGS:
            raise forms.ValidationError(
                _("Tối đa %(max)d từ khóa cho một bài.") % {"max": self.MAX_TAGS}
            )
        if self.user is not None and not self.user.has_perm("articles.add_tag"):
            known = {tag.key for tag in Tag.objects.matching(names)}
            new = [name for name in names if name_key(name) not in known]
            if new:
                raise forms.ValidationError(
                    _("Bạn không được tạo từ khóa mới: %s.") % ", ".join(new)
                )
        return names

    def clean(self):
        cleaned = super().clean()
        self._check_version(cleaned)
        self._check_transition(cleaned)
        self.photo_texts = self._clean_photo_texts()
        return cleaned

    def _clean_photo_texts(self):
        """[(photo, caption or None, credit or None)] asked for by the posted form, for
        photos this user may see (the right to change them is checked when saving)."""
        wanted = {}
        for key in self.data:
            match = PHOTO_TEXT_KEY.fullmatch(key)
            if match:
                wanted.setdefault(int(match[1]), {})[match[2]] = self.data.get(key)
        if not wanted:
            return []
        photos = visible_photos(self.user).in_bulk(list(wanted))
        changes = []
        for pk, parts in wanted.items():
            photo = photos.get(pk)
            if photo is None:
                self.add_error(None, _("Không tìm thấy ảnh #%s trong thư viện.") % pk)
                continue
            credit = parts.get("credit")
            if credit is not None and len(clean_line(credit)) > CREDIT_MAX:
                self.add_error(
                    None,
                    _("Tác giả ảnh của %(photo)s dài quá %(max)s ký tự.")
                    % {"photo": describe_photo(photo), "max": CREDIT_MAX},
                )
                continue
            changes.append((photo, parts.get("caption"), credit))
        return changes

    def _check_version(self, cleaned):
        """A stale form (someone saved since it was opened) must not overwrite their work."""
        article = self.instance
        if article.pk is None:
            return
        base = cleaned.get("base_version")
        if base is not None and base == article.version:
            return
        self.conflict = editing.conflict_details(article, base, self.cleaned_data)
        # Re-render with the newer version as the base: saving again after merging wins.
        data = self.data.copy()
        data["base_version"] = article.version
        self.data = data
        self.add_error(
            None,
            _(
                "Bài đã được %(user)s lưu lúc %(time)s, sau khi bạn mở. Nội dung bạn vừa sửa "
                "vẫn còn nguyên bên dưới; hãy xem phần khác biệt, hợp nhất rồi bấm Lưu lại."
            )
            % self.conflict["who_when"],
        )

    def _check_transition(self, cleaned):
        action = self.data.get("_transition")
        if not action:
            return
        transition = TRANSITIONS.get(action)
        if transition is None:
            self.add_error(None, _("Thao tác không hợp lệ."))
            return
        article = self.instance
        if article.pk is None:
            article = Article(status=Status.DRAFT, created_by=self.user)
        at = cleaned.get("publish_at")
        if at and transition.action != "publish":
            self.add_error("publish_at", _("Chỉ đặt giờ khi duyệt và xuất bản."))
            return
        if at and at < timezone.now() - SCHEDULE_GRACE:
            self.add_error(
                "publish_at", _("Giờ hẹn xuất bản đã qua; hãy chọn một thời điểm ở tương lai.")
            )
            return
        if transition.needs_reason and not (cleaned.get("workflow_reason") or "").strip():
            self.add_error("workflow_reason", _("Cần ghi rõ lý do khi “%s”.") % transition.label)
            return
        try:
            article.check_transition(
                action, by=self.user, reason=cleaned.get("workflow_reason", ""), at=at
            )
        except (TransitionNotAllowed, TransitionForbidden) as refusal:
            self.add_error(None, str(refusal.args[0]))
            if article.pk:
                services.record_refusal(article, action, by=self.user, refusal=refusal)
            return
        self.requested_transition = transition


# Filter headings read "Theo chuyên mục" (Django's vi catalogue says "Bởi …"); a filter
# whose `heading` is set shows that line instead (where "Theo …" would read wrong).
FILTER_TEMPLATE = "admin/articles/article/filter.html"


class NewsroomFilter:
    template = FILTER_TEMPLATE
    heading = None


class QueueFilter(NewsroomFilter, admin.SimpleListFilter):
    """The newsroom's queues, as on the admin home."""

    title = _("hàng đợi")
    parameter_name = "hang_doi"

    def lookups(self, request, model_admin):
        return [(key, label) for key, label, _q in editing.QUEUES]

    def queryset(self, request, queryset):
        for key, _label, build in editing.QUEUES:
            if self.value() == key:
                return build(queryset, request.user)
        return queryset


class StatusFilter(NewsroomFilter, admin.SimpleListFilter):
    title = _("trạng thái")
    parameter_name = "trang_thai"

    def lookups(self, request, model_admin):
        return [(s.value, s.label) for s in Status] + [("scheduled", _("Hẹn giờ"))]

    def queryset(self, request, queryset):
        if self.value() == "scheduled":
            return queryset.scheduled()
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset


class TrashFilter(NewsroomFilter, admin.SimpleListFilter):
    title = _("thùng rác")
    heading = _("Thùng rác")
    parameter_name = "thung_rac"

    def lookups(self, request, model_admin):
        return [("1", _("Bài trong thùng rác"))]

    def queryset(self, request, queryset):
        return queryset.trashed() if self.value() == "1" else queryset.alive()


class CategoryTreeFilter(NewsroomFilter, admin.SimpleListFilter):
    """Sections, each followed by its sub-sections (indented); a section also lists its
    sub-sections' articles (`ArticleQuerySet.in_category`). One query for the tree."""

    title = _("chuyên mục")
    parameter_name = "chuyen_muc"

    def lookups(self, request, model_admin):
        categories = list(Category.objects.order_by("menu_position", "name"))
        children = {}
        for category in categories:
            children.setdefault(category.parent_id, []).append(category)
        self.depths = {}
        tree = []
        for section in children.get(None, []):
            tree.append((str(section.pk), section.name))
            self.depths[str(section.pk)] = 0
            for child in children.get(section.pk, []):
                tree.append((str(child.pk), child.name))
                self.depths[str(child.pk)] = 1
        return tree

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        for choice, (value, _name) in zip(choices[1:], self.lookup_choices, strict=False):
            choice["depth"] = self.depths.get(value, 0)
        return choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        pk = parse_number(self.value())
        if pk is None:
            return queryset.none()
        return queryset.in_category(Category(pk=pk))


class BylineFilter(NewsroomFilter, admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.empty_value_display = _("Chưa có tác giả")  # Django shows "-"


class FeaturedFilter(NewsroomFilter, admin.BooleanFieldListFilter):
    heading = _("Bài nổi bật")


class PublishedAtFilter(NewsroomFilter, admin.DateFieldListFilter):
    pass


class ArticleChangeList(ChangeList):
    """The article list: each row also knows when it was sent on and by whom
    (`editing.with_queue_facts`, subqueries of the list's one query)."""

    def get_queryset(self, request, exclude_parameters=None):
        if not getattr(self, "_with_queue_facts", False):
            self.root_queryset = editing.with_queue_facts(self.root_queryset)
            self._with_queue_facts = True
        return super().get_queryset(request, exclude_parameters)

    def get_ordering(self, request, queryset):
        """Review queues: whoever has waited longest first (unless a column is chosen).
        Here, not in ModelAdmin.get_ordering: only this list has the `sent_at` column."""
        if not request.GET.get(ORDER_VAR) and request.GET.get("hang_doi") in editing.REVIEW_QUEUES:
            return [F("sent_at").asc(nulls_last=True), "pk"]
        return super().get_ordering(request, queryset)


# What each queue page lists beside the headline (the first column, the link).
QUEUE_COLUMNS = ["headline", "category", "byline_names", "sent_by", "sent_at_column",
                 "waiting", "editing_now"]  # fmt: skip


@admin.register(Article)
class ArticleAdmin(
    AsciiIdAutocompleteMixin, DeskMixin, ArticleViewsMixin, SlugPreviewMixin, admin.ModelAdmin
):
    form = ArticleForm
    # The admin maps every TextField to its plain textarea; the body needs CKEditor.
    formfield_overrides = {RichTextField: {"widget": NewsroomEditorWidget}}
    inlines = [BylineInline, ArticlePhotoInline, RelatedArticleInline, CorrectionInline]
    list_display = ["headline", "category", "status_column", "byline_names", "published_at",
                    "editing_now"]  # fmt: skip
    list_filter = [QueueFilter, StatusFilter, TrashFilter, CategoryTreeFilter,
                   ("bylines", BylineFilter), ("is_featured", FeaturedFilter),
                   ("published_at", PublishedAtFilter)]  # fmt: skip
    list_select_related = ["category"]
    # The box searches title, sapo and body ignoring accents, or an id: get_search_results.
    search_fields = ["title", "sapo", "=id"]
    search_help_text = _(
        "Tìm theo tiêu đề, sapo, nội dung (gõ có dấu hay không dấu đều được) hoặc theo mã bài."
    )
    autocomplete_fields = ["category", "lead_photo", "thread"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    actions = ["submit_selected", "forward_selected", "publish_selected", "unpublish_selected",
               "trash_selected", "untrash_selected", "purge_selected"]  # fmt: skip
    # The form's fields; the writing screen lays them out itself (change_form.html),
    # and shows status, dates and people from `articles.admin.desk`.
    readonly_fields = ["tag_list"]
    fieldsets = [
        (None, {"fields": ["base_version", "title", "slug", "sapo", "body", "source"]}),
        (
            _("Phân loại"),
            {"fields": ["category", "tag_names", "thread", "lead_photo", "is_featured"]},
        ),
        (_("Quy trình"), {"fields": ["workflow_reason", "publish_at"]}),
    ]
    change_form_template = "admin/articles/article/change_form.html"

    class Media:
        # The status badge of the queues and the screen; the slug preview (which
        # SlugPreviewMixin's Media would give, were it not replaced here).
        css = {"all": ["articles/status-badge.css"]}
        js = ["articles/slug-preview.js"]

    # -- what each user may see and do (asked of the article's policy) --

    def get_queryset(self, request):
        active = EditPresence.objects.active().select_related("user")
        return (
            super()
            .get_queryset(request)
            .visible_to(request.user)
            .prefetch_related(
                Prefetch("byline_entries", queryset=Byline.objects.select_related("author")),
                Prefetch("presences", queryset=active, to_attr="active_presences"),
            )
        )

    def get_search_results(self, request, queryset, search_term):
        """Every word as the start of a word in the title, sapo or body, accents and
        case ignored ("hoa" finds "Hòa", "HOÀ"); a number also finds that article id."""
        term = search_term.strip()
        if not term:
            return queryset, False
        results = queryset.matching(term, prefix=True)
        number = term.lstrip("#")
        if number.isascii() and number.isdigit() and len(number) <= 18:
            results = results | queryset.filter(pk=int(number))
        return results, False

    def has_view_permission(self, request, obj=None):
        allowed = super().has_view_permission(request, obj)
        return allowed and (obj is None or obj.can_view(request.user))

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.can_edit(request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or obj.can_delete(request.user))

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        return type(form_class.__name__, (form_class,), {"user": request.user})

    def get_object(self, request, object_id, from_field=None):
        """On a save, lock the row so two concurrent saves cannot both pass the version check.

        Ids are ASCII digits only ("²" or "①" would pass str.isdigit and break int()).
        """
        pk = parse_number(object_id)
        if pk is None:
            return None  # the admin answers "does not exist"
        if request.method == "POST":
            queryset = self.get_queryset(request).select_for_update(of=("self",))
            return queryset.filter(pk=pk).first()
        return super().get_object(request, str(pk), from_field)

    # Inputs of the form itself (the version check, the next step of the chain): they
    # mean nothing on the read-only view of an article the user may not edit, where
    # Django would show them as "Workflow reason: None".
    FORM_ONLY_FIELDS = {"base_version", "workflow_reason", "publish_at"}
    # Event threads are the editors' (review permission and above).
    EDITOR_FIELDS = {"thread"}

    def get_fieldsets(self, request, obj=None):
        """Fields a role cannot use are not on its form, so a forged POST sets nothing."""
        hidden = set()
        read_only = obj is not None and not self.has_change_permission(request, obj)
        if read_only:
            hidden |= self.FORM_ONLY_FIELDS
        if not request.user.has_perm(PUBLISH):
            hidden |= set(ArticleForm.PUBLISHER_FIELDS)
        if not works_on_every_article(request.user):
            hidden |= self.EDITOR_FIELDS
        # The tag input is a form field: a read-only page shows the tags as text.
        shown_tags = "tag_list" if read_only else "tag_names"
        return [
            (
                name,
                {
                    **options,
                    "fields": [
                        shown_tags if f == "tag_names" else f
                        for f in options["fields"]
                        if f not in hidden
                    ],
                },
            )
            for name, options in super().get_fieldsets(request, obj)
        ]

    def get_inline_instances(self, request, obj=None):
        """Corrections only for those who may post them, on an article that has been
        public (a reporter, or a draft, has no corrections section)."""
        inlines = super().get_inline_instances(request, obj)
        shows_corrections = (
            obj is not None
            and obj.status in PUBLIC_ONCE
            and request.user.has_perm("articles.add_correction")
        )
        return [
            inline
            for inline in inlines
            if not isinstance(inline, CorrectionInline) or shows_corrections
        ]

    def get_formset_kwargs(self, request, obj, inline, prefix):
        """A new article's byline starts with the writer's own pen name."""
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, BylineInline) and request.method == "GET" and obj.pk is None:
            pen_name = pen_name_of(request.user)
            if pen_name is not None:
                kwargs["initial"] = [{"author": pen_name.pk, "position": 0}]
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Photo:
            # Only photos this user may see are valid choices (ids cannot walk the library).
            kwargs["queryset"] = visible_photos(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def view_on_site(self, article):
        """ "Xem trên trang web" only for what readers can see now."""
        return (
            article.get_absolute_url() if article.is_published and not article.is_deleted else None
        )

    # -- the list and the queue pages --

    def get_changelist(self, request, **kwargs):
        return ArticleChangeList

    def changelist_view(self, request, extra_context=None):
        """A queue page (`?hang_doi=…`) is titled with the queue's name."""
        label = editing.queue_label(request.GET.get("hang_doi"))
        context = {"title": label or _("Bài viết"), **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_list_display(self, request):
        key = request.GET.get("hang_doi")
        if editing.queue_label(key) is None:
            return super().get_list_display(request)
        columns = list(QUEUE_COLUMNS)
        if key == "cua-toi":  # drafts, returned and sent articles side by side
            columns.insert(1, "status_column")
        if key in {"hen-gio", "xuat-ban-hom-nay"}:
            columns[columns.index("waiting")] = "published_at"
        return columns

    def action_checkbox(self, article):
        """The row's checkbox, named after the article for screen readers."""
        checkbox = forms.CheckboxInput(
            {"class": "action-select", "aria-label": f"Chọn bài “{article.title}”"},
            lambda value: False,
        )
        return checkbox.render(admin.helpers.ACTION_CHECKBOX_NAME, str(article.pk))

    # -- list columns --

    @admin.display(description=_("tiêu đề"), ordering="title")
    def headline(self, article):
        """The title; a returned article carries a badge (the reporter's next job)."""
        if article.status == Status.RETURNED:
            return format_html(
                '{} <span class="newsroom-badge newsroom-badge-returned">{}</span>',
                article.title,
                _("Bị trả lại"),
            )
        return article.title

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_column(self, article):
        """A badge per status (styles: static/articles/status-badge.css); a returned
        article stands out in the reporter's queue."""
        label = article.status_label if article.pk else Status.DRAFT.label
        value = "scheduled" if article.pk and article.is_scheduled else article.status
        badge = format_html(
            '<span class="article-status article-status--{}">{}</span>', value, label
        )
        if article.is_deleted:
            return format_html("{} · <em>{}</em>", badge, _("trong thùng rác"))
        reason = getattr(article, "return_reason", None)
        if article.status == Status.RETURNED and reason:
            return format_html(
                '{}<div class="newsroom-reason">{}: {}</div>',
                badge,
                _("Lý do"),
                Truncator(reason).chars(160),
            )
        return badge

    @admin.display(description=_("người gửi"))
    def sent_by(self, article):
        name = (getattr(article, "sent_by_name", None) or "").strip()
        return name or getattr(article, "sent_by_username", None) or "—"

    @admin.display(description=_("gửi lúc"), ordering="sent_at")
    def sent_at_column(self, article):
        moment = getattr(article, "sent_at", None)
        return article_datetime(moment) if moment else "—"

    @admin.display(description=_("đã chờ"))
    def waiting(self, article):
        """Only while the article waits for an editor (submitted or forwarded)."""
        moment = getattr(article, "sent_at", None)
        if moment is None or article.status not in {Status.SUBMITTED, Status.EDITED}:
            return "—"
        return waiting_label(moment)

    @admin.display(description=_("tác giả"))
    def byline_names(self, article):
        return ", ".join(author.display_name for author in article.authors) or "—"

    @admin.display(description=_("đang sửa"))
    def editing_now(self, article):
        presences = getattr(article, "active_presences", [])
        return "; ".join(editing.presence_notice(p) for p in presences) or "—"

    @admin.display(description=_("từ khóa"))
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.order_by("article_entries__position"))

    # -- saving: content, then a revision, then the requested step of the chain --

    def save_model(self, request, obj, form, change):
        # Captions and credits fixed in place first: the body's figures take the
        # library's credit (add_library_credits) and the checklist reads them.
        request.desk_notes = self._save_photo_texts(request, form)
        obj.body = add_library_credits(obj.body)
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
            obj.status = Status.DRAFT
        else:
            obj.version += 1
        super().save_model(request, obj, form, change)

    def _save_photo_texts(self, request, form):
        """Apply the photo captions and credits typed on the screen; the refusals
        (someone else's photo, a photo live on a published article) as notes."""
        notes = []
        for photo, caption, credit in form.photo_texts:
            try:
                services.update_photo_text(photo, by=request.user, caption=caption, credit=credit)
            except services.PhotoLocked as refusal:
                notes.append(
                    _("Chưa đổi được chú thích, tác giả của %(photo)s: %(reason)s")
                    % {"photo": describe_photo(photo), "reason": refusal.args[0]}
                )
        return notes

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        if "tag_names" in form.cleaned_data:
            services.set_article_tags(article, form.cleaned_data["tag_names"])
        for formset in formsets:
            if formset.model is Correction:
                for correction in formset.new_objects:
                    self._record_correction(request, article, correction)
        services.record_edit(article, by=request.user, created=not change)
        editing.forget_autosave(request.user, article if change else None)
        transition = form.requested_transition
        if transition is None:
            return
        label = BUTTONS.get(transition.action, (transition.label,))[0]
        try:
            services.transition_article(
                article,
                transition.action,
                by=request.user,
                reason=form.cleaned_data.get("workflow_reason", ""),
                at=form.cleaned_data.get("publish_at"),
                override=form.override() if "override_reason" in form.fields else None,
            )
        except (TransitionNotAllowed, TransitionForbidden) as refusal:
            # The content is saved; only the step is refused: say what to fix, with links.
            request.workflow_outcome = (
                messages.ERROR,
                self._refusal_message(request.user, label, refusal),
            )
        else:
            request.workflow_outcome = (
                messages.SUCCESS,
                _("Đã “%(action)s”: bài chuyển sang “%(status)s”.")
                % {"action": label, "status": article.status_label},
            )

    def _refusal_message(self, user, label, refusal):
        findings = getattr(refusal, "findings", None)
        if not findings:
            return _("Đã lưu nội dung nhưng chưa “%(action)s”: %(reason)s") % {
                "action": label,
                "reason": refusal.args[0],
            }
        items = []
        for finding in findings:
            if finding.photos:
                items += [(f"#desk-photo-{p.photo.pk}", str(p)) for p in finding.photos]
            else:
                items.append((f"#{finding.anchor}", finding.message))
        hint = ""
        if all(finding.soft for finding in findings):
            hint = (
                _("Có thể bỏ qua các cảnh báo này: ghi lý do ở mục “Bỏ qua cảnh báo” rồi bấm lại.")
                if checklist.can_override(user)
                else _("Chỉ người có quyền xuất bản mới được bỏ qua các cảnh báo này.")
            )
        return format_html(
            '{}<ul class="desk-fix-list">{}</ul>{}',
            _("Đã lưu nội dung nhưng chưa “%(action)s”. Cần sửa:") % {"action": label},
            format_html_join("", '<li><a href="{}">{}</a></li>', items),
            hint,
        )

    def _desk_response(self, request, article):
        """After a save with a step or a refused photo change: one message. A refused
        step stays on the article; a step taken goes back to the queue."""
        outcome = getattr(request, "workflow_outcome", None)
        notes = getattr(request, "desk_notes", [])
        if outcome is None:
            level, message = messages.WARNING, _("Đã lưu bài.")
        else:
            level, message = outcome
        if notes:
            level = messages.ERROR if level == messages.ERROR else messages.WARNING
            message = format_html(
                '{}<ul class="desk-fix-list">{}</ul>',
                message,
                format_html_join("", "<li>{}</li>", ((note,) for note in notes)),
            )
        self.message_user(request, message, level)
        if level != messages.SUCCESS:
            return redirect("admin:articles_article_change", article.pk)
        return redirect("admin:articles_article_changelist")

    def _needs_desk_response(self, request):
        outcome = getattr(request, "workflow_outcome", None)
        return bool(outcome or getattr(request, "desk_notes", []))

    def response_add(self, request, obj, post_url_continue=None):
        if self._needs_desk_response(request):
            return self._desk_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if self._needs_desk_response(request):
            return self._desk_response(request, obj)
        return super().response_change(request, obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            for correction_form in formset.forms:
                if correction_form.instance.pk is None:
                    correction_form.instance.created_by = request.user
        super().save_formset(request, form, formset, change)

    def _record_correction(self, request, article, correction):
        ArticleEvent.objects.create(
            article=article,
            actor=request.user,
            action="correction",
            reason=correction.text,
            from_status=article.status,
            to_status=article.status,
        )

    # -- delete is a soft delete; hard delete only from the trash and after a year --

    def delete_model(self, request, obj):
        services.trash_article(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            if article.can_delete(request.user):
                services.trash_article(article, by=request.user)

    # -- bulk actions: each article checked on its own, refusals reported, never applied --

    def _bulk(self, request, queryset, apply, done_label, action):
        done, refused = 0, []
        for article in queryset:
            try:
                # One transaction per article, on a locked fresh copy: a refusal or a
                # concurrent change to one article never affects the others.
                with transaction.atomic():
                    apply(Article.objects.select_for_update().get(pk=article.pk))
                done += 1
            except (TransitionNotAllowed, TransitionForbidden, PermissionDenied) as error:
                # Recorded after the rollback of its transaction, which took any
                # record made inside it.
                services.record_refusal(article, action, by=request.user, refusal=error)
                refused.append(f"{article.title} ({error.args[0] if error.args else ''})")
        if done:
            self.message_user(request, f"{done_label}: {done} bài.", messages.SUCCESS)
        if refused:
            self.message_user(
                request, _("Không áp dụng được cho: %s") % "; ".join(refused), messages.WARNING
            )

    def _bulk_transition(self, request, queryset, action, done_label):
        def move(article):
            services.transition_article(article, action, by=request.user)

        self._bulk(request, queryset, move, done_label, action)

    @admin.action(description=_("Gửi biên tập các bài đã chọn"))
    def submit_selected(self, request, queryset):
        self._bulk_transition(request, queryset, "submit", _("Đã gửi biên tập"))

    @admin.action(description=_("Chuyển duyệt các bài đã chọn"))
    def forward_selected(self, request, queryset):
        self._bulk_transition(request, queryset, "forward", _("Đã chuyển duyệt"))

    @admin.action(description=_("Duyệt và xuất bản ngay các bài đã chọn"))
    def publish_selected(self, request, queryset):
        self._bulk_transition(request, queryset, "publish", _("Đã xuất bản"))

    @admin.action(description=_("Gỡ xuất bản (về chờ duyệt)"))
    def unpublish_selected(self, request, queryset):
        self._bulk_transition(request, queryset, "unpublish", _("Đã gỡ xuất bản"))

    @admin.action(description=_("Chuyển vào thùng rác"))
    def trash_selected(self, request, queryset):
        def trash(article):
            services.trash_article(article, by=request.user)

        self._bulk(request, queryset, trash, _("Đã chuyển vào thùng rác"), "trash")

    @admin.action(description=_("Lấy lại từ thùng rác"))
    def untrash_selected(self, request, queryset):
        def untrash(article):
            services.untrash_article(article, by=request.user)

        self._bulk(request, queryset, untrash, _("Đã lấy lại"), "untrash")

    @admin.action(description=_("Xóa vĩnh viễn (chỉ bài trong thùng rác, quá 12 tháng)"))
    def purge_selected(self, request, queryset):
        def purge(article):
            services.purge_article(article, by=request.user)

        self._bulk(request, queryset, purge, _("Đã xóa vĩnh viễn"), "purge")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by the trash
        return actions

    # -- the change form's extra context --

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context.update(editing.change_form_context(request, obj, form))
        can_change = (
            self.has_add_permission(request) if add else (self.has_change_permission(request, obj))
        )
        context["desk"] = desk_context(
            request,
            obj if obj is not None else form.instance,
            form,
            can_change=can_change,
            view_on_site_url=self.view_on_site(obj) if obj is not None and obj.pk else None,
        )
        context["desk"]["field_errors"] = any(name != "__all__" for name in form.errors) or any(
            inline.formset.total_error_count() for inline in context["inline_admin_formsets"]
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pk = parse_number(object_id)
        if pk is None:
            raise Http404
        if request.method == "GET":
            article = get_object_or_404(self.get_queryset(request), pk=pk)
            if article.can_edit(request.user):
                editing.mark_presence(article, request.user)
        return super().change_view(request, str(pk), form_url, extra_context)
