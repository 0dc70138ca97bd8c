"""Holes 3 and 4: photos readers see change only with the right to publish, and the
article form accepts only photos its user may see."""

import pytest
from django.urls import reverse

from articles.models import Article, Photo
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)


def photo_data(**overrides):
    data = {"caption": "Chú thích bị đổi", "credit": "Ảnh: Kẻ lạ", "alt_text": "",
            "taken_at": "", "focal_x": "0.5", "focal_y": "0.5"}  # fmt: skip
    data.update(overrides)
    return data


def photo_change_url(photo):
    return reverse("admin:articles_photo_change", args=[photo.pk])


@pytest.fixture
def reporter():
    return make_user("phongvien", REPORTER)


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["published", "scheduled"])
def test_reporter_cannot_change_her_photo_on_a_live_article(client, reporter, state):
    from datetime import timedelta

    from django.utils import timezone

    photo = make_photo(caption="Chú thích gốc", uploaded_by=reporter)
    when = timezone.now() + (timedelta(days=1) if state == "scheduled" else -timedelta(hours=1))
    make_article(lead_photo=photo, is_featured=True, published_at=when)
    client.force_login(reporter)
    response = client.post(photo_change_url(photo), photo_data())
    assert response.status_code == 403
    photo.refresh_from_db()
    assert (photo.caption, photo.credit) == ("Chú thích gốc", "Ảnh: Minh Thư")
    # She still sees it, read-only (no 500 on the form without fields).
    page = client.get(photo_change_url(photo))
    assert page.status_code == 200
    assert 'name="caption"' not in page.content.decode()


@pytest.mark.django_db
def test_section_editor_cannot_change_a_live_photo_but_managing_editor_can(client):
    photo = make_photo(caption="Chú thích gốc")
    make_article(photos=[photo])
    client.force_login(make_user("bientap", EDITOR))
    assert client.post(photo_change_url(photo), photo_data()).status_code == 403
    client.force_login(make_user("thuky", MANAGING_EDITOR))
    assert client.post(photo_change_url(photo), photo_data()).status_code == 302
    photo.refresh_from_db()
    assert photo.caption == "Chú thích bị đổi"


@pytest.mark.django_db
def test_photo_of_an_unpublished_article_stays_editable_by_its_uploader(client, reporter):
    photo = make_photo(caption="Chú thích gốc", uploaded_by=reporter)
    make_article(lead_photo=photo, status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    assert client.post(photo_change_url(photo), photo_data()).status_code == 302


@pytest.mark.django_db
def test_reporter_opening_a_colleagues_photo_gets_a_read_only_page(client, reporter):
    colleague = make_user("phongvien2", REPORTER)
    photo = make_photo(uploaded_by=colleague)
    make_article(lead_photo=photo)  # published: she may see it, not change it
    client.force_login(reporter)
    assert client.get(photo_change_url(photo)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["lead_photo", "inline"])
def test_reporter_cannot_attach_a_colleagues_unpublished_photo(client, reporter, field):
    colleague = make_user("phongvien2", REPORTER)
    secret = make_photo(caption="Ảnh độc quyền chưa đăng", uploaded_by=colleague)
    make_article(
        status=Article.Status.DRAFT, created_by=colleague, lead_photo=secret, photos=[secret]
    )
    category = make_category("Thời sự")
    client.force_login(reporter)
    if field == "lead_photo":
        data = article_form_data(category=category, lead_photo=secret.pk)
    else:
        data = article_form_data(category=category, photos=[(secret, "")])
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200  # the form refuses the choice
    assert not Article.objects.filter(created_by=reporter).exists()
    assert "Ảnh độc quyền chưa đăng" not in response.content.decode()


@pytest.mark.django_db
def test_stepping_photo_ids_finds_nothing(client, reporter):
    colleague = make_user("phongvien2", REPORTER)
    hidden = [make_photo(caption=f"Ảnh riêng {n}", uploaded_by=colleague) for n in range(3)]
    own = make_photo(caption="Ảnh của tôi", uploaded_by=reporter)
    category = make_category("Thời sự")
    client.force_login(reporter)
    accepted = []
    for photo in Photo.objects.order_by("pk"):
        data = article_form_data(category=category, title=f"Thử {photo.pk}", lead_photo=photo.pk)
        if client.post(reverse("admin:articles_article_add"), data).status_code == 302:
            accepted.append(photo.pk)
    assert accepted == [own.pk]
    assert all(p.pk not in accepted for p in hidden)


@pytest.mark.django_db
def test_author_photo_choice_is_limited_too(client):
    """Every photo field, not only the article's: a byline manager who is not an editor
    cannot pick a colleague's unpublished photo for a byline."""
    from django.contrib.auth.models import Permission

    manager = make_user("quanly-butdanh", None)
    manager.user_permissions.set(
        Permission.objects.filter(codename__in=["change_author", "view_author", "view_photo"])
    )
    author = make_author("Minh Thư")
    secret = make_photo(uploaded_by=make_user("phongvien2", REPORTER))
    own = make_photo(uploaded_by=manager)
    client.force_login(manager)
    url = reverse("admin:articles_author_change", args=[author.pk])
    data = {"display_name": "Minh Thư", "slug": author.slug, "bio": "", "user": ""}
    assert client.post(url, {**data, "photo": secret.pk}).status_code == 200
    author.refresh_from_db()
    assert author.photo is None
    assert client.post(url, {**data, "photo": own.pk}).status_code == 302
