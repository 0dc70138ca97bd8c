"""What happened to an article: the audit trail of transitions and every revision."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models.article import Status
from newsroom.requestlog import current_ip


class ArticleEvent(models.Model):
    """One entry of an article's history: who, when, from which status to which, and why."""

    ACTION_LABELS = {
        "create": _("Tạo bài"),
        "edit": _("Sửa nội dung"),
        "submit": _("Gửi biên tập"),
        "forward": _("Chuyển duyệt"),
        "return": _("Trả lại phóng viên"),
        "publish": _("Duyệt và xuất bản"),
        "unpublish": _("Gỡ xuất bản"),
        "take_down": _("Gỡ bài"),
        "reinstate": _("Đưa về chờ duyệt"),
        "restore_revision": _("Khôi phục phiên bản"),
        "correction": _("Đăng cải chính"),
        "trash": _("Chuyển vào thùng rác"),
        "untrash": _("Lấy lại từ thùng rác"),
        "preview_link": _("Tạo liên kết xem trước"),
        "revoke_preview_link": _("Thu hồi liên kết xem trước"),
        "import": _("Nhập bài đã xuất bản"),
        "purge": _("Xóa vĩnh viễn"),
        "checklist_override": _("Bỏ qua cảnh báo trước khi xuất bản"),
        "refused": _("Bị từ chối"),
    }

    # No database constraint and nothing done on delete: the audit trail outlives a
    # purged article (its id stays here, and in its ArticleTombstone).
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("thao tác"), max_length=30)
    from_status = models.CharField(_("từ"), max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(_("sang"), max_length=20, choices=Status.choices, blank=True)
    reason = models.TextField(_("lý do / ghi chú"), blank=True)
    scheduled_for = models.DateTimeField(_("hẹn giờ"), null=True, blank=True)
    created_at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    # Where the action came from: the address of the request it was made in (None from
    # the command line, cron or a data migration).
    ip = models.GenericIPAddressField(
        _("địa chỉ IP"), null=True, blank=True, unpack_ipv4=True, editable=False,
        default=current_ip,
    )  # fmt: skip

    class Meta:
        verbose_name = _("nhật ký bài viết")
        verbose_name_plural = _("nhật ký bài viết")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.action_label} — {self.article_id}"

    @property
    def action_label(self):
        return self.ACTION_LABELS.get(self.action, self.action)


class ArticleRevision(models.Model):
    """A snapshot of the editable content after a save; nothing written is ever lost."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="revisions",
    )
    number = models.PositiveIntegerField(_("số phiên bản"))
    content = models.JSONField(_("nội dung"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người lưu"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("lưu lúc"), default=timezone.now)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("phiên bản")
        verbose_name_plural = _("phiên bản")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="unique_revision_number")
        ]

    def __str__(self):
        return f"#{self.number}"


class ArticleTombstone(models.Model):
    """What remains of a purged article: enough to answer "what was article 123, who
    deleted it and when" next to its audit events (which keep its id)."""

    article_id = models.BigIntegerField(_("mã bài"), unique=True)
    title = models.CharField(_("tiêu đề"), max_length=300)
    slug = models.CharField(_("đường dẫn"), max_length=200, blank=True)
    status = models.CharField(_("trạng thái"), max_length=20, choices=Status.choices)
    published_at = models.DateTimeField(_("thời điểm xuất bản"), null=True, blank=True)
    first_published_at = models.DateTimeField(_("xuất bản lần đầu"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xóa"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    purged_at = models.DateTimeField(_("xóa lúc"), default=timezone.now)
    revision_count = models.PositiveIntegerField(_("số phiên bản đã xóa"), default=0)

    class Meta:
        verbose_name = _("bài đã xóa vĩnh viễn")
        verbose_name_plural = _("bài đã xóa vĩnh viễn")
        ordering = ["-purged_at"]

    def __str__(self):
        return f"#{self.article_id} {self.title}"

    def events(self):
        return ArticleEvent.objects.filter(article_id=self.article_id)
