"""Who has an article open, and unsaved text kept safe on the server."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A presence notice expires on its own when the editor stops sending heartbeats.
PRESENCE_TTL = timedelta(seconds=120)


class EditPresenceQuerySet(models.QuerySet):
    def active(self, now=None):
        return self.filter(last_seen__gte=(now or timezone.now()) - PRESENCE_TTL)


class EditPresence(models.Model):
    """ "Đang được sửa bởi …": refreshed while a change form is open (like WordPress's lock)."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="presences",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    since = models.DateTimeField(_("từ lúc"), default=timezone.now)
    last_seen = models.DateTimeField(_("lần cuối thấy"), default=timezone.now, db_index=True)

    objects = EditPresenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("người đang sửa")
        verbose_name_plural = _("người đang sửa")
        constraints = [models.UniqueConstraint(fields=["article", "user"], name="unique_presence")]

    def __str__(self):
        return f"{self.user} @ {self.article_id}"


class Autosave(models.Model):
    """The last unsaved state of a user's form (every ~30 s), recovered after a lost session."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người dùng"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    # The article's id, or "new" for an article not saved yet.
    key = models.CharField(_("khóa"), max_length=32)
    base_version = models.PositiveIntegerField(_("phiên bản gốc"), default=0)
    content = models.JSONField(_("nội dung"))
    saved_at = models.DateTimeField(_("lưu lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("bản lưu tạm")
        verbose_name_plural = _("bản lưu tạm")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="unique_autosave")]

    def __str__(self):
        return f"{self.user} / {self.key}"
