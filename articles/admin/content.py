"""Admin for the newsroom's reference content: sections, bylines, photos, masthead."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from articles import image_work, photo_library
from articles.admin.common import (
    AsciiIdAutocompleteMixin,
    AsciiIdMixin,
    BoundedSearchMixin,
    SlugCleaningForm,
    SlugPreviewMixin,
)
from articles.images import clean_image
from articles.models import Article, ArticlePhoto, Author, Category, Photo, SiteSettings
from articles.renditions import thumbnail_for
from articles.text import clean_line


@admin.register(Category)
class CategoryAdmin(BoundedSearchMixin, AsciiIdMixin, SlugPreviewMixin, admin.ModelAdmin):
    form = SlugCleaningForm
    slug_source_field = "name"
    list_display = ["name", "parent", "slug", "menu_position", "show_in_menu"]
    list_editable = ["menu_position", "show_in_menu"]
    list_filter = ["show_in_menu", ("parent", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "parent", "description", "menu_position", "show_in_menu"]


@admin.register(Author)
class AuthorAdmin(
    BoundedSearchMixin, AsciiIdMixin, AsciiIdAutocompleteMixin, SlugPreviewMixin, admin.ModelAdmin
):
    form = SlugCleaningForm
    slug_source_field = "display_name"
    list_display = ["display_name", "slug", "user"]
    list_select_related = ["user"]
    search_fields = ["display_name", "slug", "user__username"]
    autocomplete_fields = ["user", "photo"]
    fields = ["display_name", "slug", "user", "bio", "photo"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "photo":
            kwargs["queryset"] = photo_library.visible_photos(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PhotoForm(forms.ModelForm):
    class Meta:
        model = Photo
        fields = ["image", "caption", "credit", "alt_text", "taken_at", "focal_x", "focal_y"]
        # A plain file field: `clean_image` below is the only judge of an upload, so the
        # refusals read the same here as in CKEditor (Django's ImageField would answer first).
        field_classes = {"image": forms.FileField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A read-only view (someone else's photo, a photo on a live article) has no fields.
        if "image" in self.fields:
            self.fields["image"].widget.attrs["accept"] = ".jpg,.jpeg,.png,.webp,.gif"
        for name in ("focal_x", "focal_y"):
            if name not in self.fields:
                continue
            self.fields[name].widget.attrs.update({"min": "0", "max": "1", "step": "0.001"})
            self.fields[name].help_text = _(
                "Từ 0 đến 1; bấm vào ảnh ở mục “xem ảnh” để đặt tâm ảnh."
            )

    def clean_image(self):
        """Every image goes through the one safe pipeline (checks, re-encode, no EXIF)."""
        image = self.cleaned_data.get("image")
        if image is None or not hasattr(image, "content_type"):
            return image  # unchanged file on edit
        self.clean_upload = clean_image(image)
        self.original_name = clean_line(image.name)[:255]
        return image

    def _clean_focal(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and not 0 <= value <= 1:
            raise forms.ValidationError(_("Tâm ảnh phải nằm trong khoảng từ 0 đến 1."))
        return value

    def clean_focal_x(self):
        return self._clean_focal("focal_x")

    def clean_focal_y(self):
        return self._clean_focal("focal_y")


@admin.register(Photo)
class PhotoAdmin(AsciiIdMixin, admin.ModelAdmin):
    """The newsroom's photo library.

    Search folds accents and case on every database ("hoa" finds "Hòa", "hoà",
    "HOÀ"). Each user sees the photos `photo_library.visible_photos` allows; a
    reporter changes only their own uploads. The photo's page lists where it is used
    and sets the focal point by a click on the image. A photo used by a published
    article cannot be deleted by anyone, alone or in bulk.
    """

    form = PhotoForm
    list_display = ["thumbnail", "description", "credit", "uploaded_by", "size", "in_use",
                    "uploaded_at"]  # fmt: skip
    list_select_related = ["uploaded_by"]
    search_fields = ["search_text"]  # see get_search_results
    search_help_text = _(
        "Tìm theo chú thích, tác giả ảnh, mô tả, tên tệp (có dấu hay không dấu đều được) "
        "hoặc mã ảnh."
    )
    date_hierarchy = "uploaded_at"
    readonly_fields = ["preview", "original_filename", "size", "uploaded_by", "uploaded_at"]
    actions = ["delete_selected"]
    change_form_template = "admin/articles/photo/change_form.html"

    class Media:
        css = {"all": ["articles/focal-point.css"]}
        js = ["articles/focal-point.js"]

    # -- what each user sees and may do --

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(use_count=photo_library.use_count())
        return photo_library.visible_photos(request.user, queryset)

    def get_search_results(self, request, queryset, search_term):
        return photo_library.search_photos(queryset, search_term), False

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or photo_library.can_edit_photo(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or photo_library.deletion_refusal(obj) is None)

    # -- list columns and read-only fields --

    @admin.display(description=_("ảnh"))
    def thumbnail(self, photo):
        """A small rendition (a few kilobytes), not the original file."""
        small = thumbnail_for(photo)
        return format_html(
            '<img src="{}" alt="" loading="lazy" width="{}" height="{}"'
            ' style="width:96px;height:64px;object-fit:cover">',
            small.src,
            small.width or "",
            small.height or "",
        )

    @admin.display(description=_("chú thích / tệp"), ordering="caption")
    def description(self, photo):
        """The photo as it names itself (caption, else file name); the column would
        otherwise be headed "Ảnh" twice."""
        return str(photo)

    @admin.display(description=_("xem ảnh"))
    def preview(self, photo):
        if not photo.pk:
            return "—"
        return format_html(
            '<div class="focal-point" data-focal-point>'
            '<img src="{}" alt="" width="{}" height="{}">'
            '<span class="focal-point-marker" aria-hidden="true"></span></div>'
            '<p class="help">{}</p>',
            photo.image.url,
            photo.width or "",
            photo.height or "",
            _(
                "Bấm vào điểm quan trọng nhất của ảnh (thường là khuôn mặt): mọi cỡ cắt "
                "đều giữ điểm này trong khung."
            ),
        )

    @admin.display(description=_("kích thước"))
    def size(self, photo):
        return f"{photo.width}×{photo.height}" if photo.width else "—"

    @admin.display(description=_("đang dùng"), ordering="use_count")
    def in_use(self, photo):
        """Articles (not in the trash) using the photo: lead, attached or in the body."""
        count = getattr(photo, "use_count", None)
        return f"{count} bài" if count else "—"

    # -- the photo's page: where it is used --

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk:
            context["photo_uses"] = self._uses_for(request.user, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _uses_for(self, user, photo):
        """The articles using the photo that `user` may know of, and how many others."""
        articles = list(photo_library.articles_using(photo))
        ids = [article.pk for article in articles]
        visible = set(
            Article.objects.visible_to(user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        attached = set(
            ArticlePhoto.objects.filter(photo=photo).values_list("article_id", flat=True)
        )
        in_body = set(
            photo_library.body_uses().filter(photo=photo).values_list("article_id", flat=True)
        )
        name = photo.image.name
        rows, hidden = [], 0
        for article in articles:
            if article.pk not in visible and not article.is_published:
                hidden += 1  # a colleague's unpublished story stays out of sight
                continue
            ways = [
                label
                for used, label in [
                    (article.lead_photo_id == photo.pk, _("ảnh đại diện")),
                    (article.pk in attached, _("ảnh trong bài")),
                    (
                        article.pk in in_body or (bool(name) and name in article.body),
                        _("trong nội dung"),
                    ),
                ]
                if used
            ]
            rows.append(
                {
                    "article": article,
                    "ways": ", ".join(str(way) for way in ways),
                    "status": article.status_label,
                    "trashed": article.is_deleted,
                    "can_open": article.pk in visible,
                }
            )
        return {"rows": rows, "hidden": hidden}

    # -- saving --

    def save_model(self, request, obj, form, change):
        upload = getattr(form, "clean_upload", None)
        if upload is not None:
            obj.original_filename = form.original_name
            obj.image.save(f"upload.{upload.extension}", upload.content, save=False)
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if upload is not None or {"focal_x", "focal_y"} & set(form.changed_data):
            image_work.make_renditions(obj)  # a new file or a moved focal point: new crops

    # -- deleting: never a photo a published article shows --

    def delete_view(self, request, object_id, extra_context=None):
        photo = self.get_object(request, object_id)
        if photo is not None and not super().has_delete_permission(request, photo):
            raise PermissionDenied  # before the refusal, which names articles
        refusal = photo and photo_library.deletion_refusal(photo, request.user)
        if refusal:
            uses = photo_library.published_uses([photo])[photo.pk]
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "object": photo,
                "refusal": refusal,
                # Only the articles this user may know of (a colleague's scheduled
                # story is embargoed); the message counts the others.
                "articles": photo_library.knowable_articles(uses, request.user),
                "title": _("Không thể xóa ảnh"),
            }
            return TemplateResponse(
                request, "admin/articles/photo/delete_refused.html", context, status=403
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        refusal = photo_library.deletion_refusal(obj)
        if refusal:  # published while the confirmation page was open
            raise PermissionDenied(refusal)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        blocked = photo_library.published_uses(queryset)
        super().delete_queryset(request, queryset.exclude(pk__in=list(blocked)))

    @admin.action(permissions=["delete"], description=_("Xóa các ảnh đã chọn"))
    def delete_selected(self, request, queryset):
        """Django's bulk delete, minus the photos published articles use (each named,
        with its articles, in a message); nothing is deleted if all are in use."""
        photos = list(queryset)
        blocked = photo_library.published_uses(photos)
        for photo in photos:
            if photo.pk in blocked:
                message = photo_library.refusal_message(photo, blocked[photo.pk], request.user)
                self.message_user(request, message, messages.ERROR)
        remaining = queryset.exclude(pk__in=list(blocked))
        if not remaining.exists():
            return None
        return delete_selected(self, request, remaining)


@admin.register(SiteSettings)
class SiteSettingsAdmin(AsciiIdMixin, admin.ModelAdmin):
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
