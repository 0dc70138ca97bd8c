"""Django's user and group pages, in Vietnamese.

Django stores each permission's name in English when it creates it ("Can add log
entry", "Can change bài viết"), so the permission pickers would show English; they
show a Vietnamese label built from the permission's action and the model's translated
name instead. A user's or group's delete confirmation would list rows of Django's
link tables ("User-group relationship: User_groups object (1)"); those rows only tie
the account to its groups and permissions and go with it, so they are not listed.
Everything else is Django's own `UserAdmin` and `GroupAdmin`.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

# Django's default permissions, by the prefix of their codename.
DEFAULT_ACTIONS = {
    "add": _("Được thêm"),
    "change": _("Được sửa"),
    "delete": _("Được xóa"),
    "view": _("Được xem"),
}


def permission_label(permission):
    """ "Tòa soạn | bài viết | Được sửa bài viết": the content type as Django shows it,
    then the permission, translated when it is one of Django's default four (custom
    permissions are named in Vietnamese where they are declared)."""
    name = permission.name
    action, _sep, model_name = permission.codename.partition("_")
    model = permission.content_type.model_class()
    if action in DEFAULT_ACTIONS and model is not None and model._meta.model_name == model_name:
        name = f"{DEFAULT_ACTIONS[action]} {model._meta.verbose_name}"
    return f"{permission.content_type} | {name}"


def _link_tables():
    user_model = get_user_model()
    return [
        user_model.groups.through,
        user_model.user_permissions.through,
        Group.permissions.through,
    ]


def _without(nested, prefixes):
    """The admin's nested list of deleted objects without the rows starting with
    `prefixes` (and without lists left empty)."""
    kept = []
    for item in nested:
        if isinstance(item, list):
            item = _without(item, prefixes)
            if item:
                kept.append(item)
        elif not str(item).startswith(prefixes):
            kept.append(item)
    return kept


class AccountsAdminMixin:
    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.name in {"permissions", "user_permissions"}:
            field.label_from_instance = permission_label
        return field

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        tables = _link_tables()
        prefixes = tuple(f"{capfirst(table._meta.verbose_name)}: " for table in tables)
        plurals = {str(table._meta.verbose_name_plural) for table in tables}
        counts = {name: count for name, count in counts.items() if str(name) not in plurals}
        return _without(deleted, prefixes), counts, perms_needed, protected


class NewsroomUserAdmin(AccountsAdminMixin, UserAdmin):
    pass


class NewsroomGroupAdmin(AccountsAdminMixin, GroupAdmin):
    pass


admin.site.unregister(get_user_model())
admin.site.register(get_user_model(), NewsroomUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, NewsroomGroupAdmin)
