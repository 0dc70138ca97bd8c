"""Newsroom roles as groups. Issue "editorial workflow" refines what each may do."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITE = ["add", "change", "view"]
CONTENT_FOR_ALL = {
    "article": WRITE,
    "byline": ["add", "change", "delete", "view"],
    "articlephoto": ["add", "change", "delete", "view"],
    "photo": WRITE,
    "author": ["view"],
    "category": ["view"],
}

ROLES = {
    "Phóng viên / Cộng tác viên": {"content": CONTENT_FOR_ALL, "extra": []},
    "Biên tập viên": {"content": {**CONTENT_FOR_ALL, "author": WRITE}, "extra": []},
    "Thư ký tòa soạn": {
        "content": {**CONTENT_FOR_ALL, "author": WRITE},
        "extra": ["publish_article"],
    },
    "Tổng biên tập / Phó tổng biên tập": {
        "content": {
            **CONTENT_FOR_ALL,
            "article": ["add", "change", "delete", "view"],
            "photo": ["add", "change", "delete", "view"],
            "author": ["add", "change", "delete", "view"],
            "category": ["add", "change", "delete", "view"],
            "sitesettings": ["add", "change", "view"],
        },
        "extra": ["publish_article"],
        "auth": ["add_user", "change_user", "view_user", "view_group"],
    },
}


def create_roles(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, spec in ROLES.items():
        codenames = [
            f"{action}_{model}" for model, actions in spec["content"].items() for action in actions
        ] + spec["extra"]
        group, _ = Group.objects.get_or_create(name=name)
        perms = list(
            Permission.objects.filter(content_type__app_label="articles", codename__in=codenames)
        )
        perms += list(
            Permission.objects.filter(
                content_type__app_label="auth", codename__in=spec.get("auth", [])
            )
        )
        group.permissions.set(perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
