"""Login throttling (django-axes), idle staff sessions and where a login lands
(newsroom/login_throttle.py)."""

import re

import pytest
import time_machine
from axes.handlers.proxy import AxesProxyHandler
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from newsroom.login_throttle import SESSION_SEEN_KEY
from tests.factories import EDITOR, make_article, make_user

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PASSWORD = "mat-khau-thu-nghiem-123"
LOCKED = "Đăng nhập sai quá nhiều lần, nên tạm thời bị khóa. Hãy thử lại sau 15 phút."
WRONG = "Tên đăng nhập hoặc mật khẩu không đúng"  # the admin's message (our catalogue)


@pytest.fixture(
    params=["axes.handlers.database.AxesDatabaseHandler", "axes.handlers.cache.AxesCacheHandler"]
)
def handler(request, settings):
    """Both ways of keeping the counters: the database (no Redis) and the cache (Redis in
    production; here a local-memory cache of its own, whose expiry follows the test's
    travels in time, even when REDIS_URL is set)."""
    settings.AXES_HANDLER = request.param
    settings.CACHES = {
        **settings.CACHES,
        "axes": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "axes"},
    }
    settings.AXES_CACHE = "axes"
    AxesProxyHandler.get_implementation(force=True)
    yield request.param
    caches["axes"].clear()
    AxesProxyHandler.implementation = None


@pytest.fixture
def editor():
    return make_user("bientapvien", EDITOR)


def attempt(client, username, password="sai-mat-khau", ip="203.0.113.5", **extra):
    return client.post(
        LOGIN,
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **extra,
    )


def page_text(response):
    """The page without its per-request parts (CSRF token), for comparing answers."""
    html = response.content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def test_after_five_failures_the_user_is_locked_even_with_the_right_password(
    client, editor, handler
):
    for number in range(4):
        response = attempt(client, "bientapvien", ip=f"198.51.100.{number}")
        assert response.status_code == 200 and WRONG in response.content.decode()
    fifth = attempt(client, "bientapvien", ip="198.51.100.9")
    assert fifth.status_code == 429
    assert LOCKED in fifth.content.decode()
    assert '<form action="/admin/login/" method="post" id="login-form">' in fifth.content.decode()
    right = attempt(client, "bientapvien", PASSWORD, ip="198.51.100.10")
    assert right.status_code == 429 and "_auth_user_id" not in client.session


def test_the_lock_lifts_after_the_wait(client, editor, handler):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            attempt(client, "bientapvien")
        assert attempt(client, "bientapvien", PASSWORD).status_code == 429
    with time_machine.travel(start + timezone.timedelta(minutes=16), tick=False):
        response = attempt(client, "bientapvien", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"


def test_one_address_trying_many_names_is_locked(client, editor, handler):
    for number in range(5):
        attempt(client, f"ten-doan-{number}", ip="203.0.113.77")
    response = attempt(client, "bientapvien", PASSWORD, ip="203.0.113.77")
    assert response.status_code == 429
    # Another address is not affected, nor is the user there.
    elsewhere = attempt(client, "bientapvien", PASSWORD, ip="203.0.113.78")
    assert elsewhere.status_code == 302


def test_unknown_and_real_user_names_are_answered_alike(client, editor, handler):
    """No enumeration: the same page for a wrong password and an unknown name, and the
    same lockout after the same number of tries."""
    real, unknown = [], []
    for number in range(5):
        real.append(attempt(client, "bientapvien", ip=f"192.0.2.{number}"))
        unknown.append(attempt(client, "khong-ton-tai", ip=f"192.0.2.{number + 100}"))
    for ours, theirs in zip(real, unknown, strict=True):
        assert ours.status_code == theirs.status_code
        assert page_text(ours).replace("bientapvien", "X") == page_text(theirs).replace(
            "khong-ton-tai", "X"
        )
    assert real[-1].status_code == 429


def test_the_test_clients_login_helpers_still_work(client, editor, handler):
    """force_login and login() (no request, so no address to throttle)."""
    assert client.login(username="bientapvien", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    client.logout()
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200


def test_the_limits_are_settings(client, editor, handler, settings):
    settings.AXES_FAILURE_LIMIT = 2
    attempt(client, "bientapvien")
    assert attempt(client, "bientapvien").status_code == 429


# -- where a login lands ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("next_url", "lands"),
    [
        ("", "/admin/"),
        ("https://ke-xau.example/", "/admin/"),
        ("//ke-xau.example/", "/admin/"),
        ("/admin/articles/article/", "/admin/articles/article/"),
    ],
)
def test_a_refused_or_missing_next_lands_on_the_admin_home(client, editor, next_url, lands):
    data = {"username": "bientapvien", "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(LOGIN + (f"?next={next_url}" if next_url else ""), data)
    assert response.status_code == 302
    assert response["Location"] == lands


# -- idle sessions ------------------------------------------------------------------------


def test_an_idle_staff_session_is_logged_out(client, editor, settings):
    settings.SESSION_IDLE_SECONDS = 8 * 3600
    start = timezone.now()
    client.force_login(editor)
    with time_machine.travel(start, tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timezone.timedelta(hours=7, minutes=59), tick=False):
        assert client.get("/admin/").status_code == 200  # still active: the clock restarts
    with time_machine.travel(start + timezone.timedelta(hours=15, minutes=58), tick=False):
        assert client.get("/admin/").status_code == 200
    with time_machine.travel(start + timezone.timedelta(hours=24), tick=False):
        response = client.get("/admin/articles/article/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/admin/articles/article/")
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "Phiên làm việc đã hết hạn vì lâu không thao tác. Hãy đăng nhập lại." in page


def test_activity_is_written_at_most_once_a_minute(client, editor):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(editor)  # active from the login
        first = client.session[SESSION_SEEN_KEY]
        client.get("/admin/")
        assert client.session[SESSION_SEEN_KEY] == first
    with time_machine.travel(start + timezone.timedelta(seconds=30), tick=False):
        client.get("/admin/")
        assert client.session[SESSION_SEEN_KEY] == first
    with time_machine.travel(start + timezone.timedelta(seconds=61), tick=False):
        client.get("/admin/")
        assert client.session[SESSION_SEEN_KEY] == first + 61


def test_readers_still_get_no_cookie(client):
    article = make_article()
    for url in ("/", article.get_absolute_url(), "/tim-kiem/?q=gia"):
        response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies, url
        assert "Cookie" not in response.get("Vary", ""), url


def test_public_pages_do_not_read_a_staff_session(client, editor, settings):
    """The idle check runs in the newsroom's areas only: a public page stays one copy
    for everyone, and an idle session is ended at its next admin request."""
    settings.SESSION_IDLE_SECONDS = 60
    article = make_article()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(editor)
    with time_machine.travel(start + timezone.timedelta(hours=1), tick=False):
        response = client.get(article.get_absolute_url())
        assert "Cookie" not in response.get("Vary", "")
        assert "_auth_user_id" in client.session
        assert client.get("/admin/").status_code == 302
        assert "_auth_user_id" not in client.session


def test_the_editors_presence_heartbeat_is_not_activity(client, settings):
    """An article left open in a tab sends a heartbeat every few seconds: that alone
    does not keep the session alive."""
    settings.SESSION_IDLE_SECONDS = 3600
    editor = make_user("bientapvien2", EDITOR)
    article = make_article(status="submitted")
    presence = reverse("admin:articles_article_presence", args=[article.pk])
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(editor)
    for minutes in (20, 40, 59):
        with time_machine.travel(start + timezone.timedelta(minutes=minutes), tick=False):
            assert client.post(presence).status_code == 200
    with time_machine.travel(start + timezone.timedelta(minutes=61), tick=False):
        assert client.post(presence).status_code == 302  # logged out: to the login page
    assert "_auth_user_id" not in client.session
