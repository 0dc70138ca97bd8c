"""Newsroom accounts: whoever manages them cannot grant more than they hold, in Vietnamese.

Django's stock user admin lets anyone with `change_user` tick "superuser", give any
permission or group and set any password, the superuser's included. Here a manager
who is not a superuser sees no superuser flag and no per-user permissions, may only
give groups whose permissions they hold themselves, and cannot change, delete or
reset the password of an account that holds more than they do.

Django stores each permission's name in English when it creates it ("Can add log
entry"), so the pickers show a Vietnamese label built from the permission's action and
the model's translated name; delete confirmations leave out the rows of Django's link
tables ("User-group relationship: User_groups object (1)"), which go with the account.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from articles.admin.common import AsciiIdMixin, BoundedSearchMixin

User = get_user_model()

# Fields only a superuser may see or set.
SUPERUSER_ONLY_FIELDS = {"is_superuser", "user_permissions"}


def _codenames(permissions):
    return {f"{app}.{codename}" for app, codename in permissions}


def held_permissions(user):
    """Every permission `user` has, directly or through groups, as "app.codename"."""
    return set(user.get_all_permissions())


def permissions_of(account):
    """What an account holds, read from the database (not a possibly stale cache)."""
    direct = account.user_permissions.values_list("content_type__app_label", "codename")
    grouped = Permission.objects.filter(group__user=account).values_list(
        "content_type__app_label", "codename"
    )
    return _codenames(direct) | _codenames(grouped)


def outranks(account, manager):
    """True if `account` holds something `manager` does not (or is a superuser)."""
    if manager.is_superuser:
        return False
    if account.is_superuser:
        return True
    return not permissions_of(account) <= held_permissions(manager)


def grantable_groups(manager):
    """The groups whose every permission `manager` holds."""
    groups = Group.objects.all()
    if manager.is_superuser:
        return groups
    held = held_permissions(manager)
    beyond = [
        group.pk
        for group in groups.prefetch_related("permissions__content_type")
        if not {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()} <= held
    ]
    return groups.exclude(pk__in=beyond)


def grantable_permissions(manager):
    permissions = Permission.objects.select_related("content_type")
    if manager.is_superuser:
        return permissions
    held = held_permissions(manager)
    condition = Q(pk__in=[])
    for name in held:
        app, codename = name.split(".", 1)
        condition |= Q(content_type__app_label=app, codename=codename)
    return permissions.filter(condition)


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


class NewsroomUserAdmin(BoundedSearchMixin, AsciiIdMixin, AccountsAdminMixin, UserAdmin):
    list_display = ["username", "first_name", "last_name", "email", "is_staff", "is_active",
                    "role_names"]  # fmt: skip

    @admin.display(description=_("vai trò"))
    def role_names(self, account):
        return ", ".join(group.name for group in account.groups.all()) or "—"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.is_superuser:
            return fieldsets
        return [
            (name, {**options, "fields": [
                field for field in options["fields"] if field not in SUPERUSER_ONLY_FIELDS
            ]})
            for name, options in fieldsets
        ]  # fmt: skip

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "groups":
            kwargs["queryset"] = grantable_groups(request.user)
        elif db_field.name == "user_permissions":
            kwargs["queryset"] = grantable_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or not outranks(obj, request.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or not outranks(obj, request.user))


class NewsroomGroupAdmin(BoundedSearchMixin, AsciiIdMixin, AccountsAdminMixin, GroupAdmin):
    """Roles: a non-superuser may not widen a role beyond what they hold."""

    list_display = ["name", "member_count"]

    @admin.display(description=_("số tài khoản"), ordering="member_count")
    def member_count(self, group):
        return group.member_count

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(member_count=Count("user"))

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        if db_field.name == "permissions" and not request.user.is_superuser:
            kwargs["queryset"] = grantable_permissions(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _beyond(self, request, group):
        if request.user.is_superuser or group is None:
            return False
        names = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        return not names <= held_permissions(request.user)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._beyond(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._beyond(request, obj)


admin.site.unregister(User)
admin.site.unregister(Group)
admin.site.register(User, NewsroomUserAdmin)
admin.site.register(Group, NewsroomGroupAdmin)
