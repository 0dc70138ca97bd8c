"""Shared machinery for browser tests in headless Chromium (Debian's) via Playwright.

A browser test module declares

    pytestmark = BROWSER_TEST_MARKS

and uses the `page` fixture (a 1280×900 Vietnamese-locale page with a `.log` of JS
errors, requests and failed responses; any Content-Security-Policy violation fails the
test), `log_in` and `wait_for_editor`.
"""

import functools
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection, connections
from playwright.sync_api import sync_playwright

from tests.conftest import chromium_path
from tests.factories import REPORTER, make_user

AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# Screenshots and other artefacts a human should look at.
ARTEFACTS = Path(os.environ.get("TEST_ARTEFACTS", "/tmp/toasoan-artefacts"))

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "mat-khau-thu-nghiem-123"
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def _allow_orm_next_to_playwright():
    """Playwright's sync API keeps an event loop running in this thread, so Django would
    raise SynchronousOnlyOperation for ORM calls in the test; this is the documented
    workaround for Playwright + pytest-django. Restored after this module."""
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _empty_database():
    call_command(
        "flush", interactive=False, verbosity=0, reset_sequences=False, inhibit_post_migrate=True
    )


@pytest.fixture(scope="module")
def _database_as_migrated(django_db_setup, django_db_blocker):
    """Serialized rollback re-inserts the migrated database (roles included) before each
    test; rows an earlier transactional test left (content types and permissions that its
    flush re-created) would collide with it, so start from an empty database. Afterwards,
    leave the database as migrated for whatever runs next."""
    with django_db_blocker.unblock():
        _empty_database()
    yield
    with django_db_blocker.unblock():
        _empty_database()
        connection.creation.deserialize_db_from_string(connection._test_serialized_contents)


@pytest.fixture
def browser(transactional_db, live_server):
    """Chromium for one test, started after the test database is set up and stopped before
    it is flushed. While Playwright's loop runs, Django's `connections` hands this thread
    other (async-context) connection objects: the database set-up and teardown (with its
    serialized rollback) must not run then, and those connections are closed at the end."""
    executable = chromium_path()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            connections.close_all()


class PageLog:
    """What a page did: JS errors, console errors, every URL it requested, failed responses."""

    def __init__(self, page):
        self.errors, self.requests, self.failed = [], [], []
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda msg: (
                msg.type == "error"
                and self.errors.append(f"console: {msg.text} ({msg.location.get('url')})")
            ),
        )
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "response",
            lambda response: (
                response.status >= 400 and self.failed.append(f"{response.status} {response.url}")
            ),
        )


@pytest.fixture
def page(browser):
    """A page whose test fails if any page of its context (popups and frames included)
    breaks the Content-Security-Policy; a test provoking a violation on purpose reads
    and empties `page.csp_violations`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    context.set_default_timeout(TIMEOUT_MS)
    violations = []
    context.on(
        "console",
        lambda msg: (
            "Content Security Policy" in msg.text
            and violations.append(f"{msg.text} ({msg.location.get('url')})")
        ),
    )
    page = context.new_page()
    page.log = PageLog(page)
    page.csp_violations = violations
    yield page
    context.close()
    if violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(violations))


@pytest.fixture
def reporter():
    return make_user("phongvien", REPORTER, password=PASSWORD)


def log_in(page, live_server, username, password=PASSWORD):
    """Through the real admin login form."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")


def wait_for_editor(page, name="id_body"):
    """Until CKEditor's instance for the textarea is ready (toolbar and iframe built)."""
    widget = page.get_attribute(f"textarea#{name}", "data-type")
    assert widget == "ckeditortype", f"#{name} is a plain textarea, not the CKEditor widget"
    page.wait_for_function(
        "name => window.CKEDITOR && CKEDITOR.instances[name]"
        " && CKEDITOR.instances[name].status === 'ready'",
        arg=name,
    )
    page.wait_for_selector(f"#cke_{name} iframe.cke_wysiwyg_frame")


# transaction=True: the live server thread must see what the test writes.
# serialized_rollback: the flush after each test would otherwise delete the newsroom
# groups that a data migration created, which the next test needs.
BROWSER_TEST_MARKS = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_allow_orm_next_to_playwright", "_database_as_migrated"),
]


def screenshot(page, name, *, widths=(390, 1366), full_page=True):
    """Full-page screenshots at each width into ARTEFACTS; returns their paths."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    paths = []
    original = page.viewport_size
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        path = ARTEFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=full_page)
        paths.append(path)
    if original:
        page.set_viewport_size(original)
    return paths


@functools.cache
def _axe_source():
    # `window.axe = …` at the end of the bundle; the trailing expression keeps
    # Playwright from treating the source as a function to call.
    return AXE_SCRIPT.read_text() + "\n;undefined"


def axe_violations(page, *, tags=("wcag2a", "wcag2aa"), impacts=None, exclude=()):
    """Run axe-core (vendored) on the page as it is now; returns the violations as
    [{"id", "impact", "help", "nodes": [target …]}], optionally only the given impacts
    (e.g. {"serious", "critical"}). `exclude`: CSS selectors left out (third-party
    widgets we do not control, named in the calling test with the reason)."""
    # Evaluated through the DevTools protocol, not added as a <script> tag: a page's
    # Content-Security-Policy (script-src 'self', no inline) blocks an inline tag.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    result = page.evaluate(
        """async ({tags, exclude}) => {
            const context = exclude.length ? {exclude: exclude.map(s => [s])} : document
            const result = await axe.run(context, {runOnly: {type: 'tag', values: tags}})
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ')),
            }))
        }""",
        {"tags": list(tags), "exclude": list(exclude)},
    )
    if impacts is not None:
        result = [violation for violation in result if violation["impact"] in impacts]
    return result
