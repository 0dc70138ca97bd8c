"""Hole 2: managing newsroom accounts must not grant what the manager lacks."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from tests.factories import EDITOR_IN_CHIEF, MANAGING_EDITOR, REPORTER, make_user

User = get_user_model()
PASSWORD = "mat-khau-moi-rat-dai-2026"


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def account_data(user, **overrides):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00:00",
    }
    data.update(overrides)
    return data


@pytest.fixture
def chief(client):
    user = make_user("tongbientap", EDITOR_IN_CHIEF)
    client.force_login(user)
    return user


@pytest.mark.django_db
def test_chief_cannot_make_herself_superuser(client, chief):
    response = client.post(change_url(chief), account_data(chief, is_superuser="on"))
    assert response.status_code in (200, 302)
    chief.refresh_from_db()
    assert not chief.is_superuser
    assert "is_superuser" not in client.get(change_url(chief)).content.decode()


@pytest.mark.django_db
def test_chief_cannot_grant_permissions_directly(client, chief):
    everything = list(Permission.objects.values_list("pk", flat=True))
    reporter = make_user("phongvien", REPORTER)
    client.post(change_url(reporter), account_data(reporter, user_permissions=everything))
    assert not reporter.user_permissions.exists()


@pytest.mark.django_db
def test_chief_cannot_give_a_group_above_her_own(client, chief):
    admins = Group.objects.create(name="Quản trị hệ thống")
    admins.permissions.set(Permission.objects.filter(codename="change_group"))
    reporter = make_user("phongvien", REPORTER)
    response = client.post(
        change_url(reporter),
        account_data(reporter, groups=[admins.pk, *reporter.groups.values_list("pk", flat=True)]),
    )
    assert response.status_code == 200  # the form refuses the choice
    assert not reporter.groups.filter(pk=admins.pk).exists()
    # Groups within her own rights can be given.
    managing = Group.objects.get(name=MANAGING_EDITOR)
    response = client.post(change_url(reporter), account_data(reporter, groups=[managing.pk]))
    assert response.status_code == 302
    assert list(reporter.groups.all()) == [managing]


@pytest.mark.django_db
def test_chief_cannot_touch_the_superuser(client, chief):
    root = User.objects.create_superuser("admin", "admin@example.vn", "cu-mat-khau-123")
    old_hash = root.password
    assert client.get(password_url(root)).status_code == 403
    response = client.post(
        password_url(root),
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 403
    response = client.post(change_url(root), account_data(root, is_active=""))
    assert response.status_code == 403
    response = client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"})
    assert response.status_code == 403
    root.refresh_from_db()
    assert (root.password, root.is_active) == (old_hash, True)


@pytest.mark.django_db
def test_chief_manages_reporters_password(client, chief):
    reporter = make_user("phongvien", REPORTER)
    response = client.post(
        password_url(reporter),
        {"password1": PASSWORD, "password2": PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


@pytest.mark.django_db
def test_superuser_still_manages_everything(client):
    root = User.objects.create_superuser("admin", "admin@example.vn", "cu-mat-khau-123")
    client.force_login(root)
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    response = client.post(change_url(chief), account_data(chief, is_superuser="on"))
    assert response.status_code == 302
    chief.refresh_from_db()
    assert chief.is_superuser
