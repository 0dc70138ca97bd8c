"""How often articles are read: hourly buckets for the "most read" windows, and totals.

Written only by the periodic flush of the cache counters (articles/readership.py),
never by a reader's request. Neither table changes what the page cache shows: a
count on a cached page is as old as the page (a minute), by design.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleViewCount(models.Model):
    """Views of one article in one clock hour (UTC). Kept for the "most read" windows
    only: buckets older than a week are removed by the flush; totals stay."""

    article = models.ForeignKey(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        related_name="view_counts",
    )
    hour = models.DateTimeField(_("giờ"))
    count = models.PositiveIntegerField(_("lượt xem"), default=0)

    class Meta:
        verbose_name = _("lượt xem theo giờ")
        verbose_name_plural = _("lượt xem theo giờ")
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="unique_view_bucket"),
        ]
        # The windows ("last 24 hours") are hour ranges summed per article.
        indexes = [models.Index(fields=["hour", "article"], name="view_bucket_hour_idx")]

    def __str__(self):
        return f"{self.article_id} @ {self.hour:%Y-%m-%d %H}:00 — {self.count}"


class ArticleViewTotal(models.Model):
    """All views an article ever had (flushed ones): "Lượt xem: 1.234" on its page.

    A row of its own, not a column of the article: the article's row is saved whole
    by the editors' forms, which would write an old count back.
    """

    article = models.OneToOneField(
        "articles.Article",
        verbose_name=_("bài viết"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="view_total",
    )
    total = models.PositiveBigIntegerField(_("tổng lượt xem"), default=0)

    class Meta:
        verbose_name = _("tổng lượt xem")
        verbose_name_plural = _("tổng lượt xem")

    def __str__(self):
        return f"{self.article_id}: {self.total}"
