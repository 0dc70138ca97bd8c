"""Pieces shared by the newsroom's admin pages."""

from django import forms
from django.http import JsonResponse
from django.urls import path, reverse

from articles.text import parse_number, vietnamese_slugify


class AsciiIdMixin:
    """Object ids in admin URLs are ASCII digits: int() would read "٣" as 3 (a
    different object than the URL seems to name); anything else "does not exist"."""

    def get_object(self, request, object_id, from_field=None):
        if from_field is None and parse_number(object_id) is None:
            return None
        return super().get_object(request, object_id, from_field)


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
