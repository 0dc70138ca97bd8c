"""Who may open and do what: every role × every route × an article (and its photos) in
every state, each cell's answer derived from a small table of rules written from the
newsroom's policy (not from the code's outputs).

Roles: anonymous, a staff account with no permission, reporter A (who wrote the article
and uploaded its lead photo), reporter B (a colleague; she uploaded a second photo the
desk put in A's article), section editor, managing editor, editor-in-chief, superuser.

States: draft, submitted, returned, approved (waiting for publication), scheduled,
published, taken down, trashed (taken down, then put in the trash).

Every cell also checks that nothing of an article the role may not see leaks: its title
and slug are absent from the answer's body and Location, whatever the status (404 pages,
redirects, <title>, refusal messages and JSON included), and on admin redirects the page
they lead to (with its message) too.

Cells (see test_cell_count): 8 roles × 23 article routes × 8 states = 1,472, plus
8 roles × 9 photo routes × 2 photos × 8 states = 1,152, plus 8 roles × 5 pages without
an object = 40, plus 8 roles × 5 account routes × 3 accounts = 120; 2,784 in all.
"""

import json
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import revisions
from articles.models import Article, Photo, PreviewLink
from tests.factories import (
    EDITOR,
    EDITOR_IN_CHIEF,
    MANAGING_EDITOR,
    REPORTER,
    article_form_data,
    image_upload,
    make_article,
    make_author,
    make_category,
    make_photo,
    make_user,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "bare_staff",
    "reporter_a",
    "reporter_b",
    "section_editor",
    "managing_editor",
    "chief",
    "superuser",
]
STATES = [
    "draft",
    "submitted",
    "returned",
    "approved",
    "scheduled",
    "published",
    "taken_down",
    "trashed",
]

# -- the rules (the newsroom's policy, as the issue and the role descriptions state it) --

EDITORS_UP = {"section_editor", "managing_editor", "chief", "superuser"}
# The permissions beyond editing that each role holds.
POWERS = {
    "section_editor": {"review"},
    "managing_editor": {"review", "publish"},
    "chief": {"review", "publish", "takedown"},
    "superuser": {"review", "publish", "takedown"},
}
# The next step of the chain from each state, and the power it needs (None: the right to
# edit the article is enough).
NEXT_STEP = {
    "draft": ("submit", None),
    "submitted": ("forward", "review"),
    "returned": ("submit", None),
    "approved": ("publish", "publish"),
    "scheduled": ("unpublish", "publish"),
    "published": ("take_down", "takedown"),
    "taken_down": ("reinstate", "takedown"),
    "trashed": ("reinstate", "takedown"),
}
LIVE = {"published", "scheduled"}  # readers see it, or are about to


def is_public(state):
    return state == "published"


def sees_article(role, state):
    """Editors and above open every article; a reporter only her own."""
    return role in EDITORS_UP or role == "reporter_a"


def edits_article(role, state):
    """Reporter: her drafts and returned articles. Section editor: articles in review.
    Managing editor: anything out of the trash. Editor-in-chief (and superuser): all."""
    if role in {"chief", "superuser"}:
        return True
    if role == "managing_editor":
        return state != "trashed"
    if role == "section_editor":
        return state in {"submitted", "approved"}
    return role == "reporter_a" and state in {"draft", "returned"}


def deletes_article(role, state):
    """To the trash: who may edit it, never while readers see it (take it down first)."""
    return edits_article(role, state) and state not in LIVE


def moves_article(role, state):
    step, power = NEXT_STEP[state]
    if state == "trashed" or not edits_article(role, state):
        return False
    return power is None or power in POWERS.get(role, set())


def publishes_in_bulk(role, state):
    """The list's "publish" action: whoever may edit the article and publish, on an
    article in review (submitted or approved)."""
    allowed = edits_article(role, state) and "publish" in POWERS.get(role, set())
    return allowed and state in {"submitted", "approved"}


def trashes_in_bulk(role, state):
    """The list's "to the trash" action: as deleting; the list shows no trashed article
    unless asked, so one already in the trash is left alone."""
    return deletes_article(role, state) and state != "trashed"


def revokes_link(role, state):
    """The link's creator (reporter A) and the editors, in any state."""
    return sees_article(role, state)


def sees_photo(role, photo, state):
    """Editors see the whole library; a reporter her uploads, the photos of published
    articles and those of her own articles (out of the trash)."""
    if role in EDITORS_UP:
        return True
    if role == "reporter_a":
        return photo == "a" or state != "trashed"
    if role == "reporter_b":
        return photo == "b" or is_public(state)
    return False


def edits_photo(role, photo, state):
    """Own uploads (editors: any photo); a photo on a live article only with the right to
    publish."""
    mine = (role, photo) in {("reporter_a", "a"), ("reporter_b", "b")}
    if not sees_photo(role, photo, state) or not (mine or role in EDITORS_UP):
        return False
    return state not in LIVE or "publish" in POWERS.get(role, set())


def deletes_photo(role, photo, state):
    """The editor-in-chief's, and never a photo a live article shows."""
    return role in {"chief", "superuser"} and state not in LIVE


# -- the world each test starts from --


@pytest.fixture
def world():
    users = {
        "bare_staff": make_user("nhanvien", None),
        "reporter_a": make_user("phongvien-a", REPORTER),
        "reporter_b": make_user("phongvien-b", REPORTER),
        "section_editor": make_user("bientapvien", EDITOR),
        "managing_editor": make_user("thukytoasoan", MANAGING_EDITOR),
        "chief": make_user("tongbientap", EDITOR_IN_CHIEF),
        "superuser": make_user("quantri", None, is_superuser=True),
    }
    owner, colleague = users["reporter_a"], users["reporter_b"]
    category, author = make_category(), make_author("Minh Thư")
    now = timezone.now()
    past = now - timedelta(hours=3)
    fields = {
        "draft": {"status": Article.Status.DRAFT},
        "submitted": {"status": Article.Status.SUBMITTED},
        "returned": {"status": Article.Status.RETURNED},
        "approved": {"status": Article.Status.EDITED},
        "scheduled": {"published_at": now + timedelta(days=1)},
        "published": {"published_at": past},
        "taken_down": {"status": Article.Status.TAKEN_DOWN, "published_at": past},
        "trashed": {"status": Article.Status.TAKEN_DOWN, "published_at": past, "deleted_at": now},
    }
    articles, photos, links = {}, {}, {}
    for number, state in enumerate(STATES):
        photo_a = make_photo(caption=f"Ảnh của A {state}", uploaded_by=owner)
        photo_b = make_photo(caption=f"Ảnh của B {state}", uploaded_by=colleague)
        article = make_article(
            title=f"Tin mật {state} quyxet{number}",
            category=category,
            authors=[author],
            photos=[photo_b],
            lead_photo=photo_a,
            created_by=owner,
            **fields[state],
        )
        revisions.record_revision(article, user=owner)
        Article.objects.filter(pk=article.pk).update(sapo="Sapo đã sửa.")
        article.refresh_from_db()
        revisions.record_revision(article, user=owner)
        articles[state] = article
        photos[state] = {"a": photo_a, "b": photo_b}
        links[state] = PreviewLink.objects.create(article=article, created_by=owner)
    return {"users": users, "articles": articles, "photos": photos, "links": links}


def client_for(role, world):
    client = Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


# -- what counts as "allowed" and "refused" on the wire --


def _admin_redirect(response):
    """The admin's answers for "not for you": to the login page, or to the admin home
    with "does not exist"."""
    location = response.get("Location", "")
    return response.status_code == 302 and (
        location.startswith("/admin/login/") or location.rstrip("/") == "/admin"
    )


def refused(response):
    if response.status_code in (403, 404, 405):
        return True
    if _admin_redirect(response):
        return True
    if response.status_code == 200 and response.get("Content-Type", "").startswith(
        "application/json"
    ):
        return False
    return False


def _body(response):
    return response.content.decode("utf-8", "replace")


def leaks(response, client, secrets):
    """The secrets (title, slug …) found in the answer, its Location, and the admin page a
    redirect to the admin home leads to."""
    texts = [_body(response), response.get("Location", "")]
    if response.get("Content-Type", "").startswith("application/json"):
        texts.append(json.dumps(response.json(), ensure_ascii=False))  # "\u1eadt" read
    location = response.get("Location", "")
    if response.status_code == 302 and location.startswith("/admin/") and "login" not in location:
        texts.append(_body(client.get(location)))  # the page with the messages
    return [secret for secret in secrets for text in texts if secret in text]


# -- the article routes: (method, url, data) for a cell, and its expected rule --


def _change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def _form(article, **overrides):
    return article_form_data(article, tag_names="", workflow_reason="Lý do kiểm thử", **overrides)


ARTICLE_ROUTES = {
    # name: (rule, request builder (world, state) -> (method, url, data), effect check)
    "change_get": (sees_article, lambda w, s: ("get", _change_url(w["articles"][s]), {})),
    "change_post": (
        edits_article,
        lambda w, s: (
            "post",
            _change_url(w["articles"][s]),
            _form(w["articles"][s], title="Tiêu đề đã bị sửa"),
        ),
    ),
    "transition": (
        moves_article,
        lambda w, s: (
            "post",
            _change_url(w["articles"][s]),
            _form(w["articles"][s], _transition=NEXT_STEP[s][0]),
        ),
    ),
    "delete_get": (
        deletes_article,
        lambda w, s: (
            "get",
            reverse("admin:articles_article_delete", args=[w["articles"][s].pk]),
            {},
        ),
    ),
    "delete_post": (
        deletes_article,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_delete", args=[w["articles"][s].pk]),
            {"post": "yes"},
        ),
    ),
    "bulk_trash": (
        trashes_in_bulk,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_changelist"),
            {"action": "trash_selected", "_selected_action": [w["articles"][s].pk], "index": "0"},
        ),
    ),
    "bulk_publish": (
        publishes_in_bulk,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_changelist"),
            {"action": "publish_selected", "_selected_action": [w["articles"][s].pk], "index": "0"},
        ),
    ),
    "history": (
        sees_article,
        lambda w, s: (
            "get",
            reverse("admin:articles_article_history", args=[w["articles"][s].pk]),
            {},
        ),
    ),
    "compare": (
        sees_article,
        lambda w, s: (
            "get",
            reverse("admin:articles_article_compare", args=[w["articles"][s].pk]),
            {"a": 1, "b": 2},
        ),
    ),
    "restore": (
        edits_article,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_restore", args=[w["articles"][s].pk, 1]),
            {},
        ),
    ),
    "preview": (
        sees_article,
        lambda w, s: (
            "get",
            reverse("admin:articles_article_preview", args=[w["articles"][s].pk]),
            {},
        ),
    ),
    "preview_revision": (
        sees_article,
        lambda w, s: (
            "get",
            reverse("admin:articles_article_preview", args=[w["articles"][s].pk]),
            {"revision": 1},
        ),
    ),
    "autosave": (
        edits_article,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_autosave"),
            {"key": str(w["articles"][s].pk), "content": '{"title": "x"}'},
        ),
    ),
    "presence": (
        edits_article,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_presence", args=[w["articles"][s].pk]),
            {},
        ),
    ),
    "presence_leaving": (
        sees_article,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_presence", args=[w["articles"][s].pk]),
            {"leaving": "1"},
        ),
    ),
    "share_link_create": (
        edits_article,
        lambda w, s: (
            "post",
            reverse("admin:articles_article_preview_link", args=[w["articles"][s].pk]),
            {},
        ),
    ),
    "share_link_revoke": (
        revokes_link,
        lambda w, s: (
            "post",
            reverse(
                "admin:articles_article_revoke_preview_link",
                args=[w["articles"][s].pk, w["links"][s].pk],
            ),
            {},
        ),
    ),
    "slug_preview": (
        # Not about the article: the role's right to write articles at all.
        lambda role, state: role not in {"anonymous", "bare_staff"},
        lambda w, s: ("get", reverse("admin:articles_article_slug_preview"), {"text": "Đà Nẵng"}),
    ),
    "changelist_row": (
        sees_article,
        lambda w, s: (
            "get",
            reverse("admin:articles_article_changelist"),
            {"q": str(w["articles"][s].pk), **({"thung_rac": "1"} if s == "trashed" else {})},
        ),
    ),
    "shortcut": (
        # Staff only; and only what readers may see already.
        lambda role, state: role != "anonymous" and is_public(state),
        lambda w, s: (
            "get",
            "/admin/r/{}/{}/".format(
                ContentType.objects.get_for_model(Article).pk, w["articles"][s].pk
            ),
            {},
        ),
    ),
    "public_article": (
        lambda role, state: is_public(state),
        lambda w, s: ("get", w["articles"][s].get_absolute_url(), {}),
    ),
    "public_preview_link": (
        # The secret link shows the draft to anyone, until published (then it leads to
        # the public page) or taken down / trashed (gone).
        lambda role, state: state not in {"taken_down", "trashed"},
        lambda w, s: ("get", w["links"][s].get_absolute_url(), {}),
    ),
    "shortcut_preview_link": (
        # A preview link's own address is never handed out by the shortcut.
        lambda role, state: False,
        lambda w, s: (
            "get",
            "/admin/r/{}/{}/".format(
                ContentType.objects.get_for_model(PreviewLink).pk, w["links"][s].pk
            ),
            {},
        ),
    ),
}


def _request(client, method, url, data):
    return getattr(client, method)(url, data)


def _article_now(article):
    return (
        Article.objects.filter(pk=article.pk)
        .values("title", "status", "deleted_at", "version")
        .first()
    )


def _allowed_answer(route, response, world, state):
    """Whether `response` is the allowed outcome of `route` (not only "not refused")."""
    status = response.status_code
    article = world["articles"][state]
    if route == "changelist_row":
        return status == 200 and f'href="{_change_url(article)}' in _body(response)
    if route == "shortcut":
        return status == 302 and response["Location"] == article.get_absolute_url()
    if route == "public_preview_link" and is_public(state):
        return status == 302 and response["Location"] == article.get_absolute_url()
    if route.startswith("bulk_"):
        return status in (200, 302) and not _admin_redirect(response)
    if route in {
        "change_post",
        "transition",
        "delete_post",
        "restore",
        "share_link_create",
        "share_link_revoke",
    }:
        return status == 302 and not _admin_redirect(response)
    return status == 200


def _changed(route, before, after):
    """Whether a POST route changed the article (None: not a route with such an effect)."""
    if route == "change_post":
        return before["title"] != after["title"]
    if route == "transition":
        return before["status"] != after["status"]
    if route in {"delete_post", "bulk_trash"}:
        return before["deleted_at"] != after["deleted_at"]
    if route == "bulk_publish":
        return before["status"] != after["status"]
    return None


@pytest.mark.parametrize("route", list(ARTICLE_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_article_routes(world, role, route):
    rule, build, *_ = ARTICLE_ROUTES[route]
    client = client_for(role, world)
    wrong = []
    for state in STATES:
        article = world["articles"][state]
        method, url, data = build(world, state)
        before = _article_now(article)
        response = _request(client, method, url, data)
        expected = rule(role, state)
        if expected and not _allowed_answer(route, response, world, state):
            wrong.append(
                f"{state}: expected allowed, got {response.status_code} "
                f"{response.get('Location', '')} {_body(response)[:200]!r}"
            )
        if not expected:
            if route == "changelist_row":
                if _allowed_answer(route, response, world, state):
                    wrong.append(f"{state}: the row is listed")
            elif not refused(response) and not (
                # The form shown again with the refusal, or the list with a refusal
                # message (the effect check below says whether anything changed).
                (route == "transition" and response.status_code == 200)
                or (route.startswith("bulk_") and response.status_code in (200, 302))
            ):
                wrong.append(f"{state}: expected refused, got {response.status_code}")
        changed = _changed(route, before, _article_now(article))
        if changed is not None and changed != expected:
            wrong.append(f"{state}: {'changed' if changed else 'unchanged'} against the rule")
        if not (sees_article(role, state) or is_public(state)):
            secrets = [article.title, article.slug]
            if route == "public_preview_link":
                secrets = []  # the link's whole point is to show the draft to its holder
            found = leaks(response, client, secrets)
            if found:
                wrong.append(f"{state}: leaks {found} ({response.status_code})")
    assert not wrong, f"{role} × {route}:\n" + "\n".join(wrong)


# -- the photo routes, for A's lead photo ("a") and B's photo in A's article ("b") --


def _photo_data(photo, **overrides):
    data = {
        "caption": photo.caption,
        "credit": photo.credit,
        "alt_text": photo.alt_text,
        "taken_at": "",
        "focal_x": str(photo.focal_x),
        "focal_y": str(photo.focal_y),
    }
    data.update(overrides)
    return data


PHOTO_ROUTES = {
    "photo_change_get": (
        sees_photo,
        lambda p: ("get", reverse("admin:articles_photo_change", args=[p.pk]), {}),
    ),
    "photo_change_post": (
        edits_photo,
        lambda p: (
            "post",
            reverse("admin:articles_photo_change", args=[p.pk]),
            _photo_data(p, caption="Chú thích bị đổi"),
        ),
    ),
    "photo_focal_point": (
        edits_photo,
        lambda p: (
            "post",
            reverse("admin:articles_photo_change", args=[p.pk]),
            _photo_data(p, focal_x="0.25", focal_y="0.75"),
        ),
    ),
    "photo_delete_get": (
        deletes_photo,
        lambda p: ("get", reverse("admin:articles_photo_delete", args=[p.pk]), {}),
    ),
    "photo_changelist_row": (
        sees_photo,
        lambda p: ("get", reverse("admin:articles_photo_changelist"), {"q": p.caption}),
    ),
    "desk_photo_info": (
        sees_photo,
        lambda p: ("get", reverse("admin:articles_article_photo_info", args=[p.pk]), {}),
    ),
    "editor_photo_lookup": (
        sees_photo,
        lambda p: ("get", reverse("articles:editor_photo_lookup"), {"src": p.image.url}),
    ),
    "editor_photo_save": (
        edits_photo,
        lambda p: (
            "post",
            reverse("articles:editor_photo", args=[p.pk]),
            {"caption": "Chú thích bị đổi", "credit": "Ảnh: X", "alt_text": ""},
        ),
    ),
    "editor_browse_row": (
        sees_photo,
        lambda p: (
            "get",
            reverse("articles:editor_browse"),
            {"CKEditorFuncNum": "1", "q": p.caption},
        ),
    ),
}


def _photo_now(photo):
    return Photo.objects.filter(pk=photo.pk).values("caption", "focal_x").first()


def _photo_allowed_answer(route, response, photo):
    status = response.status_code
    if route in {"photo_changelist_row", "editor_browse_row"}:
        return (
            status == 200
            and photo.image.url.rsplit("/", 1)[-1] in _body(response)
            or (status == 200 and f"/{photo.pk}/change/" in _body(response))
        )
    if route in {"photo_change_post", "photo_focal_point"}:
        return status == 302 and not _admin_redirect(response)
    return status == 200


@pytest.mark.parametrize("route", list(PHOTO_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_photo_routes(world, role, route):
    rule, build = PHOTO_ROUTES[route]
    client = client_for(role, world)
    wrong = []
    for state in STATES:
        article = world["articles"][state]
        for which in ("a", "b"):
            photo = world["photos"][state][which]
            method, url, data = build(photo)
            before = _photo_now(photo)
            response = _request(client, method, url, data)
            expected = rule(role, which, state)
            cell = f"{state}/{which}"
            allowed = _photo_allowed_answer(route, response, photo)
            if expected and not allowed:
                wrong.append(
                    f"{cell}: expected allowed, got {response.status_code} "
                    f"{_body(response)[:300]!r}"
                )
            if not expected:
                listed = route in {"photo_changelist_row", "editor_browse_row"}
                if (listed and allowed) or (not listed and not refused(response)):
                    wrong.append(f"{cell}: expected refused, got {response.status_code}")
            after = _photo_now(photo)
            if method == "post" and (before != after) != expected:
                wrong.append(f"{cell}: {'changed' if before != after else 'unchanged'}")
            if not (sees_article(role, state) or is_public(state)):
                found = leaks(response, client, [article.title, article.slug])
                if found:
                    wrong.append(f"{cell}: leaks {found} ({response.status_code})")
    assert not wrong, f"{role} × {route}:\n" + "\n".join(wrong)


# -- pages without an object: the lists, the add form, the editor's upload and browse --

WRITERS = {"reporter_a", "reporter_b"} | EDITORS_UP

ROLE_ROUTES = {
    "article_changelist": ("get", lambda: reverse("admin:articles_article_changelist"), {}),
    "article_add": ("get", lambda: reverse("admin:articles_article_add"), {}),
    "photo_add": ("get", lambda: reverse("admin:articles_photo_add"), {}),
    "editor_upload": (
        "post",
        lambda: reverse("articles:editor_upload"),
        {"upload": None},  # a fresh image per request
    ),
    "editor_browse": ("get", lambda: reverse("articles:editor_browse"), {"CKEditorFuncNum": "1"}),
}


@pytest.mark.parametrize("route", list(ROLE_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_role_routes(world, role, route):
    method, url, data = ROLE_ROUTES[route]
    if "upload" in data:
        data = {"upload": image_upload()}
    before = Photo.objects.count()
    response = _request(client_for(role, world), method, url(), data)
    if role in WRITERS:
        assert response.status_code == 200, (role, route, _body(response)[:300])
    else:
        assert refused(response), (role, route, response.status_code)
    if route == "editor_upload":
        assert Photo.objects.count() == before + (role in WRITERS)
    # No list shows a title of an article the role may not see.
    if role in {"reporter_b", "bare_staff", "anonymous"}:
        for state in STATES:
            if not is_public(state):
                assert world["articles"][state].title not in _body(response), (role, state)


def test_cell_count():
    """The matrix's size, for the report (and so that it cannot shrink unnoticed)."""
    article_cells = len(ROLES) * len(ARTICLE_ROUTES) * len(STATES)
    photo_cells = len(ROLES) * len(PHOTO_ROUTES) * 2 * len(STATES)
    role_cells = len(ROLES) * len(ROLE_ROUTES)
    account_cells = len(ROLES) * len(ACCOUNT_ROUTES) * len(TARGETS)
    total = article_cells + photo_cells + role_cells + account_cells
    print(
        f"\nauthorisation: {article_cells} article + {photo_cells} photo + {role_cells} "
        f"per-role + {account_cells} account cells = {total}"
    )
    assert total >= 2500


# -- account management: each role against a reporter's, the chief's and the superuser's
# accounts (tests/security/test_accounts.py pins the section-1 fixes one by one) --

TARGETS = ["reporter_b", "chief", "superuser"]
NEW_PASSWORD = "mat-khau-moi-rat-dai-2026"


def manages_account(role, target):
    """The superuser manages every account; the editor-in-chief every account but the
    superuser's; nobody else manages accounts."""
    return role == "superuser" or (role == "chief" and target != "superuser")


def _account_data(user, **overrides):
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "is_staff": "on",
        "groups": [group.pk for group in user.groups.all()],
        "date_joined_0": "01/01/2026",
        "date_joined_1": "08:00:00",
        **overrides,
    }


ACCOUNT_ROUTES = {
    # name: (rule, request builder (target user) -> (method, url, data), effect on the row)
    "account_view": (
        lambda role, target: role in {"chief", "superuser"},  # chief: read-only at worst
        lambda u: ("get", reverse("admin:auth_user_change", args=[u.pk]), {}),
        None,
    ),
    "account_change": (
        manages_account,
        lambda u: ("post", reverse("admin:auth_user_change", args=[u.pk]),
                   _account_data(u, first_name="Đã đổi")),
        lambda user: user.first_name == "Đã đổi",
    ),
    "account_make_superuser": (
        lambda role, target: role == "superuser",
        lambda u: ("post", reverse("admin:auth_user_change", args=[u.pk]),
                   _account_data(u, is_superuser="on")),
        lambda user: user.is_superuser,
    ),
    "account_password": (
        manages_account,
        lambda u: ("post", reverse("admin:auth_user_password_change", args=[u.pk]),
                   {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                    "usable_password": "true"}),
        lambda user: user.check_password(NEW_PASSWORD),
    ),
    "account_delete_page": (
        lambda role, target: role == "superuser",
        lambda u: ("get", reverse("admin:auth_user_delete", args=[u.pk]), {}),
        None,
    ),
}  # fmt: skip


@pytest.mark.parametrize("route", list(ACCOUNT_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_account_routes(world, role, route):
    from django.contrib.auth import get_user_model

    rule, build, effect = ACCOUNT_ROUTES[route]
    client = client_for(role, world)
    wrong = []
    for target in TARGETS:
        user = world["users"][target]
        own = role == "superuser" and route == "account_password"
        if target == "superuser" and (own or route == "account_make_superuser"):
            continue  # her own password; a flag already set cannot show a change
        method, url, data = build(user)
        response = _request(client, method, url, data)
        expected = rule(role, target)
        if expected:
            ok = response.status_code == (302 if method == "post" else 200)
            if not ok:
                wrong.append(f"{target}: expected allowed, got {response.status_code}")
        elif response.status_code >= 500 or (effect is None and not refused(response)):
            # (A POST may also be "refused" by ignoring the field: the effect decides.)
            wrong.append(f"{target}: expected refused, got {response.status_code}")
        if effect is not None:
            changed = effect(get_user_model().objects.get(pk=user.pk))
            if changed != expected:
                wrong.append(f"{target}: {'changed' if changed else 'unchanged'} against the rule")
    assert not wrong, f"{role} × {route}:\n" + "\n".join(wrong)
