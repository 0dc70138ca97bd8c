"""Real processes for fault-injection tests: a throwaway PostgreSQL cluster, a Redis
server, the app under gunicorn, and an editor's browser speaking HTTP to it.

The shared PostgreSQL on 5432 and Redis on 6379 are never stopped: each test that
injects a fault starts its own server on a spare port and stops that one.
"""

import contextlib
import glob
import html.parser
import http.cookiejar
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import IN_CI

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "mat-khau-rat-dai-123"


def free_port(start):
    """The first port from `start` nobody listens on."""
    for port in range(start, start + 200):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


def _need(what, found):
    if found:
        return
    message = f"{what} not installed"
    if IN_CI:
        pytest.fail(f"{message}: required in CI (.ci/run installs it)")
    pytest.skip(message)


# -- PostgreSQL ---------------------------------------------------------------------------


def postgres_bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return found[-1] if found else shutil.which(name)


def _as_postgres_user(command):
    """initdb and the server refuse to run as root: drop to the `postgres` account."""
    if os.geteuid() != 0:
        return command
    return ["runuser", "-u", "postgres", "--", *command]


class ThrowawayPostgres:
    """A PostgreSQL cluster of our own in a temporary folder, on a spare port, that a
    test may stop and start as it likes (trust authentication, no fsync)."""

    def __init__(self):
        _need("PostgreSQL server binaries (initdb)", postgres_bin("initdb"))
        self.folder = Path(tempfile.mkdtemp(prefix="toasoan-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.data = self.folder / "data"
        self.port = free_port(55432)
        subprocess.run(
            _as_postgres_user([postgres_bin("initdb"), "-D", str(self.data), "-A", "trust",
                               "-U", "postgres", "-E", "UTF8", "--no-sync"]),
            check=True, capture_output=True,
        )  # fmt: skip
        self.start()

    def url(self, name):
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def _ctl(self, *args):
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        return subprocess.run(
            _as_postgres_user([postgres_bin("pg_ctl"), "-D", str(self.data), "-o", options,
                               "-l", str(self.folder / "log"), "-w", *args]),
            check=True, capture_output=True, timeout=60,
        )  # fmt: skip

    def start(self):
        self._ctl("start")

    def stop(self):
        """A fast shutdown: open connections are cut, as in a crash or a restart."""
        self._ctl("-m", "fast", "stop")

    def create_database(self, name, template=None):
        sql = f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")
        subprocess.run(
            [postgres_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql],
            check=True, capture_output=True,
        )  # fmt: skip

    def destroy(self):
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


# -- Redis -----------------------------------------------------------------------------------


class RedisProcess:
    """A redis-server of our own (no persistence) that a test can kill and restart."""

    def __init__(self, port=None):
        _need("redis-server", shutil.which("redis-server"))
        self.port = port or free_port(6390)
        self.process = None
        self.start()

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self):
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)

    def freeze(self):
        """Alive but silent (SIGSTOP): clients hang until their timeouts, data kept."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self):
        self.process.send_signal(signal.SIGCONT)

    def destroy(self):
        if self.process.poll() is None:
            self.thaw()
            self.kill()


# -- the app ---------------------------------------------------------------------------------


def app_environment(database_url, **extra):
    """Production-like settings (DEBUG off) for a server run by a test; see
    tests/production_settings.py for what differs (no collectstatic, plain HTTP)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.production_settings",
        "DEBUG": "0",
        "SECRET_KEY": "test-only-" + "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": database_url,
        "REDIS_URL": "",
        "PAGE_CACHE_STATE_FILE": "",
        **{name: str(value) for name, value in extra.items()},
    }


def manage(env, *args, timeout=600):
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True,
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


SEED = """
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from articles.models import Article, Author, Category, SiteSettings
SiteSettings.load()
news = Category.objects.create(name="Thời sự", slug="thoi-su")
economy = Category.objects.create(name="Kinh tế", slug="kinh-te")
author = Author.objects.create(display_name="Minh Thư")
for section, title in ((news, "Giá xăng giảm lần thứ ba"), (economy, "Xuất khẩu gạo tăng mạnh")):
    article = Article.objects.create(
        title=title, sapo="Tóm tắt bài.", body="<p>Nội dung bài.</p>", category=section,
        status="published", published_at=timezone.now() - timedelta(hours=1),
        first_published_at=timezone.now() - timedelta(hours=1),
    )
    article.bylines.add(author)
get_user_model().objects.create_superuser("tongbientap", "t@example.vn", "{password}")
print(Article.objects.get(title__startswith="Giá xăng").pk)
"""


def seed_site(env):
    """Two sections with a published article each, a byline and the superuser
    `tongbientap`; returns the id of the article in "Thời sự"."""
    seeded = manage(env, "shell", "--no-imports", "-c", SEED.replace("{password}", PASSWORD))
    return int(seeded.stdout.split()[-1])


class AppServer:
    """gunicorn serving the project with `env` on a spare port."""

    def __init__(self, env, workers=1, port_from=8201):
        self.port = free_port(port_from)
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - read while the server runs
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", f"127.0.0.1:{self.port}",
             "-w", str(workers), "--timeout", "60", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(300):
            if self.process.poll() is not None:
                pytest.fail("gunicorn exited:\n" + self.output()[-3000:])
            try:
                urllib.request.urlopen(self.base + "/robots.txt", timeout=1)  # noqa: S310
                return
            except urllib.error.HTTPError:
                return  # it answers
            except OSError:
                time.sleep(0.1)
        pytest.fail("gunicorn did not start:\n" + self.output()[-3000:])

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)


class Response:
    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self):
        return self.body.decode(errors="replace")


class Browser:
    """Cookies, CSRF tokens and the admin's forms, over plain HTTP (urllib)."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def request(self, path, data=None, headers=None, timeout=30):
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True).encode()
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Referer": self.base + path, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return Response(response.status, response.headers, response.read())
        except urllib.error.HTTPError as error:
            return Response(error.code, error.headers, error.read())

    def get(self, path, **kwargs):
        return self.request(path, **kwargs)

    def csrf_token(self):
        return next((c.value for c in self._cookies() if c.name == "csrftoken"), "")

    def _cookies(self):
        for handler in self.opener.handlers:
            if isinstance(handler, urllib.request.HTTPCookieProcessor):
                return list(handler.cookiejar)
        return []

    def login(self, username, password=PASSWORD):
        page = self.get("/admin/login/")
        fields = form_fields(page.text, "login-form")
        fields.update(username=username, password=password)
        response = self.request("/admin/login/?next=/admin/", fields)
        assert response.status == 200 and "logout" in response.text, response.text[:500]

    def submit(self, path, form_id, **changes):
        """GET the page, fill the form as a browser would (its current values), apply
        `changes`, POST it. Returns the response to the POST."""
        page = self.get(path)
        assert page.status == 200, f"{path}: {page.status}"
        fields = form_fields(page.text, form_id)
        fields.update(changes)
        return self.request(path, fields)


class _FormParser(html.parser.HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
            return
        if not self.inside or "name" not in attrs and tag != "option":
            return
        if tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            default = "on" if kind == "checkbox" else ""
            self.fields.append([attrs["name"], attrs.get("value", default)])
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
            self.fields.append(self._textarea)
        elif tag == "select":
            self._select = {"name": attrs["name"], "first": None, "chosen": False}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self.fields.append([self._select["name"], value])
                self._select["chosen"] = True

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            self._select = None


def form_fields(page, form_id):
    """{name: value} of the form with id `form_id` as the browser would send it
    (several values for one name become a list)."""
    parser = _FormParser(form_id)
    parser.feed(page)
    fields = {}
    for name, value in parser.fields:
        if name in fields:
            existing = fields[name]
            fields[name] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            fields[name] = value
    return fields
