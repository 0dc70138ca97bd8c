"""Newsroom accounts: whoever manages them cannot grant more than they hold.

Django's stock user admin lets anyone with `change_user` tick "superuser", give any
permission or group and set any password, the superuser's included. Here a manager
who is not a superuser sees no superuser flag and no per-user permissions, may only
give groups whose permissions they hold themselves, and cannot change, delete or
reset the password of an account that holds more than they do.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, Permission
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from articles.admin.common import AsciiIdMixin

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


class NewsroomUserAdmin(AsciiIdMixin, UserAdmin):
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


class NewsroomGroupAdmin(AsciiIdMixin, GroupAdmin):
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
