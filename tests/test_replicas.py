"""Read replicas: public reads use a replica; writes, the admin and a browser that
just wrote use the primary. Tested with two real PostgreSQL databases (the "replica"
deliberately holds different rows, so every answer shows which database served it)."""

import contextvars
import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
import pytest
from django.test import RequestFactory

from newsroom import db_router

ROOT = Path(__file__).resolve().parent.parent

# Runs in a subprocess against the two databases; prints one JSON line.
SCENARIO = r"""
import json, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from articles.models import Article, Category

for alias, title in (("default", "Chỉ có ở bản chính"), ("replica_1", "Chỉ có ở bản sao")):
    section = Category.objects.using(alias).create(name="Thời sự", slug="thoi-su")
    Article.objects.using(alias).create(
        title=title, category=section, status="published",
        published_at=timezone.now() - timezone.timedelta(hours=1),
    )
User = get_user_model()
root = User.objects.create_superuser("admin", "a@example.vn", "mat-khau-rat-dai-123")
reader, editor = Client(), Client()
editor.force_login(root)
out = {}
out["public"] = reader.get("/").content.decode()
out["admin"] = editor.get("/admin/articles/article/").content.decode()
# A write (a saved correction of the masthead) pins this browser to the primary.
response = editor.post("/admin/articles/sitesettings/add/", {"site_name": "Báo thử"})
out["pin_cookie"] = "toasoan_primary" in response.cookies
out["after_write"] = editor.get("/").content.decode()
print(json.dumps({
    "public_from_replica": "Chỉ có ở bản sao" in out["public"]
        and "Chỉ có ở bản chính" not in out["public"],
    "admin_from_primary": "Chỉ có ở bản chính" in out["admin"]
        and "Chỉ có ở bản sao" not in out["admin"],
    "pin_cookie": out["pin_cookie"],
    "after_write_from_primary": "Chỉ có ở bản chính" in out["after_write"],
}))
"""


def _admin_connection(url):
    parts = urlsplit(url)
    connection = psycopg2.connect(
        host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
        dbname="postgres",
    )  # fmt: skip
    connection.autocommit = True
    return connection


@pytest.fixture
def two_databases(postgres_only):
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    names = ["toasoan_router_primary", "toasoan_router_replica"]
    admin = _admin_connection(base + "/postgres")
    with admin.cursor() as cursor:
        for name in names:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    urls = [f"{base}/{name}" for name in names]
    try:
        for url in urls:
            subprocess.run(
                [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                cwd=ROOT, env={**os.environ, "DATABASE_URL": url}, check=True,
            )  # fmt: skip
        yield urls
    finally:
        with admin.cursor() as cursor:
            for name in names:
                cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def test_reads_and_writes_go_where_they_should(two_databases):
    primary, replica = two_databases
    env = {
        **os.environ,
        "DATABASE_URL": primary,
        "DATABASE_REPLICA_URLS": replica,
        "PAGE_CACHE_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
    }
    result = subprocess.run(
        [sys.executable, "-c", SCENARIO], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {
        "public_from_replica": True,
        "admin_from_primary": True,
        "pin_cookie": True,
        "after_write_from_primary": True,
    }


# -- the decisions, without databases ----------------------------------------------------


@pytest.fixture
def one_replica(monkeypatch):
    monkeypatch.setattr(db_router, "replicas", lambda: ["replica_1"])


def _database_read_during(request):
    seen = {}

    def view(request):
        seen["read"] = db_router.PrimaryReplicaRouter().db_for_read(None)
        from django.http import HttpResponse

        return HttpResponse()

    response = db_router.PrimaryPinMiddleware(view)(request)
    return seen["read"], response


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("get", "/", {}, "replica_1"),
        ("get", "/thoi-su/", {}, "replica_1"),
        ("get", "/admin/", {}, "default"),
        ("get", "/quan-tri/thu-vien-anh/", {}, "default"),
        ("post", "/", {}, "default"),
        ("get", "/", {db_router.PIN_COOKIE: "1"}, "default"),
    ],
)
def test_where_reads_go(one_replica, method, path, cookies, expected):
    request = getattr(RequestFactory(), method)(path)
    request.COOKIES.update(cookies)
    assert _database_read_during(request)[0] == expected


def test_a_write_pins_the_rest_of_the_request(one_replica):
    router = db_router.PrimaryReplicaRouter()
    seen = []

    def view(request):
        seen.append(router.db_for_read(None))
        router.db_for_write(None)
        seen.append(router.db_for_read(None))
        from django.http import HttpResponse

        return HttpResponse()

    def outside_any_request():
        db_router._pinned.set(False)
        db_router.PrimaryPinMiddleware(view)(RequestFactory().get("/"))
        return router.db_for_read(None)

    after = contextvars.copy_context().run(outside_any_request)
    assert seen == ["replica_1", "default"]
    assert after == "replica_1"  # the pin ended with the request


def test_without_replicas_everything_uses_the_primary():
    assert db_router.PrimaryReplicaRouter().db_for_read(None) == "default"
