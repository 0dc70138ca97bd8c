"""Several app servers: the app keeps no state of its own. Two gunicorn instances on
different ports share PostgreSQL and Redis; an editor publishes through one, and the
other serves the article — and a home page no longer cached without it — at once."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from articles.models import Article, SiteSettings
from tests.conftest import IN_CI
from tests.factories import article_form_data, make_article, make_author, make_category

ROOT = Path(__file__).resolve().parent.parent
REDIS_URL = "redis://127.0.0.1:6379/14"
PASSWORD = "mat-khau-rat-dai-123"

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def shared_redis():
    try:
        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
    except redis.RedisError:
        if IN_CI:
            pytest.fail("Redis is required in CI (127.0.0.1:6379)")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    client.flushdb()
    yield client
    client.flushdb()


@pytest.fixture
def two_servers(postgres_only, shared_redis, live_server):
    database = settings.DATABASES["default"]
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "REDIS_URL": REDIS_URL,
        "PAGE_CACHE_SECONDS": "60",
        "DEBUG": "1",
        "CONN_MAX_AGE": "0",
    }
    servers = []
    for _ in range(2):
        port = _free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", f"127.0.0.1:{port}",
             "-w", "1", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        servers.append((process, f"http://127.0.0.1:{port}"))
    try:
        for process, base in servers:
            _wait_until_up(process, base)
        yield [base for _process, base in servers]
    finally:
        for process, _base in servers:
            process.terminate()
            process.wait(10)


def _wait_until_up(process, base):
    for _ in range(200):
        if process.poll() is not None:
            pytest.fail(process.stderr.read().decode()[-2000:])
        try:
            urllib.request.urlopen(base + "/favicon.ico", timeout=1)  # noqa: S310 - local
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"gunicorn at {base} did not start")


def _get(url, opener=None):
    opener = opener or urllib.request.build_opener()
    with opener.open(url, timeout=10) as response:
        return response.headers, response.read().decode()


class Browser:
    """An editor's browser: cookies, the admin login form and CSRF tokens."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def csrf_from(self, path):
        _headers, html = _get(self.base + path, self.opener)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def post(self, path, data):
        token = self.csrf_from(path)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(
            self.base + path, data=body.encode(), headers={"Referer": self.base + path}
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()


def test_publish_on_one_server_is_seen_on_the_other(two_servers):
    first, second = two_servers
    chief = get_user_model().objects.create_superuser("tongbientap", "t@example.vn")
    # Hashed as the servers hash (the tests' own fast hasher is not in their list).
    chief.password = PBKDF2PasswordHasher().encode(PASSWORD, PBKDF2PasswordHasher().salt())
    chief.save()
    make_article("Bài đã có", category=make_category("Thời sự"))
    news = make_article(
        "Tin vừa xuất bản trên máy chủ thứ nhất",
        status=Article.Status.EDITED,
        authors=[make_author("Minh Thư")],  # publishing needs a byline
    )

    SiteSettings.load()  # the masthead row exists, as on any running site
    _get(second + "/")
    headers, html = _get(second + "/")
    assert headers["X-Page-Cache"] == "HIT"
    assert "Tin vừa xuất bản" not in html

    editor = Browser(first)
    editor.post("/admin/login/?next=/admin/", {"username": "tongbientap", "password": PASSWORD})
    data = {
        key: value
        for key, value in article_form_data(news, _transition="publish").items()
        if value is not None
    }
    status, _html = editor.post(f"/admin/articles/article/{news.pk}/change/", data)
    assert status == 200
    news.refresh_from_db()
    assert news.is_published

    headers, html = _get(second + "/")
    assert "Tin vừa xuất bản trên máy chủ thứ nhất" in html
    assert headers["X-Page-Cache"] == "MISS"
    headers, html = _get(second + news.get_absolute_url())
    assert "Tin vừa xuất bản trên máy chủ thứ nhất" in html
