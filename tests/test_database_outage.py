"""The database goes down and comes back, for real: a PostgreSQL cluster of the test's
own is stopped under a running gunicorn (production settings, DEBUG off).

While it is down, readers get every page the cache holds — even past its freshness —
and the Vietnamese maintenance page (503, Retry-After) for the rest; the newsroom gets
the same page instead of a stack trace, and nothing it sends is half-saved. Once the
database is back, pages and saving work again without restarting anything.
"""

import time

import pytest

from tests.processes import (
    AppServer,
    Browser,
    ThrowawayPostgres,
    app_environment,
    manage,
    seed_site,
)

pytestmark = pytest.mark.postgres


@pytest.fixture
def site():
    """A cluster of our own with a seeded database, and gunicorn serving it."""

    postgres = ThrowawayPostgres()
    server = None
    try:
        postgres.create_database("toasoan")
        env = app_environment(
            postgres.url("toasoan"),
            PAGE_CACHE_SECONDS=1,  # copies turn stale at once: stale-if-error is tested
            PAGE_CACHE_STALE_SECONDS=600,
            CONN_MAX_AGE=60,  # a persistent connection, cut by the shutdown
            DATABASE_RETRY_AFTER_SECONDS=17,
        )
        manage(env, "migrate", "--noinput")
        article_id = seed_site(env)
        server = AppServer(env)
        yield postgres, server, article_id
    finally:
        if server:
            server.stop()
        postgres.destroy()


def _wait_until(check, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.3)
    return False


def _maintenance_page(response):
    assert response.status == 503, response.text[:300]
    assert response.headers["Retry-After"] == "17"
    assert "no-store" in response.headers["Cache-Control"]
    assert "Hệ thống đang tạm ngừng để bảo trì" in response.text
    assert "Traceback" not in response.text and "OperationalError" not in response.text


def test_readers_and_editors_through_a_postgresql_outage(site):
    postgres, server, article_id = site
    reader = Browser(server.base)
    editor = Browser(server.base)
    editor.login("tongbientap")
    change = f"/admin/articles/article/{article_id}/change/"
    assert editor.get(change).status == 200

    # Warm the cache: home and the article page; the "Kinh tế" section stays uncached.
    home = reader.get("/")
    article_path = next(
        line.split('href="')[1].split('"')[0]
        for line in home.text.splitlines()
        if "Giá xăng giảm lần thứ ba" in line and 'href="/' in line
    )
    for path in ("/", article_path):
        assert reader.get(path).status == 200
        assert reader.get(path).headers["X-Page-Cache"] == "HIT"
    time.sleep(1.2)  # past their freshness (PAGE_CACHE_SECONDS=1)

    postgres.stop()

    for path in ("/", article_path):
        response = reader.get(path)
        assert response.status == 200, response.text[:300]
        assert response.headers["X-Page-Cache"] == "STALE-IF-ERROR"
        assert "Giá xăng giảm lần thứ ba" in response.text
    _maintenance_page(reader.get("/kinh-te/"))
    _maintenance_page(reader.get("/tim-kiem/?q=g%E1%BA%A1o"))

    # The newsroom: opening, saving and autosaving all answer the maintenance page, with
    # the reassurance about unsaved text kept in the browser.
    opened = editor.get(change)
    _maintenance_page(opened)
    assert "Nội dung chưa lưu vẫn được giữ trong trình duyệt" in opened.text
    token = editor.csrf_token()
    saved = editor.request(
        change, {"csrfmiddlewaretoken": token, "title": "Sửa khi mất cơ sở dữ liệu"}
    )
    _maintenance_page(saved)
    autosave = editor.request(
        "/admin/articles/article/autosave/",
        {"csrfmiddlewaretoken": token, "key": str(article_id), "content": "{}"},
        headers={"X-CSRFToken": token},
    )
    _maintenance_page(autosave)
    output = server.output()
    failures = [line[:2500] for line in output.splitlines() if "Traceback" in line]
    assert not failures, failures

    postgres.start()

    assert _wait_until(lambda: reader.get("/kinh-te/").status == 200)
    assert "Xuất khẩu gạo tăng mạnh" in reader.get("/kinh-te/").text
    # The same session works again: the editor saves, readers see the new headline.
    response = editor.submit(
        change, "article_form", title="Giá xăng giảm lần thứ ba, sửa sau sự cố", _continue="1"
    )
    assert response.status == 200, response.text[:500]
    assert "sửa sau sự cố" in editor.get(change).text
    assert _wait_until(lambda: "sửa sau sự cố" in reader.get("/").text, seconds=10)
