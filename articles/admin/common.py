"""Pieces shared by the newsroom's admin pages."""

from django import forms
from django.contrib.admin.widgets import AutocompleteSelect
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.text import smart_split

from articles.search import MAX_TERMS
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


class AsciiIdAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete select, re-showing a posted form whose value is not an
    id ("²", "abc", 10**30) as empty: Django's own looks the value up as it came and
    fails with a 500 (ValueError, or an integer overflow in the database)."""

    def optgroups(self, name, value, attr=None):
        ids = [v for v in value if v in (None, "") or parse_number(str(v)) is not None]
        return super().optgroups(name, ids, attr)


class AsciiIdAutocompleteMixin:
    """For admins and inlines with `autocomplete_fields`: their selects survive a forged
    POST (see AsciiIdAutocompleteSelect)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        widget = getattr(field, "widget", None)
        inner = getattr(widget, "widget", widget)
        if type(inner) is AutocompleteSelect:
            inner.__class__ = AsciiIdAutocompleteSelect
        return field


class BoundedSearchMixin:
    """The admin's stock search, on the first few words of the box only: it ANDs one
    condition per word, and thousands of words make a query too deep for the database
    (SQLite refuses an expression tree over 1,000 levels: a 500)."""

    def get_search_results(self, request, queryset, search_term):
        words = list(dict.fromkeys(smart_split(search_term or "")))[:MAX_TERMS]
        return super().get_search_results(request, queryset, " ".join(words))
