"""Articles in the admin: the editorial chain, revisions, conflicts, presence, previews.

Every permission is decided by the article's own policy methods (`can_view`,
`can_edit`, `allowed_actions` …); this module only asks them.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles import editing
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
    Status,
    TransitionForbidden,
    TransitionNotAllowed,
)
from articles.photo_library import add_library_credits
from articles.revisions import record_revision


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

    base_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
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
        self.conflict = None
        self.requested_transition = None

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
        refusal = article._refusal(transition, self.user)
        if refusal is not None:
            self.add_error(None, str(refusal.args[0]))
            return
        if transition.needs_reason and not (cleaned.get("workflow_reason") or "").strip():
            self.add_error("workflow_reason", _("Cần ghi rõ lý do khi “%s”.") % transition.label)
            return
        at = cleaned.get("publish_at")
        if at and transition.action != "publish":
            self.add_error("publish_at", _("Chỉ đặt giờ khi duyệt và xuất bản."))
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
    inlines = [BylineInline, ArticlePhotoInline, CorrectionInline]
    list_display = ["title", "category", "status_column", "byline_names", "published_at",
                    "editing_now"]  # fmt: skip
    list_filter = [QueueFilter, StatusFilter, TrashFilter, "category", "bylines", "is_featured",
                   "published_at"]  # fmt: skip
    list_select_related = ["category"]
    # The box searches title, sapo and body ignoring accents, or an id: get_search_results.
    search_fields = ["title", "sapo", "=id"]
    search_help_text = _(
        "Tìm theo tiêu đề, sapo, nội dung (gõ có dấu hay không dấu đều được) hoặc theo mã bài."
    )
    autocomplete_fields = ["category", "lead_photo"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    actions = ["submit_selected", "forward_selected", "publish_selected", "unpublish_selected",
               "trash_selected", "untrash_selected", "purge_selected"]  # fmt: skip
    readonly_fields = ["public_link", "status_column", "published_at", "created_by", "created_at",
                       "updated_by", "updated_at"]  # fmt: skip
    fieldsets = [
        (None, {"fields": ["base_version", "title", "slug", "public_link", "sapo", "body"]}),
        (_("Phân loại"), {"fields": ["category", "lead_photo", "source", "is_featured"]}),
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
        """On a save, lock the row so two concurrent saves cannot both pass the version check."""
        if request.method == "POST" and object_id and object_id.isdigit():
            queryset = self.get_queryset(request).select_for_update(of=("self",))
            return queryset.filter(pk=object_id).first()
        return super().get_object(request, object_id, from_field)

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
        for formset in formsets:
            if formset.model is Correction:
                for correction in formset.new_objects:
                    self._record_correction(request, article, correction)
        ArticleEvent.objects.create(
            article=article,
            actor=request.user,
            action="edit" if change else "create",
            from_status=article.status,
            to_status=article.status,
        )
        record_revision(article, user=request.user)
        editing.forget_autosave(request.user, article if change else None)
        transition = form.requested_transition
        if transition is None:
            return
        try:
            article.apply(
                transition.action,
                by=request.user,
                reason=form.cleaned_data.get("workflow_reason", ""),
                at=form.cleaned_data.get("publish_at"),
            )
        except TransitionNotAllowed as refusal:
            # The content is saved; only the step is refused (e.g. photos lack credits).
            self.message_user(
                request,
                _("Đã lưu bài nhưng chưa “%(action)s”: %(reason)s")
                % {"action": transition.label, "reason": refusal.args[0]},
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                _("Đã lưu và “%(action)s”: bài chuyển sang “%(status)s”.")
                % {"action": transition.label, "status": article.status_label},
                messages.SUCCESS,
            )

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
        editing.trash(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for article in queryset:
            if article.can_delete(request.user):
                editing.trash(article, user=request.user)

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

    @admin.action(description=_("Gửi biên tập các bài đã chọn"))
    def submit_selected(self, request, queryset):
        self._bulk(request, queryset, lambda a: a.submit(by=request.user), _("Đã gửi biên tập"))

    @admin.action(description=_("Chuyển duyệt các bài đã chọn"))
    def forward_selected(self, request, queryset):
        self._bulk(request, queryset, lambda a: a.forward(by=request.user), _("Đã chuyển duyệt"))

    @admin.action(description=_("Duyệt và xuất bản ngay các bài đã chọn"))
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, lambda a: a.publish(by=request.user), _("Đã xuất bản"))

    @admin.action(description=_("Gỡ xuất bản (về chờ duyệt)"))
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, lambda a: a.unpublish(by=request.user), _("Đã gỡ xuất bản"))

    @admin.action(description=_("Chuyển vào thùng rác"))
    def trash_selected(self, request, queryset):
        def trash(article):
            if not article.can_delete(request.user):
                raise PermissionDenied(_("không được xóa bài này"))
            editing.trash(article, user=request.user)

        self._bulk(request, queryset, trash, _("Đã chuyển vào thùng rác"))

    @admin.action(description=_("Lấy lại từ thùng rác"))
    def untrash_selected(self, request, queryset):
        def untrash(article):
            if not (article.is_deleted and request.user.has_perm("articles.delete_article")):
                raise PermissionDenied(_("không ở thùng rác hoặc không có quyền"))
            if not (article.is_owned_by(request.user) or article.can_edit(request.user)):
                raise PermissionDenied(_("không có quyền"))
            editing.untrash(article, user=request.user)

        self._bulk(request, queryset, untrash, _("Đã lấy lại"))

    @admin.action(description=_("Xóa vĩnh viễn (chỉ bài trong thùng rác, quá 12 tháng)"))
    def purge_selected(self, request, queryset):
        def purge(article):
            if not article.can_purge(request.user):
                raise PermissionDenied(
                    _("bài đã xuất bản phải được lưu ít nhất 12 tháng, hoặc bạn không có quyền")
                )
            article.delete()

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
        if request.method == "GET" and object_id and object_id.isdigit():
            article = get_object_or_404(self.get_queryset(request), pk=object_id)
            if article.can_edit(request.user):
                editing.mark_presence(article, request.user)
        return super().change_view(request, object_id, form_url, extra_context)
