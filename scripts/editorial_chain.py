#!/usr/bin/env python3
"""Clicks, fills and seconds for one article's trip through the newsroom, in a real browser.

The chain (the same story for every version of the article screen):

1. a reporter attaches a library photo they uploaded (no caption or credit yet) as lead
   photo, gives it a caption and a credit, writes the article and submits it;
2. a section editor returns it with a reason;
3. the reporter finds the reason, fixes the sapo and submits again;
4. the editor forwards it; 5. the managing editor publishes it;
6. a reader opens the public page and sees the lead figure with caption and credit.

Counted per step: clicks (including opening a page from a link, one per navigation),
fills (typing into one field) and wall-clock seconds of the browser work. Logging in is
the same for every version and is left out. Machine seconds are not human seconds: the
counts are the comparable part, the seconds show page weight and round trips.

Run it against the working tree (a throw-away SQLite database and media folder in a temp
dir; Debian's Chromium; the dev server on a free local port):

    /work/main/.venv/bin/python scripts/editorial_chain.py [--flow before|after] [--headed]

`--flow before` drives the article screen as it was before the writing-screen rebuild
(commit 90cb80e: "Lưu và …" buttons under the form, the reason field in the "Quy trình"
fieldset, captions edited on the photo's own admin page, the return reason only on the
history page); `--flow after` (the default) drives the rebuilt screen. Each flow checks
the outcome in the database, so a count is only printed for a chain that worked.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]  # fmt: skip
PASSWORD = "chuoi-bien-tap-123"

SETUP = r"""
import io, json, sys
import django
django.setup()
from django.core.files.uploadedfile import SimpleUploadedFile
from django.contrib.auth.models import Group, User
from PIL import Image
from articles.models import Author, Category, Photo
password = sys.argv[1]
roles = {
    "phongvien": "Phóng viên / Cộng tác viên",
    "bientap": "Biên tập viên",
    "thuky": "Thư ký tòa soạn",
}
for username, group in roles.items():
    user = User.objects.create_user(username, password=password, is_staff=True,
                                    first_name=username)
    user.groups.add(Group.objects.get(name=group))
reporter = User.objects.get(username="phongvien")
Author.objects.create(display_name="Minh Thư", user=reporter)
Category.objects.create(name="Thời sự")
buffer = io.BytesIO()
Image.new("RGB", (1200, 800), (40, 120, 200)).save(buffer, format="JPEG")
photo = Photo(uploaded_by=reporter, original_filename="cang-hai-phong.jpg")
photo.image.save("x.jpg", SimpleUploadedFile("x.jpg", buffer.getvalue()), save=False)
photo.save()
print(json.dumps({"photo": photo.pk}))
"""

CHECK = r"""
import json, sys
import django
django.setup()
from articles.models import Article
article = Article.objects.get()
photo = article.lead_photo
print(json.dumps({
    "status": article.status, "public": article.is_published, "id": article.pk,
    "url": article.get_absolute_url(), "caption": photo and photo.caption,
    "credit": photo and photo.credit,
    "events": list(article.events.order_by("created_at", "id").values_list("action", flat=True)),
}))
"""

TITLE = "Cảng Hải Phòng đón tàu container lớn nhất từ trước đến nay"
SAPO = "Sáng nay, tàu container có sức chở 14.000 TEU cập cảng Lạch Huyện."
FIXED_SAPO = SAPO + " Đây là lần đầu một tàu cỡ này vào cảng miền Bắc."
BODY = "Tàu dài 366 m, rộng 51 m, cập cầu số 5 lúc 8 giờ sáng."
CAPTION = "Tàu container cập cảng Lạch Huyện sáng 12/3"
CREDIT = "Ảnh: Minh Thư"
REASON = "Sapo thiếu thông tin: đây có phải lần đầu tàu cỡ này vào cảng miền Bắc?"


class Counter:
    """Wraps a Playwright page; every click, fill and navigation is counted per step."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.steps = []

    @contextmanager
    def step(self, name):
        record = {"step": name, "clicks": 0, "fills": 0}
        started = time.perf_counter()
        self._current = record
        yield
        record["seconds"] = round(time.perf_counter() - started, 2)
        self.steps.append(record)

    def open(self, path):
        """Opening a page from a link or a bookmark: one click."""
        self._current["clicks"] += 1
        self.page.goto(self.base + path)

    def click(self, selector):
        self._current["clicks"] += 1
        self.page.click(selector)

    def fill(self, selector, text):
        self._current["fills"] += 1
        self.page.fill(selector, text)

    def fill_editor(self, text):
        self._current["fills"] += 1
        self.page.wait_for_function(
            "window.CKEDITOR && CKEDITOR.instances.id_body"
            " && CKEDITOR.instances.id_body.status === 'ready'"
        )
        body = self.page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame").locator("body")
        body.click()
        body.fill(text)

    def autocomplete(self, field_selector, term, option_text):
        """A select2 autocomplete: open it, type, pick (two clicks, one fill)."""
        self.click(f"{field_selector} + .select2 .select2-selection")
        self.fill(".select2-container--open .select2-search__field", term)
        self.click(f".select2-results__option:has-text('{option_text}')")

    def submit(self, selector):
        """A button that posts the form: one click, then wait for the next page."""
        with self.page.expect_navigation():
            self.click(selector)


def log_in(page, base, username):
    page.goto(base + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(base + "/admin/")


# -- the chain on the article screen before the rebuild (commit 90cb80e) --


def flow_before(people, base, photo_id, article_id):
    reporter, editor, managing = people["phongvien"], people["bientap"], people["thuky"]
    with reporter.step("phóng viên viết và gửi"):
        # Caption and credit live on the photo's own page.
        reporter.open(f"/admin/articles/photo/{photo_id}/change/")
        reporter.fill("#id_caption", CAPTION)
        reporter.fill("#id_credit", CREDIT)
        reporter.submit("input[name=_save]")
        reporter.open("/admin/articles/article/add/")
        reporter.fill("#id_title", TITLE)
        reporter.fill("#id_sapo", SAPO)
        reporter.fill_editor(BODY)
        reporter.autocomplete("#id_category", "Thời", "Thời sự")
        reporter.autocomplete("#id_lead_photo", "cang", "Tàu container")
        reporter.autocomplete("#id_byline_entries-0-author", "Minh", "Minh Thư")
        reporter.submit("button[name=_transition][value=submit]")
    with editor.step("biên tập viên trả lại"):
        editor.open("/admin/articles/article/?hang_doi=cho-bien-tap")
        editor.submit(f"a[href*='/{article_id()}/change/']")
        editor.fill("#id_workflow_reason", REASON)
        editor.submit("button[name=_transition][value=return]")
    with reporter.step("phóng viên đọc lý do, sửa, gửi lại"):
        reporter.open("/admin/articles/article/?hang_doi=bi-tra-lai")
        reporter.submit(f"a[href*='/{article_id()}/change/']")
        # The reason is not on the article screen: it is on the history page.
        reporter.submit("a.historylink")
        assert REASON in reporter.page.inner_text("body")
        reporter.page.go_back()
        reporter._current["clicks"] += 1
        reporter.fill("#id_sapo", FIXED_SAPO)
        reporter.submit("button[name=_transition][value=submit]")
    with editor.step("biên tập viên chuyển duyệt"):
        editor.open("/admin/articles/article/?hang_doi=cho-bien-tap")
        editor.submit(f"a[href*='/{article_id()}/change/']")
        editor.submit("button[name=_transition][value=forward]")
    with managing.step("thư ký tòa soạn xuất bản"):
        managing.open("/admin/articles/article/?hang_doi=cho-duyet")
        managing.submit(f"a[href*='/{article_id()}/change/']")
        managing.submit("button[name=_transition][value=publish]")


# -- the chain on the rebuilt writing screen --


def flow_after(people, base, photo_id, article_id):
    reporter, editor, managing = people["phongvien"], people["bientap"], people["thuky"]
    with reporter.step("phóng viên viết và gửi"):
        reporter.open("/admin/articles/article/add/")
        reporter.fill("#id_title", TITLE)
        reporter.fill("#id_sapo", SAPO)
        reporter.fill_editor(BODY)
        reporter.autocomplete("#id_category", "Thời", "Thời sự")
        # The byline starts with the reporter's own pen name; the lead photo's caption
        # and credit are filled in place, under its thumbnail.
        reporter.autocomplete("#id_lead_photo", "cang", "cang-hai-phong")
        reporter.page.wait_for_selector("#id_lead_photo_caption:enabled")
        reporter.fill("#id_lead_photo_caption", CAPTION)
        reporter.fill("#id_lead_photo_credit", CREDIT)
        reporter.submit("button[name=_transition][value=submit]")
    with editor.step("biên tập viên trả lại"):
        editor.open("/admin/articles/article/?hang_doi=cho-bien-tap")
        editor.submit(f"a[href*='/{article_id()}/change/']")
        editor.click("button[data-reason-for=return]")
        editor.fill("#id_workflow_reason", REASON)
        editor.submit("button[name=_transition][value=return]")
    with reporter.step("phóng viên đọc lý do, sửa, gửi lại"):
        reporter.open("/admin/articles/article/?hang_doi=bi-tra-lai")
        reporter.submit(f"a[href*='/{article_id()}/change/']")
        assert REASON in reporter.page.inner_text(".desk-returned")
        reporter.fill("#id_sapo", FIXED_SAPO)
        reporter.submit("button[name=_transition][value=submit]")
    with editor.step("biên tập viên chuyển duyệt"):
        editor.open("/admin/articles/article/?hang_doi=cho-bien-tap")
        editor.submit(f"a[href*='/{article_id()}/change/']")
        editor.submit("button[name=_transition][value=forward]")
    with managing.step("thư ký tòa soạn xuất bản"):
        managing.open("/admin/articles/article/?hang_doi=cho-duyet")
        managing.submit(f"a[href*='/{article_id()}/change/']")
        managing.submit("button[name=_transition][value=publish]")


FLOWS = {"before": flow_before, "after": flow_after}


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_django(env, code, *args):
    out = subprocess.run([PYTHON, "-c", code, *args], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True)  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--flow", choices=sorted(FLOWS), default="after")
    parser.add_argument("--headed", action="store_true")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="chain-") as tmp:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DEBUG": "1",
            "DATABASE_URL": f"sqlite:///{tmp}/db.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
        }
        subprocess.run([PYTHON, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT,
                       env=env, check=True)  # fmt: skip
        photo_id = run_django(env, SETUP, PASSWORD)["photo"]
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as playwright:
                args = [a for a in CHROMIUM_ARGS if not (options.headed and a == "--headless")]
                browser = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=args, headless=not options.headed
                )
                people = {}
                for username in ("phongvien", "bientap", "thuky"):
                    context = browser.new_context(viewport={"width": 1366, "height": 900},
                                                  locale="vi-VN")  # fmt: skip
                    context.set_default_timeout(20_000)
                    page = context.new_page()
                    log_in(page, base, username)
                    people[username] = Counter(page, base)

                def article_id():
                    return run_django(env, CHECK)["id"]

                started = time.perf_counter()
                FLOWS[options.flow](people, base, photo_id, article_id)
                outcome = run_django(env, CHECK)
                assert outcome["public"], outcome
                assert (outcome["caption"], outcome["credit"]) == (CAPTION, CREDIT), outcome
                reader = browser.new_context().new_page()
                reader_started = time.perf_counter()
                reader.goto(base + outcome["url"])
                figure = reader.inner_text("figure.photo figcaption")
                assert CAPTION in figure and CREDIT in figure, figure
                reader_seconds = round(time.perf_counter() - reader_started, 2)
                total = round(time.perf_counter() - started, 2)
                browser.close()
        finally:
            server.terminate()
            server.wait()

    steps = [s for person in people.values() for s in person.steps]
    order = ["phóng viên viết và gửi", "biên tập viên trả lại",
             "phóng viên đọc lý do, sửa, gửi lại", "biên tập viên chuyển duyệt",
             "thư ký tòa soạn xuất bản"]  # fmt: skip
    steps.sort(key=lambda s: order.index(s["step"]))
    print(f"Flow: {options.flow}  (events: {', '.join(outcome['events'])})")
    print(f"{'step':40} {'clicks':>6} {'fills':>6} {'seconds':>8}")
    for s in steps:
        print(f"{s['step']:40} {s['clicks']:6} {s['fills']:6} {s['seconds']:8.2f}")
    clicks = sum(s["clicks"] for s in steps)
    fills = sum(s["fills"] for s in steps)
    print(f"{'độc giả mở bài (thấy ảnh, chú thích, tác giả)':40} {1:6} {0:6} {reader_seconds:8.2f}")
    print(f"{'total':40} {clicks + 1:6} {fills:6} {total:8.2f}")


if __name__ == "__main__":
    main()
