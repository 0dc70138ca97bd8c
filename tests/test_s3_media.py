"""Media on S3-compatible storage, against a real local S3 server (moto in server mode,
spoken to over HTTP by boto3 — not a mock of the client): uploads, renditions, public
pages' URLs and the files themselves all go through the bucket."""

import json
import socket
import subprocess
import sys
import time
import urllib.request

import boto3
import pytest
from django.urls import reverse

from articles.models import Photo, Rendition
from tests.factories import REPORTER, image_upload, make_article, make_user

BUCKET = "toasoan-media"
PUBLIC_READ = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                   "Resource": f"arn:aws:s3:::{BUCKET}/*"}],
}  # fmt: skip


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(endpoint, timeout=1)  # noqa: S310 - our local server
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the local S3 server (moto) did not start")
        yield endpoint
    finally:
        process.terminate()
        process.wait(10)


@pytest.fixture
def s3_media(settings, s3_server, monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "thu-nghiem")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "thu-nghiem")
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    # Media are public (random names): readers fetch them straight from the bucket.
    client.put_bucket_policy(Bucket=BUCKET, Policy=json.dumps(PUBLIC_READ))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "region_name": "us-east-1",
                "addressing_style": "path",
                "querystring_auth": False,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    settings.MEDIA_URL = f"{s3_server}/{BUCKET}/"
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket_policy(Bucket=BUCKET)
    client.delete_bucket(Bucket=BUCKET)


@pytest.mark.django_db
def test_upload_and_renditions_land_in_the_bucket(client, s3_media):
    reporter = make_user("phongvien", REPORTER)
    client.force_login(reporter)
    response = client.post(
        reverse("articles:editor_upload"),
        {"upload": image_upload("hoi-nghi.jpg", size=(1000, 700))},
    )
    assert response.status_code == 200, response.content
    photo = Photo.objects.get()
    keys = {item["Key"] for item in s3_media.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert photo.image.name in keys
    renditions = list(Rendition.objects.filter(photo=photo))
    assert renditions and {r.file.name for r in renditions} <= keys
    assert response.json()["url"] == f"{s3_media.meta.endpoint_url}/{BUCKET}/{photo.image.name}"


@pytest.mark.django_db
def test_public_pages_point_at_the_bucket_and_the_files_are_served(client, s3_media):
    reporter = make_user("phongvien", REPORTER)
    client.force_login(reporter)
    client.post(
        reverse("articles:editor_upload"), {"upload": image_upload("a.jpg", size=(900, 600))}
    )
    photo = Photo.objects.get()
    photo.caption, photo.credit = "Toàn cảnh hội nghị", "Ảnh: Minh Thư"
    photo.save()
    body = (
        f'<figure class="image"><img src="{photo.image.url}" alt="Hội nghị">'
        "<figcaption>Toàn cảnh hội nghị</figcaption></figure>"
    )
    article = make_article(lead_photo=photo, body=body)
    assert photo.image.url in article.body  # our own media, kept by the sanitiser
    client.logout()
    html = client.get(article.get_absolute_url()).content.decode()
    bucket_url = f"{s3_media.meta.endpoint_url}/{BUCKET}/renditions/"
    assert f'srcset="{bucket_url}' in html
    webp_url = html.split('type="image/webp" srcset="', 1)[1].split(" ", 1)[0]
    with urllib.request.urlopen(webp_url, timeout=5) as served:  # noqa: S310 - local server
        assert served.headers["Content-Type"] == "image/webp"
        assert served.read(4) == b"RIFF"
