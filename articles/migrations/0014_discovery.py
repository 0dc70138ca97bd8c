"""Discovery: tags, event threads, related picks, view counts; and who may edit them."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import articles.fields

# Who may do what with tags, event threads and related picks. Reporters tag their own
# articles (new tags are created from the article form); editors and above manage the
# tags, create event threads and pick related articles; the editor-in-chief may delete.
EDITORS = {
    "tag": ["add", "change", "view"],
    "eventthread": ["add", "change", "view"],
    "relatedarticle": ["add", "change", "delete", "view"],
}
ROLE_PERMISSIONS = {
    "Phóng viên / Cộng tác viên": {"tag": ["add", "view"]},
    "Biên tập viên": EDITORS,
    "Thư ký tòa soạn": EDITORS,
    "Tổng biên tập / Phó tổng biên tập": {
        **EDITORS,
        "tag": ["add", "change", "delete", "view"],
        "eventthread": ["add", "change", "delete", "view"],
    },
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, content in ROLE_PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        codenames = [
            f"{action}_{model}" for model, actions in content.items() for action in actions
        ]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="articles",
        content_type__model__in=["tag", "eventthread", "relatedarticle"],
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_search"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleViewTotal",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="view_total",
                        serialize=False,
                        to="articles.article",
                        verbose_name="bài viết",
                    ),
                ),
                ("total", models.PositiveBigIntegerField(default=0, verbose_name="tổng lượt xem")),
            ],
            options={
                "verbose_name": "tổng lượt xem",
                "verbose_name_plural": "tổng lượt xem",
            },
        ),
        migrations.CreateModel(
            name="EventThread",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "title",
                    articles.fields.LineField(max_length=200, verbose_name="tên dòng sự kiện"),
                ),
                (
                    "slug",
                    models.SlugField(
                        blank=True,
                        help_text="Để trống để tạo tự động từ tên.",
                        max_length=200,
                        unique=True,
                        verbose_name="đường dẫn",
                    ),
                ),
                ("description", articles.fields.NFCTextField(blank=True, verbose_name="mô tả")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, editable=False, verbose_name="ngày tạo"
                    ),
                ),
            ],
            options={
                "verbose_name": "dòng sự kiện",
                "verbose_name_plural": "dòng sự kiện",
                "ordering": ["-created_at", "-id"],
            },
        ),
        migrations.CreateModel(
            name="Tag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", articles.fields.LineField(max_length=100, verbose_name="từ khóa")),
                (
                    "slug",
                    models.SlugField(
                        editable=False, max_length=120, unique=True, verbose_name="đường dẫn"
                    ),
                ),
                (
                    "key",
                    models.CharField(
                        editable=False, max_length=255, unique=True, verbose_name="khóa so sánh"
                    ),
                ),
                (
                    "folded",
                    models.CharField(editable=False, max_length=255, verbose_name="dạng không dấu"),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="ngày tạo")),
            ],
            options={
                "verbose_name": "từ khóa",
                "verbose_name_plural": "từ khóa",
                "ordering": ["name"],
            },
        ),
        migrations.CreateModel(
            name="ArticleViewCount",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("hour", models.DateTimeField(verbose_name="giờ")),
                ("count", models.PositiveIntegerField(default=0, verbose_name="lượt xem")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="view_counts",
                        to="articles.article",
                        verbose_name="bài viết",
                    ),
                ),
            ],
            options={
                "verbose_name": "lượt xem theo giờ",
                "verbose_name_plural": "lượt xem theo giờ",
            },
        ),
        migrations.AddField(
            model_name="article",
            name="thread",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="articles",
                to="articles.eventthread",
                verbose_name="dòng sự kiện",
            ),
        ),
        migrations.CreateModel(
            name="RelatedArticle",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="related_entries",
                        to="articles.article",
                        verbose_name="bài viết",
                    ),
                ),
                (
                    "related",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="picked_by",
                        to="articles.article",
                        verbose_name="bài liên quan",
                    ),
                ),
            ],
            options={
                "verbose_name": "tin liên quan",
                "verbose_name_plural": "tin liên quan (biên tập chọn, theo thứ tự)",
                "ordering": ["position", "id"],
            },
        ),
        migrations.CreateModel(
            name="ArticleTag",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("position", models.PositiveSmallIntegerField(default=0, verbose_name="thứ tự")),
                (
                    "article",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="tag_entries",
                        to="articles.article",
                        verbose_name="bài viết",
                    ),
                ),
                (
                    "tag",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="article_entries",
                        to="articles.tag",
                        verbose_name="từ khóa",
                    ),
                ),
            ],
            options={
                "verbose_name": "từ khóa của bài",
                "verbose_name_plural": "từ khóa của bài",
                "ordering": ["position", "id"],
            },
        ),
        migrations.AddField(
            model_name="article",
            name="tags",
            field=models.ManyToManyField(
                blank=True,
                related_name="articles",
                through="articles.ArticleTag",
                to="articles.tag",
                verbose_name="từ khóa",
            ),
        ),
        migrations.AddIndex(
            model_name="article",
            index=models.Index(
                condition=models.Q(("deleted_at__isnull", True), ("thread__isnull", False)),
                fields=["thread", "status", "published_at"],
                name="article_thread_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="articleviewcount",
            index=models.Index(fields=["hour", "article"], name="view_bucket_hour_idx"),
        ),
        migrations.AddConstraint(
            model_name="articleviewcount",
            constraint=models.UniqueConstraint(
                fields=("article", "hour"), name="unique_view_bucket"
            ),
        ),
        migrations.AddConstraint(
            model_name="relatedarticle",
            constraint=models.UniqueConstraint(
                fields=("article", "related"),
                name="unique_related_pick",
                violation_error_message="Bài này đã có trong tin liên quan.",
            ),
        ),
        migrations.AddConstraint(
            model_name="relatedarticle",
            constraint=models.CheckConstraint(
                condition=models.Q(("article", models.F("related")), _negated=True),
                name="related_pick_not_itself",
                violation_error_message="Không thể chọn chính bài này làm tin liên quan.",
            ),
        ),
        migrations.AddConstraint(
            model_name="articletag",
            constraint=models.UniqueConstraint(
                fields=("tag", "article"), name="unique_tag_per_article"
            ),
        ),
        migrations.RunPython(grant, revoke),
    ]
