"""Previews: staff see any version in the public template; outsiders get signed share links.

Every preview is marked "Bản xem trước", never cached (private, no-store) and never
indexed. A share link is bound to one article, expires (48 h), can be revoked, and
stops working the moment any of that no longer holds.
"""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse

from articles import services
from articles.models import Article, ArticleEvent, ArticleRevision, PreviewLink
from tests.factories import (
    EDITOR,
    MANAGING_EDITOR,
    REPORTER,
    VN,
    database_state,
    make_article,
    make_user,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2024, 3, 5, 9, 15, tzinfo=VN)
BANNER = "Bản xem trước"


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def links_url(article):
    return reverse("admin:articles_article_preview_link", args=[article.pk])


def revoke_url(link):
    return reverse("admin:articles_article_revoke_preview_link", args=[link.article_id, link.pk])


def logged_in(client, username, role):
    user = make_user(username, role)
    client.force_login(user)
    return user


def assert_is_a_preview(response, title):
    """Rendered with the public template, bannered, never cached nor indexed."""
    assert response.status_code == 200
    html = response.content.decode()
    assert BANNER in html
    assert f'<h1 class="article-title">{title}</h1>' in html
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "public" not in directives and not any(d.startswith("s-maxage") for d in directives)
    assert "noindex" in response["X-Robots-Tag"]
    assert '<meta name="robots" content="noindex' in html
    assert "articles/article_detail.html" in [t.name for t in response.templates]


@pytest.fixture
def reporter():
    return make_user("phongvien", REPORTER)


@pytest.fixture
def draft(reporter):
    return make_article(
        title="Bản thảo chưa đăng", status=Article.Status.DRAFT, created_by=reporter
    )


def share(client, article):
    """Create a share link through the admin's button and return the new row."""
    before = set(PreviewLink.objects.values_list("pk", flat=True))
    response = client.post(links_url(article))
    assert response.status_code == 302
    return PreviewLink.objects.exclude(pk__in=before).get()


# -- staff preview --


def test_staff_preview_of_a_draft(client, draft, reporter):
    """The owner previews a draft in the public template, bannered, no-store and noindex."""
    client.force_login(reporter)
    assert_is_a_preview(client.get(preview_url(draft)), "Bản thảo chưa đăng")
    # The public page itself still does not show it.
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_editor_previews_a_submitted_article(client, reporter):
    """A reviewer previews anyone's article."""
    article = make_article(
        title="Bài chờ biên tập", status=Article.Status.SUBMITTED, created_by=reporter
    )
    logged_in(client, "bientap", EDITOR)
    assert_is_a_preview(client.get(preview_url(article)), "Bài chờ biên tập")


def test_preview_of_a_revision_renders_that_revision(client, draft, reporter):
    """?revision=N shows that revision's title and body, and says which revision it is."""
    ArticleRevision.objects.create(
        article=draft,
        number=1,
        created_by=reporter,
        content={"title": "Tiêu đề phiên bản một", "body": "<p>Thân bài cũ.</p>"},
    )
    client.force_login(reporter)
    response = client.get(preview_url(draft), {"revision": 1})
    assert_is_a_preview(response, "Tiêu đề phiên bản một")
    html = response.content.decode()
    assert "<p>Thân bài cũ.</p>" in html and "phiên bản #1, lưu lúc" in html
    assert "Bản thảo chưa đăng" not in html
    draft.refresh_from_db()
    assert draft.title == "Bản thảo chưa đăng"  # previewing changes nothing


@pytest.mark.parametrize("revision", ["7", "abc", "-1", "1.5", "99999999999999999999999"])
def test_preview_of_an_unknown_revision_is_404(client, draft, reporter, revision):
    """An unknown or malformed revision number is a 404, not a 500."""
    ArticleRevision.objects.create(article=draft, number=1, content={"title": "x"})
    client.force_login(reporter)
    assert client.get(preview_url(draft), {"revision": revision}).status_code == 404


def test_preview_never_shows_another_articles_revision(client, draft, reporter):
    """Revision numbers are per article: another article's #2 is a 404 here."""
    other = make_article(title="Bài khác", status=Article.Status.DRAFT, created_by=reporter)
    for number in (1, 2):
        ArticleRevision.objects.create(article=other, number=number, content={"title": "Lộ"})
    client.force_login(reporter)
    assert client.get(preview_url(draft), {"revision": 2}).status_code == 404


def test_reporter_cannot_preview_someone_elses_draft(client, draft):
    """Another reporter gets 403: the preview checks the article's own policy."""
    logged_in(client, "nguoi-khac", REPORTER)
    response = client.get(preview_url(draft))
    assert response.status_code == 403
    assert "Bản thảo chưa đăng" not in response.content.decode()


def test_anonymous_preview_redirects_to_login(client, draft):
    """Anonymous visitors are sent to the admin login, never shown the draft."""
    response = client.get(preview_url(draft))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


# -- share links --


def test_share_link_is_created_and_works_anonymously(client, draft, reporter):
    """The owner creates a link; anyone with it sees the draft, bannered, no-store, noindex."""
    client.force_login(reporter)
    with time_machine.travel(T0, tick=False):
        link = share(client, draft)
    assert (link.article, link.created_by) == (draft, reporter)
    assert link.expires_at == T0 + timedelta(hours=48)
    event = draft.events.get()
    assert (event.action, event.actor) == ("preview_link", reporter)

    client.logout()
    with time_machine.travel(T0 + timedelta(hours=1)):
        response = client.get(link.get_absolute_url())
    assert_is_a_preview(response, "Bản thảo chưa đăng")


def test_share_link_expires_after_48_hours(client, draft, reporter):
    """The link works until 48 h after creation and is a 404 one second later."""
    client.force_login(reporter)
    with time_machine.travel(T0, tick=False):
        link = share(client, draft)
    client.logout()
    url = link.get_absolute_url()
    with time_machine.travel(T0 + timedelta(hours=48) - timedelta(seconds=1), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(T0 + timedelta(hours=48, seconds=1), tick=False):
        response = client.get(url)
        assert response.status_code == 404
        assert "Bản thảo chưa đăng" not in response.content.decode()


def test_revoked_share_link_is_404(client, draft, reporter):
    """Revoking (POST) kills the link at once; the revocation is in the history."""
    client.force_login(reporter)
    link = share(client, draft)
    assert client.get(link.get_absolute_url()).status_code == 200
    response = client.post(revoke_url(link))
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.revoked_at is not None
    assert draft.events.filter(action="revoke_preview_link", actor=reporter).count() == 1
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_revoke_by_get_changes_nothing(client, draft, reporter):
    """A GET on the revoke address (a link, a prefetch) is refused; the link keeps working."""
    client.force_login(reporter)
    link = share(client, draft)
    before = database_state()
    assert client.get(revoke_url(link)).status_code in (403, 405)
    assert database_state() == before
    assert client.get(link.get_absolute_url()).status_code == 200


def test_tampered_token_is_404(client, draft, reporter):
    """Changing any one character of the token makes it worthless."""
    client.force_login(reporter)
    link = share(client, draft)
    client.logout()
    token = link.token
    for index in (0, len(token) // 2, len(token) - 1):
        replacement = "A" if token[index] != "A" else "B"
        forged = token[:index] + replacement + token[index + 1 :]
        url = reverse("articles:shared_preview", kwargs={"token": forged})
        assert client.get(url).status_code == 404, index


def test_link_for_one_article_never_shows_another(client, reporter):
    """Each token shows only the article it was made for."""
    first = make_article(title="Bài thứ nhất", status=Article.Status.DRAFT, created_by=reporter)
    second = make_article(title="Bài thứ hai", status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    first_link, second_link = share(client, first), share(client, second)
    client.logout()
    first_html = client.get(first_link.get_absolute_url()).content.decode()
    second_html = client.get(second_link.get_absolute_url()).content.decode()
    assert "Bài thứ nhất" in first_html and "Bài thứ hai" not in first_html
    assert "Bài thứ hai" in second_html and "Bài thứ nhất" not in second_html


def test_secret_of_one_link_with_another_articles_id_fails(client, reporter):
    """A payload pairing article B's id with article A's secret (even if signed) finds nothing."""
    first = make_article(title="Bài thứ nhất", status=Article.Status.DRAFT, created_by=reporter)
    second = make_article(title="Bài thứ hai", status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    link = share(client, first)
    client.logout()
    swapped = signing.dumps(
        {"a": second.pk, "s": link.secret}, salt="articles.preview-link", compress=True
    )
    response = client.get(reverse("articles:shared_preview", kwargs={"token": swapped}))
    assert response.status_code == 404


@pytest.mark.parametrize(
    "sign",
    [
        lambda data: signing.dumps(data, salt="another.salt", compress=True),
        lambda data: signing.dumps(data, key="not-the-site-key", salt="articles.preview-link"),
        lambda data: signing.dumps(data),
    ],
    ids=["other-salt", "other-key", "no-salt"],
)
def test_token_signed_otherwise_fails(client, draft, reporter, sign):
    """The right payload signed with another salt or key is refused."""
    client.force_login(reporter)
    link = share(client, draft)
    client.logout()
    token = sign({"a": draft.pk, "s": link.secret})
    assert (
        client.get(reverse("articles:shared_preview", kwargs={"token": token})).status_code == 404
    )


@pytest.mark.parametrize("token", ["x", "abc:def", "." * 40, "%00", "a" * 500])
def test_garbage_tokens_are_404(client, token):
    """Anything that is not a valid signed token is a 404."""
    response = client.get(reverse("articles:shared_preview", kwargs={"token": token}))
    assert response.status_code == 404


def test_share_link_stops_when_the_article_is_trashed(client, reporter):
    """Moving the article to the trash takes it out of every outsider's reach."""
    article = make_article(title="Bài sẽ xóa", status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    link = share(client, article)
    response = client.post(
        reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_deleted
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 404


def test_creating_a_link_needs_edit_permission(client, draft):
    """Another reporter cannot create a link to someone else's draft: 403, no row."""
    logged_in(client, "nguoi-khac", REPORTER)
    before = database_state()
    assert client.post(links_url(draft)).status_code == 403
    assert database_state() == before
    assert not PreviewLink.objects.exists()


def test_reporter_cannot_share_own_article_once_submitted(client, reporter):
    """Sharing needs the right to edit: a submitted article is out of the reporter's hands."""
    article = make_article(status=Article.Status.SUBMITTED, created_by=reporter)
    client.force_login(reporter)
    before = database_state()
    assert client.post(links_url(article)).status_code == 403
    assert database_state() == before


def test_creating_a_link_by_get_changes_nothing(client, draft, reporter):
    """A GET on the create address makes no link."""
    client.force_login(reporter)
    before = database_state()
    assert client.get(links_url(draft)).status_code in (403, 405)
    assert database_state() == before


def test_revoking_needs_edit_permission(client, draft, reporter):
    """Another reporter cannot revoke the owner's link: 403, the link still works."""
    client.force_login(reporter)
    link = share(client, draft)
    logged_in(client, "nguoi-khac", REPORTER)
    before = database_state()
    assert client.post(revoke_url(link)).status_code == 403
    assert database_state() == before
    client.logout()
    assert client.get(link.get_absolute_url()).status_code == 200


def test_link_cannot_be_revoked_through_another_article(client, reporter):
    """A link id under another article's address is a 404; the link stays usable."""
    article = make_article(title="Bài của tôi", status=Article.Status.DRAFT, created_by=reporter)
    other = make_article(title="Bài kia", status=Article.Status.DRAFT, created_by=reporter)
    client.force_login(reporter)
    link = share(client, article)
    url = reverse("admin:articles_article_revoke_preview_link", args=[other.pk, link.pk])
    before = database_state()
    assert client.post(url).status_code == 404
    assert database_state() == before


def test_managing_editor_shares_a_scheduled_article(client):
    """A scheduled (not yet due) article can be shown to a source before it goes live."""
    with time_machine.travel(T0, tick=False):
        article = make_article(title="Bài hẹn giờ", published_at=T0 + timedelta(days=1))
        logged_in(client, "thukytoasoan", MANAGING_EDITOR)
        link = share(client, article)
        client.logout()
        assert client.get(article.get_absolute_url()).status_code == 404
        assert_is_a_preview(client.get(link.get_absolute_url()), "Bài hẹn giờ")
    assert ArticleEvent.objects.filter(article=article, action="preview_link").count() == 1


def test_share_link_stops_working_after_takedown(client):
    """Once an article is taken down (gỡ bài), links shared earlier show nothing."""
    from articles.models import PreviewLink
    from tests.factories import EDITOR_IN_CHIEF, make_article, make_user

    chief = make_user("tongbientap_gb", EDITOR_IN_CHIEF)
    article = make_article(title="Bài sắp bị gỡ", created_by=chief)
    link = PreviewLink.objects.create(article=article, created_by=chief)
    # While published the link leads to the readers' page.
    assert client.get(link.get_absolute_url())["Location"] == article.get_absolute_url()
    services.transition_article(article, "take_down", by=chief, reason="Thông tin sai")
    response = client.get(link.get_absolute_url())
    assert response.status_code == 404
    assert "Bài sắp bị gỡ" not in response.content.decode()
