"""Correction notices (thông tin cải chính, Press Law art. 42)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.fields import NFCTextField


class CorrectionQuerySet(models.QuerySet):
    def public(self):
        """Corrections of articles readers can see."""
        from articles.models.article import Article

        return self.filter(article__in=Article.objects.published())


class Correction(models.Model):
    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="corrections",
    )
    text = NFCTextField(_("nội dung cải chính"))
    created_at = models.DateTimeField(_("đăng lúc"), default=timezone.now, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người đăng"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        verbose_name = _("cải chính")
        verbose_name_plural = _("cải chính")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.text[:80]
