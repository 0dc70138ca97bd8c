"""The article's extra admin pages: history and revisions, previews, presence, autosave.

Each view checks the article's own policy (`can_view` / `can_edit`) on the server.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from articles import editing, services
from articles.models import Article, ArticleEvent, ArticleRevision, PreviewLink
from articles.models.article import works_on_every_article
from articles.revisions import compare
from articles.text import article_datetime, parse_number
from articles.views import render_article_preview

# An article's editable text is far below this; more is not a form's autosave.
AUTOSAVE_MAX_CHARS = 2_000_000


def _author(revision):
    user = revision.created_by
    return editing.display_name(user) if user else "—"


class ArticleViewsMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/history/compare/",
                view(self.compare_view),
                name="articles_article_compare",
            ),
            path(
                "<int:pk>/history/<int:number>/restore/",
                view(self.restore_view),
                name="articles_article_restore",
            ),
            path("<int:pk>/preview/", view(self.preview_view), name="articles_article_preview"),
            path(
                "<int:pk>/preview-links/",
                view(self.create_preview_link_view),
                name="articles_article_preview_link",
            ),
            path(
                "<int:pk>/preview-links/<int:link_id>/revoke/",
                view(self.revoke_preview_link_view),
                name="articles_article_revoke_preview_link",
            ),
            path("<int:pk>/presence/", view(self.presence_view), name="articles_article_presence"),
            path("autosave/", view(self.autosave_view), name="articles_article_autosave"),
        ] + super().get_urls()

    def _article_for(self, request, pk, *, edit=False):
        article = get_object_or_404(Article.objects.select_related("updated_by"), pk=pk)
        allowed = article.can_edit(request.user) if edit else article.can_view(request.user)
        if not allowed:
            raise PermissionDenied
        return article

    def _require_post(self, request):
        if request.method != "POST":
            raise PermissionDenied

    # -- history, compare, restore --

    def history_view(self, request, object_id, extra_context=None):
        """Replaces the admin's history page: transitions, reasons and every revision."""
        pk = parse_number(object_id)
        if pk is None:
            raise Http404
        article = self._article_for(request, pk)
        revisions = list(article.revisions.select_related("created_by"))
        events = list(article.events.select_related("actor"))
        # People by their names (full name, else the login name), ready for the template.
        for event in events:
            event.actor_name = editing.display_name(event.actor) if event.actor else "—"
        for revision in revisions:
            user = revision.created_by
            revision.author_name = editing.display_name(user) if user else "—"
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Lịch sử: {article.title}",
            "article": article,
            "original": article,
            "revisions": revisions,
            "events": events,
            "can_restore": article.can_edit(request.user),
            "current_number": revisions[0].number if revisions else None,
        }
        return TemplateResponse(request, "admin/articles/article/history.html", context)

    def compare_view(self, request, pk):
        article = self._article_for(request, pk)
        numbers = parse_number(request.GET.get("a")), parse_number(request.GET.get("b"))
        if None in numbers:
            raise Http404("Chọn hai phiên bản để so sánh.")
        revisions = ArticleRevision.objects.select_related("created_by")
        older, newer = (
            get_object_or_404(revisions, article=article, number=n) for n in sorted(numbers)
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"So sánh phiên bản #{older.number} và #{newer.number}",
            "article": article,
            "original": article,
            "older": older,
            "newer": newer,
            "rows": compare(older.content, newer.content, visual=True),
            "older_author": _author(older),
            "newer_author": _author(newer),
        }
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def restore_view(self, request, pk, number):
        self._require_post(request)
        article = self._article_for(request, pk, edit=True)
        revision = get_object_or_404(ArticleRevision, article=article, number=number)
        new = services.restore_revision(revision, by=request.user)
        self.message_user(
            request,
            f"Đã khôi phục nội dung phiên bản #{number} (lưu thành phiên bản #{new.number}).",
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    # -- previews --

    def preview_view(self, request, pk):
        article = self._article_for(request, pk)
        revision = None
        raw = request.GET.get("revision", "")
        if raw:
            number = parse_number(raw)  # "abc" or "²" would otherwise fail with a 500
            if number is None:
                raise Http404
            revision = get_object_or_404(ArticleRevision, article=article, number=number)
        return render_article_preview(request, article, revision=revision, chrome=True)

    def create_preview_link_view(self, request, pk):
        self._require_post(request)
        article = self._article_for(request, pk, edit=True)
        link = PreviewLink.objects.create(article=article, created_by=request.user)
        ArticleEvent.objects.create(
            article=article,
            actor=request.user,
            action="preview_link",
            reason=f"Hết hạn {article_datetime(link.expires_at)}",
            from_status=article.status,
            to_status=article.status,
        )
        url = request.build_absolute_uri(link.get_absolute_url())
        self.message_user(
            request,
            f"Liên kết xem trước (hết hạn {article_datetime(link.expires_at)}): {url}",
            messages.SUCCESS,
        )
        return redirect("admin:articles_article_change", article.pk)

    def revoke_preview_link_view(self, request, pk, link_id):
        """Its creator and the editors may always revoke a link, whatever the article's
        state (a reporter who submitted can no longer edit, but can still withdraw it)."""
        self._require_post(request)
        article = self._article_for(request, pk)
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        if not (link.created_by_id == request.user.pk or works_on_every_article(request.user)):
            raise PermissionDenied
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
            ArticleEvent.objects.create(
                article=article,
                actor=request.user,
                action="revoke_preview_link",
                from_status=article.status,
                to_status=article.status,
            )
        self.message_user(request, "Đã thu hồi liên kết xem trước.", messages.SUCCESS)
        return redirect("admin:articles_article_change", article.pk)

    # -- presence heartbeat and autosave (called by static/articles/article-form.js) --
    # Never cached: `admin_site.admin_view` (see get_urls) already adds never_cache; the
    # plain decorator cannot wrap a method (it rejects `self` as not an HttpRequest).

    def presence_view(self, request, pk):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if request.POST.get("leaving"):
            # The holder's own release needs only the right to view: a reporter who has
            # just submitted may no longer edit, yet their notice must go at once.
            article = self._article_for(request, pk)
            editing.release_presence(article, request.user)
            return JsonResponse({"ok": True})
        article = self._article_for(request, pk, edit=True)
        editing.mark_presence(article, request.user)
        notices = [
            editing.presence_notice(p) for p in editing.others_editing(article, request.user)
        ]
        return JsonResponse({"others": notices})

    def autosave_view(self, request):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        key = request.POST.get("key", "new")
        base_version = 0
        if key != "new":
            pk = parse_number(key)
            if pk is None:
                raise Http404
            article = self._article_for(request, pk, edit=True)
            base_version = article.version
        elif not request.user.has_perm("articles.add_article"):
            raise PermissionDenied
        raw = request.POST.get("content", "{}")
        if len(raw) > AUTOSAVE_MAX_CHARS:
            return JsonResponse({"error": "Bản lưu tạm quá lớn."}, status=400)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):  # deeply nested JSON raises RecursionError
            return JsonResponse({"error": "Dữ liệu không hợp lệ."}, status=400)
        if not isinstance(data, dict):
            return JsonResponse({"error": "Dữ liệu không hợp lệ."}, status=400)
        autosave = editing.store_autosave(request.user, key, data, base_version)
        return JsonResponse({"saved_at": article_datetime(autosave.saved_at)})
