"""Retention and the audit trail: every public article records its first publication
(filled here for existing rows), events survive a purge, purged articles leave a tombstone."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models
from django.utils import timezone


def fill_first_publication(apps, schema_editor):
    """Articles made public without the chain (import, bulk demo data) lack the moment
    they first became public: take it from their publish events, else from now (the
    retention clock must never start earlier than we can prove)."""
    Article = apps.get_model("articles", "Article")
    ArticleEvent = apps.get_model("articles", "ArticleEvent")
    now = timezone.now()
    missing = Article.objects.filter(first_published_at__isnull=True)
    published_once = set(
        ArticleEvent.objects.filter(action="publish").values_list("article_id", flat=True)
    )
    for article in missing.iterator():
        if article.status not in ("published", "taken_down") and article.pk not in published_once:
            continue
        moments = [
            max(event.created_at, event.scheduled_for or event.created_at)
            for event in ArticleEvent.objects.filter(article_id=article.pk, action="publish")
        ]
        article.first_published_at = (
            min(moments) if moments else max(article.published_at or now, now)
        )
        article.save(update_fields=["first_published_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0007_public_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleTombstone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("article_id", models.BigIntegerField(unique=True, verbose_name="mã bài")),
                ("title", models.CharField(max_length=300, verbose_name="tiêu đề")),
                ("slug", models.CharField(blank=True, max_length=200, verbose_name="đường dẫn")),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("draft", "Nháp"),
                            ("submitted", "Chờ biên tập"),
                            ("edited", "Chờ duyệt"),
                            ("returned", "Bị trả lại"),
                            ("published", "Đã xuất bản"),
                            ("taken_down", "Đã gỡ"),
                        ],
                        max_length=20,
                        verbose_name="trạng thái",
                    ),
                ),
                (
                    "published_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="thời điểm xuất bản"),
                ),
                (
                    "first_published_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="xuất bản lần đầu"),
                ),
                (
                    "purged_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="xóa lúc"),
                ),
                (
                    "revision_count",
                    models.PositiveIntegerField(default=0, verbose_name="số phiên bản đã xóa"),
                ),
            ],
            options={
                "verbose_name": "bài đã xóa vĩnh viễn",
                "verbose_name_plural": "bài đã xóa vĩnh viễn",
                "ordering": ["-purged_at"],
            },
        ),
        migrations.AlterField(
            model_name="articleevent",
            name="article",
            field=models.ForeignKey(
                db_constraint=False,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="events",
                to="articles.article",
            ),
        ),
        migrations.RunPython(fill_first_publication, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status__in", ["published", "taken_down"]), _negated=True),
                    ("first_published_at__isnull", False),
                    _connector="OR",
                ),
                name="public_article_has_first_publication",
            ),
        ),
        migrations.AddField(
            model_name="articletombstone",
            name="created_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người tạo",
            ),
        ),
        migrations.AddField(
            model_name="articletombstone",
            name="purged_by",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="người xóa",
            ),
        ),
    ]
