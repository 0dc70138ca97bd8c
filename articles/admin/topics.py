"""Tags and event threads in the admin.

Tags are mostly created from the article form (a comma-separated input with
suggestions); here editors correct a tag's spelling or remove it. Event threads are
the editors' (review permission and above): created here, picked on the article form.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.http import JsonResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _

from articles.admin.common import (
    AsciiIdMixin,
    BoundedSearchMixin,
    SlugCleaningForm,
    SlugPreviewMixin,
)
from articles.models import EventThread, Tag
from articles.text import clean_name, fold, name_key


class TagForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ["name"]

    def clean_name(self):
        """A rename must not turn the tag into the twin of another one."""
        name = clean_name(self.cleaned_data.get("name") or "")
        if not name:
            raise forms.ValidationError(_("Từ khóa không được để trống."))
        twin = Tag.objects.filter(key=name_key(name)).exclude(pk=self.instance.pk).first()
        if twin is not None:
            raise forms.ValidationError(
                _("Đã có từ khóa “%(name)s” (chỉ khác chữ hoa, dấu cách hoặc vị trí dấu).")
                % {"name": twin.name}
            )
        return name


@admin.register(Tag)
class TagAdmin(AsciiIdMixin, admin.ModelAdmin):
    form = TagForm
    list_display = ["name", "slug", "article_count", "created_at"]
    search_fields = ["folded"]  # see get_search_results
    search_help_text = _("Tìm theo từ khóa, có dấu hay không dấu đều được.")
    fields = ["name", "slug", "created_at"]
    readonly_fields = ["slug", "created_at"]

    def get_urls(self):
        return [
            path(
                "suggest/",
                self.admin_site.admin_view(self.suggest_view),
                name="articles_tag_suggest",
            )
        ] + super().get_urls()

    def get_queryset(self, request):
        # Meta.ordering does not apply to a grouped query: order explicitly.
        queryset = super().get_queryset(request).annotate(article_total=Count("article_entries"))
        return queryset.order_by("name", "pk")

    def get_search_results(self, request, queryset, search_term):
        folded = fold(clean_name(search_term))
        if not folded:
            return queryset, False
        return queryset.filter(folded__contains=folded), False

    @admin.display(description=_("số bài"), ordering="article_total")
    def article_count(self, tag):
        return tag.article_total

    def suggest_view(self, request):
        """Names for the article form's tag input: {"names": [...]}, existing tags only."""
        if not self.has_view_permission(request):
            return JsonResponse({"error": "forbidden"}, status=403)
        names = [tag.name for tag in Tag.objects.suggest(request.GET.get("q", ""))]
        return JsonResponse({"names": names})


@admin.register(EventThread)
class EventThreadAdmin(BoundedSearchMixin, AsciiIdMixin, SlugPreviewMixin, admin.ModelAdmin):
    form = SlugCleaningForm
    slug_source_field = "title"
    list_display = ["title", "slug", "article_count", "created_at"]
    search_fields = ["title", "slug"]
    fields = ["title", "slug", "description"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).annotate(article_total=Count("articles"))
        return queryset.order_by("-created_at", "-pk")

    @admin.display(description=_("số bài"), ordering="article_total")
    def article_count(self, thread):
        return thread.article_total
