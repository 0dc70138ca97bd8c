"""Signed, expiring, revocable links that show one unpublished article to an outsider."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PREVIEW_LINK_LIFETIME = timedelta(hours=48)
_SALT = "articles.preview-link"


def _new_secret():
    return secrets.token_urlsafe(24)


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self, now=None):
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class PreviewLink(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="preview_links",
    )
    secret = models.CharField(
        _("mã bí mật"), max_length=64, unique=True, default=_new_secret, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("liên kết xem trước")
        verbose_name_plural = _("liên kết xem trước")
        ordering = ["-created_at"]

    def __str__(self):
        return f"Xem trước bài {self.article_id}"

    def save(self, *args, **kwargs):
        if self.expires_at is None:
            self.expires_at = timezone.now() + PREVIEW_LINK_LIFETIME
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:shared_preview", kwargs={"token": self.token})

    @property
    def token(self):
        """Signed: the article id and the secret travel together and cannot be swapped."""
        return signing.dumps({"a": self.article_id, "s": self.secret}, salt=_SALT, compress=True)

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires_at > timezone.now()

    @classmethod
    def resolve(cls, token):
        """The usable link a token stands for, or None (tampered, expired, revoked)."""
        try:
            data = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        return (
            cls.objects.usable()
            .select_related("article")
            .filter(article_id=data.get("a"), secret=data.get("s"))
            .first()
        )
