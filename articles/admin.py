"""The newsroom's admin, in Vietnamese. Slugs are computed on the server and previewed."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.editor import NewsroomEditorWidget
from articles.fields import RichTextField
from articles.images import clean_image
from articles.models import (
    Article,
    ArticlePhoto,
    Author,
    Byline,
    Category,
    Photo,
    SiteSettings,
    TransitionNotAllowed,
)
from articles.text import vietnamese_slugify


class SlugPreviewMixin:
    """Serve the server's slug for a text, so the form shows exactly what will be saved.

    The admin's own prepopulate script mangles Vietnamese ("Đà Nẵng" -> "dja-nng").
    """

    slug_source_field = "title"

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "slug-preview/",
                self.admin_site.admin_view(self.slug_preview_view),
                name="{}_{}_slug_preview".format(*info),
            )
        ] + super().get_urls()

    def slug_preview_view(self, request):
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            return JsonResponse({"error": "forbidden"}, status=403)
        return JsonResponse({"slug": vietnamese_slugify(request.GET.get("text", ""))})

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "slug" and field is not None:
            field.widget.attrs.update(
                {
                    "data-slug-source": f"id_{self.slug_source_field}",
                    "data-slug-preview-url": reverse(
                        f"admin:{self.opts.app_label}_{self.opts.model_name}_slug_preview"
                    ),
                }
            )
        return field

    class Media:
        js = ["articles/slug-preview.js"]


class SlugCleaningForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            # Accept any text here; clean_slug turns it into a valid slug.
            self.fields["slug"].validators = []

    def clean_slug(self):
        """Whatever was typed ("Đà Nẵng") becomes the slug the server would make."""
        return vietnamese_slugify(self.cleaned_data.get("slug") or "")


@admin.register(Category)
class CategoryAdmin(SlugPreviewMixin, admin.ModelAdmin):
    form = SlugCleaningForm
    slug_source_field = "name"
    list_display = ["name", "parent", "slug", "menu_position", "show_in_menu"]
    list_editable = ["menu_position", "show_in_menu"]
    list_filter = ["show_in_menu", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "parent", "description", "menu_position", "show_in_menu"]


@admin.register(Author)
class AuthorAdmin(SlugPreviewMixin, admin.ModelAdmin):
    form = SlugCleaningForm
    slug_source_field = "display_name"
    list_display = ["display_name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["display_name", "slug", "user__username"]
    autocomplete_fields = ["user", "photo"]
    fields = ["display_name", "slug", "user", "bio", "photo"]


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text", "taken_at", "focal_x", "focal_y"]

    def clean_image(self):
        """Every image goes through the one safe pipeline (checks, re-encode, no EXIF)."""
        image = self.cleaned_data.get("image")
        if image is None or not hasattr(image, "content_type"):
            return image  # unchanged file on edit
        self.clean_upload = clean_image(image)
        self.original_name = image.name
        return image


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    form = PhotoForm
    list_display = ["thumbnail", "__str__", "credit", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["uploaded_by"]
    search_fields = ["caption", "credit", "alt_text", "original_filename"]
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "original_filename", "size", "uploaded_by", "uploaded_at"]

    @admin.display(description=_("ảnh"))
    def thumbnail(self, photo):
        return format_html(
            '<img src="{}" alt="" style="max-width:96px;max-height:64px">', photo.image.url
        )

    @admin.display(description=_("xem ảnh"))
    def preview(self, photo):
        if not photo.pk:
            return "—"
        return format_html('<img src="{}" alt="" style="max-width:480px">', photo.image.url)

    @admin.display(description=_("kích thước"))
    def size(self, photo):
        return f"{photo.width}×{photo.height}" if photo.width else "—"

    def save_model(self, request, obj, form, change):
        upload = getattr(form, "clean_upload", None)
        if upload is not None:
            obj.original_filename = form.original_name[:255]
            obj.image.save(f"upload.{upload.extension}", upload.content, save=False)
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 1
    min_num = 0
    autocomplete_fields = ["author"]
    fields = ["author", "position"]


class ArticlePhotoInline(admin.TabularInline):
    model = ArticlePhoto
    extra = 0
    autocomplete_fields = ["photo"]
    fields = ["photo", "thumbnail", "caption", "library_caption", "credit", "position"]
    readonly_fields = ["thumbnail", "library_caption", "credit"]

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


class ArticleForm(SlugCleaningForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "sapo",
            "body",
            "category",
            "lead_photo",
            "source",
            "is_featured",
            "status",
            "published_at",
        ]

    def clean(self):
        cleaned = super().clean()
        if "status" in self.fields and self.instance.pk is not None:
            old, new = self.initial.get("status"), cleaned.get("status")
            if new and old != new and new not in Article.ALLOWED_TRANSITIONS.get(old, set()):
                self.add_error("status", _("Không thể chuyển sang trạng thái này."))
        return cleaned


class StatusFilter(admin.SimpleListFilter):
    title = _("trạng thái")
    parameter_name = "trang_thai"

    def lookups(self, request, model_admin):
        return [
            ("draft", _("Nháp")),
            ("scheduled", _("Hẹn giờ")),
            ("live", _("Đang hiển thị")),
        ]

    def queryset(self, request, queryset):
        published = Article.objects.published()
        if self.value() == "draft":
            return queryset.filter(status=Article.Status.DRAFT)
        if self.value() == "live":
            return queryset.filter(pk__in=published.values("pk"))
        if self.value() == "scheduled":
            return queryset.filter(status=Article.Status.PUBLISHED).exclude(
                pk__in=published.values("pk")
            )
        return queryset


@admin.register(Article)
class ArticleAdmin(SlugPreviewMixin, admin.ModelAdmin):
    form = ArticleForm
    # The admin maps every TextField to its plain textarea; the body needs CKEditor.
    formfield_overrides = {RichTextField: {"widget": NewsroomEditorWidget}}
    inlines = [BylineInline, ArticlePhotoInline]
    list_display = ["title", "category", "status_label", "byline_names", "published_at"]
    list_filter = [StatusFilter, "category", "bylines", "is_featured", "published_at"]
    list_select_related = ["category"]
    search_fields = ["title", "sapo", "=id"]
    autocomplete_fields = ["category", "lead_photo"]
    date_hierarchy = "published_at"
    ordering = ["-updated_at"]
    actions = ["publish_selected", "unpublish_selected"]
    readonly_fields = ["public_link", "created_by", "created_at", "updated_by", "updated_at"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "public_link", "sapo", "body"]}),
        (_("Phân loại"), {"fields": ["category", "lead_photo", "source", "is_featured"]}),
        (_("Xuất bản"), {"fields": ["status", "published_at"]}),
        (
            _("Lịch sử"),
            {"fields": ["created_by", "created_at", "updated_by", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch("byline_entries", queryset=Byline.objects.select_related("author"))
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm("articles.publish_article"):
            fields += ["status", "published_at"]  # forged POSTs of these are ignored
        return fields

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_label(self, article):
        if article.is_scheduled:
            return _("Hẹn giờ")
        return article.get_status_display()

    @admin.display(description=_("tác giả"))
    def byline_names(self, article):
        return ", ".join(author.display_name for author in article.authors)

    @admin.display(description=_("địa chỉ bài"))
    def public_link(self, article):
        if not article.pk:
            return _("Có sau khi lưu: /<đường-dẫn>-<mã bài>.html")
        url = article.get_absolute_url()
        if article.is_published:
            return format_html('<a href="{}" target="_blank">{}</a>', url, url)
        return format_html("{} <em>({})</em>", url, _("chưa hiển thị với độc giả"))

    def save_model(self, request, obj, form, change):
        """Save content, then move status only through the model's transition methods."""
        target_status = obj.status
        obj.status = form.initial.get("status", Article.Status.DRAFT)
        obj.updated_by = request.user
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if target_status != obj.status:
            if target_status == Article.Status.PUBLISHED:
                obj.publish(at=obj.published_at, by=request.user)
            else:
                obj.unpublish(by=request.user)

    def has_publish_permission(self, request, obj=None):
        return request.user.has_perm("articles.publish_article")

    @admin.action(description=_("Xuất bản các bài đã chọn"), permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._apply(request, queryset, lambda a: a.publish(by=request.user), _("Đã xuất bản"))

    @admin.action(description=_("Gỡ xuất bản (về nháp)"), permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._apply(request, queryset, lambda a: a.unpublish(by=request.user), _("Đã gỡ"))

    def _apply(self, request, queryset, transition, done_label):
        done, refused = 0, []
        for article in queryset:
            if not self.has_publish_permission(request, article):
                refused.append(article.title)
                continue
            try:
                transition(article)
                done += 1
            except TransitionNotAllowed:
                refused.append(article.title)
        if done:
            self.message_user(request, f"{done_label} {done} bài.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                _("Không áp dụng được cho: %s") % "; ".join(refused),
                messages.WARNING,
            )


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    fieldsets = [
        (None, {"fields": ["site_name", "hotline", "contact_email", "address"]}),
        (
            _("Thông tin giấy phép (Luật Báo chí)"),
            {
                "fields": [
                    "owner_agency",
                    "editor_in_chief",
                    "licence_number",
                    "licence_date",
                    "licence_issuer",
                ]
            },
        ),
    ]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
