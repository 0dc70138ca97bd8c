"""Hostile uploads against a real server process, with its memory watched.

A gunicorn worker (one process, four threads) serves the site from its own database (an
SQLite file migrated for this module: what is measured is the upload path, the same on
either database) and its own media folder. Through every upload path — the photo
library's add form, its change form (replacing the image), and CKEditor's upload
endpoint — a reporter sends a decompression bomb, PNG/ZIP and GIF/JS polyglots, SVG,
HTML, files with the wrong extension or type, truncated images, an oversized request,
and four big images at once. The worker's peak resident memory (VmHWM in
/proc/<pid>/status) must stay within a bound; nothing refused is stored; what is stored
is a clean re-encoded image; every refusal is in Vietnamese.

tests/test_upload_safety.py checks the same pipeline in-process (speed, metadata);
this module checks it end to end over HTTP, under the concurrency a newsroom has.
"""

import http.cookiejar
import io
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-thu-nghiem-123"
VIETNAMESE = re.compile(r"[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]")

# The worker's peak memory may grow by at most this much over its warmed-up peak while
# it refuses hostile files (bombs are refused from their header, never decoded; big
# requests are spooled to disk) …
HOSTILE_BOUND_MB = 150
# … and while it takes four 30-megapixel images at once (each decode is ~90 MB of pixels,
# and the renditions add their own: measured +430 to +690 MB here). Issue 7 §2 asks for a
# cap on parallel decodes per process; with it this bound can come down.
PARALLEL_BOUND_MB = 1000


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _manage(env, *args):
    subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
    )


class Server:
    """A running gunicorn with one worker; `peak_kb()` reads the worker's VmHWM."""

    def __init__(self, tmp):
        self.media = tmp / "media"
        self.env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp / 'uploads.sqlite3'}",
            "MEDIA_ROOT": str(self.media),
            "DEBUG": "1",
            "PAGE_CACHE_SECONDS": "0",
            "REDIS_URL": "",
        }
        _manage(self.env, "migrate", "-v0")
        _manage(
            self.env,
            "shell",
            "-c",
            "from django.contrib.auth.models import Group, User\n"
            f"u = User.objects.create_user('phongvien', password='{PASSWORD}', is_staff=True)\n"
            "u.groups.add(Group.objects.get(name='Phóng viên / Cộng tác viên'))",
        )
        self.base = f"http://127.0.0.1:{_free_port()}"
        self.log = tmp / "gunicorn.log"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "newsroom.wsgi", "-b", self.base[7:],
             "-w", "1", "--threads", "4", "--timeout", "120"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self.log.open("wb"),
        )  # fmt: skip
        for _ in range(300):
            if self.process.poll() is not None:
                pytest.fail(self.log.read_text()[-3000:])
            try:
                urllib.request.urlopen(self.base + "/favicon.ico", timeout=1)  # noqa: S310
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")

    def worker_pid(self):
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split()
        assert len(pids) == 1, pids
        return int(pids[0])

    def peak_kb(self):
        status = Path(f"/proc/{self.worker_pid()}/status").read_text()
        return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))

    def stored_files(self):
        return sorted(p for p in self.media.rglob("*") if p.is_file())

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Session:
    """A reporter's browser: cookies, the login form, CSRF tokens, multipart posts."""

    def __init__(self, base):
        self.base = base
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))
        token = self.csrf("/admin/login/")
        status, _headers, _body = self.post(
            "/admin/login/?next=/admin/",
            {"username": "phongvien", "password": PASSWORD, "csrfmiddlewaretoken": token},
        )
        assert status in (200, 302)
        assert any(cookie.name == "sessionid" for cookie in self.cookies), "login failed"

    def csrf(self, path):
        with self.opener.open(self.base + path, timeout=30) as response:
            html = response.read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def cookie(self, name):
        return next(cookie.value for cookie in self.cookies if cookie.name == name)

    def post(self, path, fields, files=(), *, raw=None, headers=None):
        """(status, headers, body text); a redirect is not followed."""
        if raw is None:
            boundary = uuid.uuid4().hex
            body = _multipart(boundary, fields, files)
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body, content_type = raw
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={
                "Content-Type": content_type,
                "Referer": self.base + path,
                "X-CSRFToken": self.cookie("csrftoken"),
                **(headers or {}),
            },  # fmt: skip
        )
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect
        )
        try:
            with opener.open(request, timeout=120) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode("utf-8", "replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _multipart(boundary, fields, files):
    lines = []
    for name, value in fields.items():
        lines.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for name, filename, content_type, content in files:
        lines.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {content_type}\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    lines.append(f"--{boundary}--\r\n".encode())
    return b"".join(lines)


# -- the hostile files --


def png(size=(64, 48), color=(200, 30, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg(size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 120, 200)).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue()


def big_png(size=(6000, 5000)):
    """30 megapixels (within the 40 MP limit) in a small file: a gradient."""
    image = Image.linear_gradient("L").resize(size).convert("RGB")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=1)
    return buffer.getvalue()


def png_bomb(width=50_000, height=50_000):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * (1 + width * 3) * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def png_zip_polyglot():
    """A valid PNG followed by a ZIP archive holding an HTML page."""
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.html", "<script>alert(1)</script>")
    return png() + archive.getvalue()


def gif_js_polyglot():
    """GIF89a whose header bytes are also JavaScript (`GIF89a/*…*/=alert(1)//`)."""
    width_height = b"/*" + b"\x0a\x00"  # width 0x2a2f, height 10: "/*" read as numbers
    return (
        b"GIF89a" + width_height + b"\x00\x00\x00*/=alert(document.domain)//;"
        + b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b"
    )  # fmt: skip


SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(1)</script></svg>"
)
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>"

# (name, filename, content type, content, accepted?)
CASES = [
    ("decompression bomb", "bom.png", "image/png", png_bomb(), False),
    ("bomb named jpg", "anh.jpg", "image/jpeg", png_bomb(60_000, 60_000), False),
    ("PNG/ZIP polyglot", "anh.png", "image/png", png_zip_polyglot(), True),
    ("GIF/JS polyglot", "anh.gif", "image/gif", gif_js_polyglot(), False),
    ("GIF/JS polyglot as .js", "x.js", "application/javascript", gif_js_polyglot(), False),
    ("SVG", "anh.svg", "image/svg+xml", SVG, False),
    ("SVG named png", "anh.png", "image/png", SVG, False),
    ("HTML named jpg", "anh.jpg", "image/jpeg", HTML, False),
    ("PNG named .html", "trang.html", "text/html", png(), False),
    # Content and name disagree: refused, saying how to fix it.
    ("PNG named .jpg", "anh.jpg", "image/jpeg", png(), False),
    # The browser's content type is not trusted either way: the content decides.
    ("JPEG sent as image/png", "anh.jpg", "image/png", jpeg(), True),
    ("JPEG sent as text/html", "anh.jpeg", "text/html", jpeg(), True),
    ("truncated JPEG", "anh.jpg", "image/jpeg", jpeg((640, 480))[:1500], False),
    ("truncated PNG", "anh.png", "image/png", png((640, 480), (1, 2, 3))[:200], False),
    ("empty file", "anh.jpg", "image/jpeg", b"", False),
    ("JPEG, no extension", "anh", "application/octet-stream", jpeg(), False),
]

PATHS = ["library_add", "library_change", "editor"]


def server_error(body):
    """The traceback of a 500 (the server runs with DEBUG on), else the body's start."""
    import html

    found = re.search(r'<textarea id="traceback_area"[^>]*>(.*?)</textarea>', body, re.S)
    return html.unescape(found.group(1))[-3000:] if found else body[:300]


def upload(session, path, photo_id, filename, content_type, content):
    """(accepted?, message shown) for one upload through one path."""
    files = [("image" if path != "editor" else "upload", filename, content_type, content)]
    if path == "editor":
        status, _headers, body = session.post("/quan-tri/tai-anh/", {}, files)
        data = json.loads(body) if body.startswith("{") else {}
        assert status in (200, 400, 413), (status, server_error(body))
        return data.get("uploaded") == 1, data.get("error", {}).get("message", body[:300])
    url = "/admin/articles/photo/add/"
    if path == "library_change":
        url = f"/admin/articles/photo/{photo_id}/change/"
    fields = {"caption": "Chú thích", "credit": "Ảnh: Minh Thư", "alt_text": "",
              "taken_at": "", "focal_x": "0.5", "focal_y": "0.5"}  # fmt: skip
    status, _headers, body = session.post(url, fields, files)
    assert status in (200, 302, 400, 413), (status, server_error(body))
    errors = " ".join(re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body, re.S))
    return status == 302, re.sub(r"<[^>]+>", " ", errors) or body[:300]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = Server(tmp_path_factory.mktemp("uploads"))
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def session(server):
    return Session(server.base)


@pytest.fixture(scope="module")
def photo_id(session):
    """A photo of the reporter's own, to replace through the change form."""
    accepted, message = upload(session, "library_add", None, "goc.jpg", "image/jpeg", jpeg())
    assert accepted, message
    with session.opener.open(session.base + "/admin/articles/photo/", timeout=30) as response:
        html = response.read().decode()
    return int(re.search(r"/admin/articles/photo/(\d+)/change/", html).group(1))


@pytest.fixture(scope="module")
def warm_peak(server, session, photo_id):
    """The worker's peak after every path has run once with a normal image (Pillow,
    the templates and the renditions code loaded)."""
    for path in PATHS:
        accepted, message = upload(session, path, photo_id, "anh.jpg", "image/jpeg", jpeg())
        assert accepted, (path, message)
    return server.peak_kb()


def _image_file_of(session, photo_id):
    with session.opener.open(
        f"{session.base}/admin/articles/photo/{photo_id}/change/", timeout=30
    ) as response:
        html = response.read().decode()
    return re.search(r'href="(/media/photos/[^"]+)"', html).group(1)


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("case", CASES, ids=[case[0] for case in CASES])
def test_hostile_file(server, session, photo_id, warm_peak, path, case):
    _name, filename, content_type, content, accepted_expected = case
    before = set(server.stored_files())
    image_before = _image_file_of(session, photo_id) if path == "library_change" else None
    accepted, message = upload(session, path, photo_id, filename, content_type, content)
    assert accepted == accepted_expected, message
    added = set(server.stored_files()) - before
    if not accepted:
        assert VIETNAMESE.search(message), message  # said in Vietnamese
        assert not added, added  # nothing stored
        if path == "library_change":
            assert _image_file_of(session, photo_id) == image_before
    else:
        assert added
        for stored in added:  # re-encoded pixels only: no archive, no script, no HTML
            data = stored.read_bytes()
            assert b"PK\x03\x04" not in data and b"<script" not in data.lower(), stored
            with Image.open(stored) as image:
                image.verify()
    grown = (server.peak_kb() - warm_peak) / 1024
    assert grown < HOSTILE_BOUND_MB, f"the worker grew by {grown:.0f} MB"


def test_huge_request(server, session, warm_peak):
    """60 MB of upload is refused by every path (the limit is 20 MB) without being held
    in memory."""
    content = os.urandom(60 * 1024 * 1024)
    for path in PATHS:
        before = set(server.stored_files())
        try:
            accepted, message = upload(session, path, None if path != "library_change" else 1,
                                       "lon.jpg", "image/jpeg", content)  # fmt: skip
        except (ConnectionError, urllib.error.URLError) as error:
            # Over REQUEST_MAX_BYTES the server answers 413 from the Content-Length alone
            # and closes the connection: the client, still sending, may only see that.
            assert "reset" in str(error).lower() or "broken pipe" in str(error).lower(), error
        else:
            assert not accepted
            assert VIETNAMESE.search(message), message
        assert set(server.stored_files()) == before
    grown = (server.peak_kb() - warm_peak) / 1024
    print(f"\nafter every hostile file and a 60 MB request: worker peak +{grown:.0f} MB")
    assert grown < HOSTILE_BOUND_MB, f"the worker grew by {grown:.0f} MB"


@pytest.mark.parametrize("path", PATHS)
def test_four_big_uploads_at_once(server, session, photo_id, warm_peak, path):
    """Four 30-megapixel images at the same moment: all stored, memory bounded."""
    content = big_png()
    started = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(
            lambda n: upload(session, path, photo_id, f"lon{n}.png", "image/png", content),
            range(4),
        ))  # fmt: skip
    elapsed = time.monotonic() - started
    assert all(accepted for accepted, _message in results), results
    peak = (server.peak_kb() - warm_peak) / 1024
    print(f"\n{path}: 4 × 30 MP at once in {elapsed:.1f} s, worker peak +{peak:.0f} MB")
    assert peak < PARALLEL_BOUND_MB, f"the worker grew by {peak:.0f} MB"


def test_page_cache_state_written_by_many_threads_at_once(tmp_path):
    """Found by the parallel uploads above (a 500, FileNotFoundError, now and then): each
    save bumps the page-cache state, and without Redis that is a file written through a
    temporary file named after the process, so two threads of one worker collided."""
    from articles.pagecache import State, _FileStateStore

    store = _FileStateStore(tmp_path / "page-cache")
    errors = []

    def write(number):
        try:
            for step in range(200):
                store.write(State(number * 1000 + step, None))
        except OSError as error:
            errors.append(error)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(write, range(8)))
    assert errors == []
    assert store.read() is not None
