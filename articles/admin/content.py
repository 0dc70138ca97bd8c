"""Admin for the newsroom's reference content: sections, bylines, photos, masthead."""

from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles.admin.common import SlugCleaningForm, SlugPreviewMixin
from articles.images import clean_image
from articles.models import Author, Category, Photo, SiteSettings


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
