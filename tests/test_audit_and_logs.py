"""The audit trail records where each action came from, refusals included; logs are
one JSON object per line with the request's id, and never carry a password, a session
id, a CSRF token, a preview link's token or an article's text; the development server
prints each line once."""

import io
import json
import logging
import re
import subprocess
import sys

import pytest
from django.test import Client
from django.urls import reverse

from articles.models import Article, ArticleEvent, PreviewLink
from newsroom import requestlog
from tests.factories import (
    EDITOR_IN_CHIEF,
    REPORTER,
    article_form_data,
    make_article,
    make_author,
    make_category,
    make_user,
)
from tests.processes import ROOT, app_environment, free_port, manage, seed_site

# -- the audit trail -----------------------------------------------------------------------


@pytest.mark.django_db
def test_events_record_the_address_of_the_request(client):
    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    article = make_article(
        "Bài chờ duyệt", status=Article.Status.EDITED, authors=[make_author("Minh Thư")]
    )
    client.force_login(chief)
    data = {
        k: v for k, v in article_form_data(article, _transition="publish").items() if v is not None
    }
    response = client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        data,
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    event = ArticleEvent.objects.get(article=article, action="publish")
    assert event.ip == "203.0.113.7"
    assert event.actor == chief


@pytest.mark.django_db
def test_events_outside_a_request_have_no_address():
    make_article("Bài nhập từ dòng lệnh")
    assert ArticleEvent.objects.count() == 0 or all(
        event.ip is None for event in ArticleEvent.objects.all()
    )
    from articles import services

    chief = make_user("tongbientap", EDITOR_IN_CHIEF)
    article = make_article("Bài", status=Article.Status.EDITED, authors=[make_author("Minh")])
    services.transition_article(article, "publish", by=chief)
    assert ArticleEvent.objects.get(action="publish").ip is None


@pytest.mark.django_db
def test_a_refused_step_is_recorded_with_who_where_and_why(client):
    """A reporter pressing "Xuất bản" on her own draft (she may not publish): nothing
    moves, and the refusal is in the history with her name and address."""
    reporter = make_user("phongvien", REPORTER)
    article = make_article(
        "Bài của phóng viên", status=Article.Status.DRAFT, created_by=reporter,
        category=make_category("Thời sự"),
    )  # fmt: skip
    client.force_login(reporter)
    data = {
        k: v for k, v in article_form_data(article, _transition="publish").items() if v is not None
    }
    client.post(
        reverse("admin:articles_article_change", args=[article.pk]),
        data,
        REMOTE_ADDR="198.51.100.4",
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    refusal = ArticleEvent.objects.get(article=article, action="refused")
    assert refusal.actor == reporter
    assert refusal.ip == "198.51.100.4"
    assert refusal.reason.startswith("Duyệt và xuất bản: ")
    assert refusal.from_status == refusal.to_status == Article.Status.DRAFT
    assert refusal.action_label == "Bị từ chối"


@pytest.mark.django_db
def test_a_refusal_in_the_service_is_recorded_even_though_its_transaction_rolls_back():
    from articles import services
    from articles.models import TransitionNotAllowed

    reporter = make_user("phongvien", REPORTER)
    article = make_article("Bài", status=Article.Status.DRAFT, created_by=reporter)
    with pytest.raises(TransitionNotAllowed):
        services.transition_article(article, "publish", by=reporter)
    assert list(ArticleEvent.objects.filter(article=article).values_list("action", flat=True)) == [
        "refused"
    ]


# -- request ids -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_well_formed_request_id_is_kept_and_echoed():
    make_article()
    offered = "b5c1f6a2-0d1e-4f7a-9c3b-2a8d7e6f5a41"
    response = Client().get("/", HTTP_X_REQUEST_ID=offered)
    assert response["X-Request-ID"] == offered


@pytest.mark.django_db
@pytest.mark.parametrize("offered", ["", "short", "x" * 200, "có dấu tiếng Việt", "a\nb-injected"])
def test_a_missing_or_bad_request_id_is_replaced(offered):
    response = Client().get("/robots.txt", HTTP_X_REQUEST_ID=offered)
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


# -- what a log line may contain ------------------------------------------------------------------


def _emit(name, message, *args, exc=None):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(requestlog.RequestIdFilter())
    handler.addFilter(requestlog.RedactFilter())
    handler.setFormatter(requestlog.JsonFormatter())
    logger = logging.getLogger(name)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        if exc:
            try:
                raise exc
            except type(exc):
                logger.exception(message, *args)
        else:
            logger.warning(message, *args)
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


SECRETS = [
    ("login %s", "username=admin&password=Mat-khau-bi-mat-9", "Mat-khau-bi-mat-9"),
    ("cookie %s", "sessionid=abcd1234sessionkey5678; csrftoken=tok3nvalue", "abcd1234sessionkey"),
    ("cookie %s", "sessionid=abcd1234sessionkey5678; csrftoken=tok3nvalue", "tok3nvalue"),
    ("form %s", "{'csrfmiddlewaretoken': 'Zx9csrfSecret', 'title': 'Tin'}", "Zx9csrfSecret"),
    ("Not Found: %s", "/xem-truoc/AbC.dEf-1234567890_token/", "AbC.dEf-1234567890_token"),
    ("form %s", "{'body': '<p>Nội dung bài cấm lộ</p>', 'title': 'Tin'}", "Nội dung bài cấm lộ"),
    ("post %s", "title=Tin&body=%3Cp%3EN%E1%BB%99i+dung%3C%2Fp%3E&sapo=Tom+tat", "N%E1%BB%99i"),
    ("json %s", '{"password": "mk\\"bi-mat", "ok": 1}', "bi-mat"),
]


@pytest.mark.parametrize(("message", "argument", "secret"), SECRETS)
def test_log_lines_never_carry_secrets_or_bodies(message, argument, secret):
    line = _emit("articles.test", message, argument)
    entry = json.loads(line)
    assert secret not in line
    assert "[đã ẩn]" in entry["message"]


def test_tracebacks_are_redacted_too():
    line = _emit("articles.test", "failed", exc=ValueError("password=Bi-mat-trong-loi"))
    entry = json.loads(line)
    assert "Bi-mat-trong-loi" not in line
    assert "ValueError" in entry["exception"]


def test_sql_statement_logs_are_dropped():
    assert _emit("django.db.backends", "INSERT body=%s", "<p>Nội dung</p>") == ""


# -- the development server, for real ---------------------------------------------------------


@pytest.fixture
def dev_server(tmp_path):
    env = app_environment(
        f"sqlite:///{tmp_path / 'site.sqlite3'}", DEBUG="1", SECRET_KEY="", LOG_LEVEL="INFO",
        MEDIA_ROOT=tmp_path / "media",
    )  # fmt: skip
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    manage(env, "migrate", "--noinput")
    seed_site(env)
    manage(
        env, "shell", "--no-imports", "-c",
        "from articles.models import Article, PreviewLink\n"
        "from django.contrib.auth import get_user_model\n"
        "a = Article.objects.first(); u = get_user_model().objects.first()\n"
        "print(PreviewLink.objects.create(article=a, created_by=u).token)",
    )  # fmt: skip
    port = free_port(8201)
    process = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT, env={**env, "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    yield env, f"http://127.0.0.1:{port}", process
    if process.poll() is None:
        process.terminate()
        process.wait(10)


def test_the_dev_server_logs_json_once_per_line_without_secrets(dev_server):
    import urllib.error
    import urllib.request

    from tests.processes import Browser

    env, base, process = dev_server
    import time

    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/robots.txt", timeout=1)  # noqa: S310 - local
            break
        except OSError:
            time.sleep(0.1)
    browser = Browser(base)
    page = browser.get("/admin/login/")
    from tests.processes import form_fields

    fields = form_fields(page.text, "login-form")
    fields.update(username="tongbientap", password="Sai-mat-khau-bi-mat-42")
    browser.request("/admin/login/", fields, headers={"X-Request-ID": "yeu-cau-thu-1234"})
    browser.get("/khong-co-trang-nay/", headers={"X-Request-ID": "yeu-cau-404-5678"})
    token = manage(
        env, "shell", "--no-imports", "-c",
        "from articles.models import PreviewLink; print(PreviewLink.objects.first().token)",
    ).stdout.split()[-1]  # fmt: skip
    browser.get(f"/xem-truoc/{token}/")
    browser.get(f"/xem-truoc/{token}x/")  # a bad token: logged as Not Found
    time.sleep(0.5)
    process.terminate()
    output, _ = process.communicate(timeout=10)

    lines = [line for line in output.splitlines() if line.startswith("{")]
    entries = [json.loads(line) for line in lines]
    assert entries, output
    requests = [e for e in entries if e["logger"] == "django.server"]
    assert any("/khong-co-trang-nay/" in e["message"] for e in requests)
    assert any(e["request_id"] == "yeu-cau-404-5678" for e in entries), output
    # Each request's line once: no line is printed twice.
    assert len(lines) == len(set(lines)), output
    for secret in ("Sai-mat-khau-bi-mat-42", token, "sessionid=", "csrfmiddlewaretoken="):
        assert secret not in output
    assert "Nội dung bài." not in output
    assert any("/xem-truoc/[đã ẩn]/" in e["message"] for e in entries)
    assert PreviewLink  # imported for the reader: the token is a PreviewLink's
