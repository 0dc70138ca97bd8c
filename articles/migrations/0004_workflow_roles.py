"""Give the newsroom roles the editorial-workflow permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ARTICLE_CONTENT = {
    "article": ["add", "change", "delete", "view"],
    "byline": ["add", "change", "delete", "view"],
    "articlephoto": ["add", "change", "delete", "view"],
    "photo": ["add", "change", "view"],
    "author": ["view"],
    "category": ["view"],
    "correction": ["view"],
    "articleevent": ["view"],
    "articlerevision": ["view"],
}
EDITOR_CONTENT = {**ARTICLE_CONTENT, "author": ["add", "change", "view"]}
CHIEF_CONTENT = {
    **EDITOR_CONTENT,
    "photo": ["add", "change", "delete", "view"],
    "author": ["add", "change", "delete", "view"],
    "category": ["add", "change", "delete", "view"],
    "sitesettings": ["add", "change", "view"],
    "correction": ["add", "change", "view"],
    "previewlink": ["add", "change", "view"],
}

ROLES = {
    "Phóng viên / Cộng tác viên": (ARTICLE_CONTENT, []),
    "Biên tập viên": (EDITOR_CONTENT, ["review_article"]),
    "Thư ký tòa soạn": (
        {**EDITOR_CONTENT, "correction": ["add", "change", "view"]},
        ["review_article", "publish_article"],
    ),
    "Tổng biên tập / Phó tổng biên tập": (
        CHIEF_CONTENT,
        ["review_article", "publish_article", "takedown_article"],
    ),
}
CHIEF_AUTH = ["add_user", "change_user", "view_user", "view_group"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, (content, extra) in ROLES.items():
        codenames = [f"{a}_{model}" for model, actions in content.items() for a in actions]
        perms = list(
            Permission.objects.filter(
                content_type__app_label="articles", codename__in=codenames + extra
            )
        )
        if name.startswith("Tổng biên tập"):
            perms += list(
                Permission.objects.filter(content_type__app_label="auth", codename__in=CHIEF_AUTH)
            )
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(perms)


class Migration(migrations.Migration):
    dependencies = [("articles", "0003_editorial_workflow")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
