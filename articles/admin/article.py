"""Articles in the admin: the editorial chain, revisions, conflicts, presence, previews.

Every permission is decided by the article's own policy methods (`can_view`,
`can_edit`, `allowed_actions` …); this module only asks them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles import editing, services
from articles.admin.article_views import ArticleViewsMixin
from articles.admin.common import SlugCleaningForm, SlugPreviewMixin
from articles.editor import NewsroomEditorWidget
from articles.fields import NFCTextField, RichTextField
from articles.models import (
    TRANSITIONS,
    Article,
    ArticleEvent,
    ArticlePhoto,
    Byline,
    Correction,
    EditPresence,
    Photo,
    RelatedArticle,
    Status,
    Tag,
    TransitionForbidden,
    TransitionNotAllowed,
)
from articles.models.article import SCHEDULE_GRACE, works_on_every_article
from articles.models.tag import TAG_MAX_LENGTH
from articles.photo_library import add_library_credits, visible_photos
from articles.text import name_key, parse_number


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class ArticlePhotoInline(admin.TabularInline):
    model = ArticlePhoto
    extra = 0
    autocomplete_fields = ["photo"]
    fields = ["photo", "thumbnail", "caption", "library_caption", "credit", "position"]
    readonly_fields = ["thumbnail", "library_caption", "credit"]
    formfield_overrides = {NFCTextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 36})}}

    @admin.display(description=_("xem ảnh"))
    def thumbnail(self, use):
        if not use.photo_id:
            return "—"
        return format_html(
            '<img src="{}" alt="" style="max-width:96px;max-height:64px">', use.photo.image.url
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


class RelatedArticleInline(admin.TabularInline):
    """ "Tin liên quan": editors pick articles to show first under this one, in order.

    A draft may be picked (it shows once published); readers only see published picks.
    Reporters have no permission on these rows, so the inline is not on their form
    and a forged POST of its rows is ignored.
    """

    model = RelatedArticle
    form = RelatedArticleForm
    fk_name = "article"
    extra = 1
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


class ArticleForm(SlugCleaningForm):
    """The article form, with the optimistic-concurrency version and workflow inputs."""

    base_version = forms.IntegerField(
        label=_("phiên bản đang sửa"), widget=forms.HiddenInput, required=False
    )
    workflow_reason = forms.CharField(
        label=_("Lý do / ghi chú cho bước tiếp theo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Bắt buộc khi trả lại bài hoặc gỡ bài."),
    )
    publish_at = forms.SplitDateTimeField(
        label=_("Hẹn giờ xuất bản"),
        required=False,
        widget=admin.widgets.AdminSplitDateTime,
        help_text=_("Để trống để xuất bản ngay khi duyệt."),
    )
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

    class Meta:
        model = Article
        fields = ["title", "slug", "sapo", "body", "category", "lead_photo", "source",
                  "is_featured"]  # fmt: skip

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
        self.conflict = None
        self.requested_transition = None

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
        return cleaned

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
            return
        self.requested_transition = transition


class QueueFilter(admin.SimpleListFilter):
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


class StatusFilter(admin.SimpleListFilter):
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


class TrashFilter(admin.SimpleListFilter):
    title = _("thùng rác")
    parameter_name = "thung_rac"

    def lookups(self, request, model_admin):
        return [("1", _("Bài trong thùng rác"))]

    def queryset(self, request, queryset):
        return queryset.trashed() if self.value() == "1" else queryset.alive()


@admin.register(Article)
class ArticleAdmin(ArticleViewsMixin, SlugPreviewMixin, admin.ModelAdmin):
    form = ArticleForm
    # The admin maps every TextField to its plain textarea; the body needs CKEditor.
    formfield_overrides = {RichTextField: {"widget": NewsroomEditorWidget}}
    inlines = [BylineInline, ArticlePhotoInline, RelatedArticleInline, CorrectionInline]
    list_display = ["title", "category", "status_column", "byline_names", "published_at",
                    "editing_now"]  # fmt: skip
    list_filter = [QueueFilter, StatusFilter, TrashFilter, "category", "bylines", "is_featured",
                   "published_at"]  # fmt: skip
    list_select_related = ["category"]
    search_fields = ["title", "sapo", "=id"]
    autocomplete_fields = ["category", "lead_photo", "thread"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    actions = ["submit_selected", "forward_selected", "publish_selected", "unpublish_selected",
               "trash_selected", "untrash_selected", "purge_selected"]  # fmt: skip
    readonly_fields = ["public_link", "status_column", "published_at", "created_by", "created_at",
                       "updated_by", "updated_at", "tag_list"]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["base_version", "title", "slug", "public_link", "sapo", "body"]}),
        (
            _("Phân loại"),
            {"fields": ["category", "tag_names", "thread", "lead_photo", "source", "is_featured"]},
        ),
        (
            _("Quy trình"),
            {"fields": ["status_column", "published_at", "workflow_reason", "publish_at"]},
        ),
        (_("Lịch sử"), {"fields": ["created_by", "created_at", "updated_by", "updated_at"]}),
    ]
    change_form_template = "admin/articles/article/change_form.html"

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
    # What only those who may publish set: the rest of the newsroom does not see them.
    PUBLISHER_FIELDS = {"is_featured", "publish_at"}
    # Event threads are the editors' (review permission and above).
    EDITOR_FIELDS = {"thread"}

    def get_fieldsets(self, request, obj=None):
        """Fields a role cannot use are not on its form, so a forged POST sets nothing."""
        hidden = set()
        read_only = obj is not None and not self.has_change_permission(request, obj)
        if read_only:
            hidden |= self.FORM_ONLY_FIELDS
        if not request.user.has_perm("articles.publish_article"):
            hidden |= self.PUBLISHER_FIELDS
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

    # -- list columns --

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_column(self, article):
        label = article.status_label if article.pk else Status.DRAFT.label
        if article.is_deleted:
            return format_html("{} · <em>{}</em>", label, _("trong thùng rác"))
        return label

    @admin.display(description=_("tác giả"))
    def byline_names(self, article):
        return ", ".join(author.display_name for author in article.authors)

    @admin.display(description=_("đang sửa"))
    def editing_now(self, article):
        presences = getattr(article, "active_presences", [])
        return "; ".join(editing.presence_notice(p) for p in presences) or "—"

    @admin.display(description=_("từ khóa"))
    def tag_list(self, article):
        return ", ".join(tag.name for tag in article.tags.order_by("article_entries__position"))

    @admin.display(description=_("địa chỉ bài"))
    def public_link(self, article):
        if not article.pk:
            return _("Có sau khi lưu: /<đường-dẫn>-<mã bài>.html")
        url = article.get_absolute_url()
        if article.is_published:
            return format_html('<a href="{}" target="_blank">{}</a>', url, url)
        return format_html("{} <em>({})</em>", url, _("chưa hiển thị với độc giả"))

    # -- saving: content, then a revision, then the requested step of the chain --

    def save_model(self, request, obj, form, change):
        obj.body = add_library_credits(obj.body)
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
            obj.status = Status.DRAFT
        else:
            obj.version += 1
        super().save_model(request, obj, form, change)

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
        try:
            services.transition_article(
                article,
                transition.action,
                by=request.user,
                reason=form.cleaned_data.get("workflow_reason", ""),
                at=form.cleaned_data.get("publish_at"),
            )
        except (TransitionNotAllowed, TransitionForbidden) as refusal:
            # The content is saved; only the step is refused (e.g. photos lack credits).
            request.workflow_outcome = (
                messages.ERROR,
                _("Đã lưu nội dung nhưng chưa “%(action)s”: %(reason)s")
                % {"action": transition.label, "reason": refusal.args[0]},
            )
        else:
            request.workflow_outcome = (
                messages.SUCCESS,
                _("Đã lưu và “%(action)s”: bài chuyển sang “%(status)s”.")
                % {"action": transition.label, "status": article.status_label},
            )

    def _workflow_response(self, request, article):
        """After a save-and-move: one message, and a refused step stays on the article."""
        level, message = request.workflow_outcome
        self.message_user(request, message, level)
        if level == messages.ERROR:
            return redirect("admin:articles_article_change", article.pk)
        return redirect("admin:articles_article_changelist")

    def response_add(self, request, obj, post_url_continue=None):
        if getattr(request, "workflow_outcome", None):
            return self._workflow_response(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if getattr(request, "workflow_outcome", None):
            return self._workflow_response(request, obj)
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

    def _bulk(self, request, queryset, apply, done_label):
        done, refused = 0, []
        for article in queryset:
            try:
                # One transaction per article, on a locked fresh copy: a refusal or a
                # concurrent change to one article never affects the others.
                with transaction.atomic():
                    apply(Article.objects.select_for_update().get(pk=article.pk))
                done += 1
            except (TransitionNotAllowed, TransitionForbidden, PermissionDenied) as error:
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

        self._bulk(request, queryset, move, done_label)

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

        self._bulk(request, queryset, trash, _("Đã chuyển vào thùng rác"))

    @admin.action(description=_("Lấy lại từ thùng rác"))
    def untrash_selected(self, request, queryset):
        def untrash(article):
            services.untrash_article(article, by=request.user)

        self._bulk(request, queryset, untrash, _("Đã lấy lại"))

    @admin.action(description=_("Xóa vĩnh viễn (chỉ bài trong thùng rác, quá 12 tháng)"))
    def purge_selected(self, request, queryset):
        def purge(article):
            services.purge_article(article, by=request.user)

        self._bulk(request, queryset, purge, _("Đã xóa vĩnh viễn"))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by the trash
        return actions

    # -- the change form's extra context --

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        form = context["adminform"].form
        context.update(editing.change_form_context(request, obj, form))
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
