"""Behind a proxy, and bodies bounded: X-Forwarded-* are believed only with
TRUST_PROXY_HEADERS (newsroom/http.py, HTTPS detection), and request bodies over the
limit for who is asking are refused with 413 before anything reads them
(newsroom/request_limits.py)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from newsroom.http import client_ip
from tests.factories import REPORTER, make_article, make_user

ROOT = Path(settings.BASE_DIR)


@pytest.mark.parametrize(
    ("trust", "forwarded", "expected"),
    [
        (False, None, "10.0.0.1"),
        (False, "198.51.100.7", "10.0.0.1"),  # a client's own claim: ignored
        (True, None, "10.0.0.1"),
        (True, "198.51.100.7", "198.51.100.7"),
        (True, "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # only the hop our proxy added
        (True, " , ", "10.0.0.1"),
    ],
)
def test_client_ip(settings, trust, forwarded, expected):
    settings.TRUST_PROXY_HEADERS = trust
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **headers)
    assert client_ip(request) == expected


def proxy_settings(**env):
    code = "from django.conf import settings as s; print(repr(s.SECURE_PROXY_SSL_HEADER))"
    environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DEBUG"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", code],
        cwd=ROOT, env={**environment, **env}, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_forwarded_proto_is_believed_only_behind_a_trusted_proxy():
    production = {"DEBUG": "0", "SECRET_KEY": "k" * 60}
    assert proxy_settings(**production) == "None"
    assert proxy_settings(**production, TRUST_PROXY_HEADERS="1") == (
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


class Exploding:
    """A request body that must never be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def post(client, url, length, **extra):
    return client.generic(
        "POST",
        url,
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Exploding()},
        **extra,
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/admin/login/", "/api/luot-xem/1/", "/tim-kiem/"])
def test_an_anonymous_body_over_the_public_limit_is_refused_unread(client, settings, url):
    response = post(client, url, settings.REQUEST_MAX_BYTES_PUBLIC + 1)
    assert response.status_code == 413
    assert response.content.decode() == "Nội dung gửi lên quá lớn."


@pytest.mark.django_db
def test_staff_may_send_a_photo_but_not_more(client, settings):
    client.force_login(make_user("phongvien", REPORTER))
    upload = reverse("articles:editor_upload")
    assert post(client, upload, settings.REQUEST_MAX_BYTES + 1).status_code == 413
    # Within the staff limit (and far over the public one) the request goes on: the
    # view reads the (here unreadable) body.
    with pytest.raises(AssertionError, match="the body was read"):
        post(client, upload, settings.REQUEST_MAX_BYTES_PUBLIC * 10)


@pytest.mark.django_db
def test_a_forged_session_cookie_gets_the_public_limit(client, settings):
    client.cookies[settings.SESSION_COOKIE_NAME] = "khong-phai-phien-that"
    assert post(client, "/admin/login/", settings.REQUEST_MAX_BYTES_PUBLIC + 1).status_code == 413


@pytest.mark.django_db
def test_a_bad_content_length_is_a_400(client):
    assert post(client, "/admin/login/", "nhiều").status_code == 400


@pytest.mark.django_db
def test_small_anonymous_posts_still_work(client):
    article = make_article()
    response = client.post(
        reverse("articles:record_view", args=[article.pk]), HTTP_USER_AGENT="Mozilla/5.0"
    )
    assert response.status_code == 204
