"""CKEditor image uploads: who may upload, what is accepted, what is stored."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from articles.models import Photo
from tests.factories import REPORTER, image_bytes, make_user

pytestmark = pytest.mark.django_db
URL = reverse("articles:editor_upload")


@pytest.fixture
def reporter():
    return make_user("phongvien", REPORTER)


def post_upload(client, upload, **extra):
    return client.post(URL, {"upload": upload}, **extra)


def test_reporter_uploads_an_image(client, reporter):
    """A logged-in journalist's image becomes a library Photo; CKEditor gets its URL."""
    client.force_login(reporter)
    response = post_upload(client, SimpleUploadedFile("Ảnh hội nghị.jpg", image_bytes((120, 80))))
    data = response.json()
    assert response.status_code == 200 and data["uploaded"] == 1
    photo = Photo.objects.get()
    assert data["url"] == photo.image.url
    assert (photo.width, photo.height) == (120, 80)
    assert photo.uploaded_by == reporter
    assert photo.original_filename == "Ảnh hội nghị.jpg"
    assert "hoi-nghi" not in photo.image.name and "Ảnh" not in photo.image.name


def test_anonymous_upload_refused(client):
    """Without login nothing is stored."""
    response = post_upload(client, SimpleUploadedFile("a.jpg", image_bytes()))
    assert response.status_code in (302, 403)
    assert not Photo.objects.exists()


def test_staff_without_article_permission_refused(client):
    """Staff who may not write articles cannot upload either."""
    user = make_user("khach", role=None)
    client.force_login(user)
    response = post_upload(client, SimpleUploadedFile("a.jpg", image_bytes()))
    assert response.status_code == 403
    assert "không có quyền" in response.json()["error"]["message"]
    assert not Photo.objects.exists()


def test_non_staff_user_with_article_permission_refused(client):
    """The upload belongs to the admin: a user who is not staff is refused even when a
    group gives them the right to add articles (as a reporter whose staff flag was
    removed when they left the newsroom)."""
    user = make_user("cuu-phong-vien", role=REPORTER, is_staff=False)
    assert user.has_perm("articles.add_article") and not user.is_staff
    client.force_login(user)
    response = post_upload(client, SimpleUploadedFile("a.jpg", image_bytes()))
    assert response.status_code == 403
    assert "không có quyền" in response.json()["error"]["message"]
    assert not Photo.objects.exists()


def test_upload_without_csrf_token_refused(reporter):
    """The upload endpoint is CSRF-protected (unlike ckeditor_uploader's)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = post_upload(client, SimpleUploadedFile("a.jpg", image_bytes()))
    assert response.status_code == 403
    assert not Photo.objects.exists()


def test_upload_with_csrf_header_accepted(reporter):
    """With the X-CSRFToken header CKEditor sends, the upload goes through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    client.get(reverse("admin:articles_article_add"))
    token = client.cookies["csrftoken"].value
    response = post_upload(
        client, SimpleUploadedFile("a.png", image_bytes(fmt="PNG")), HTTP_X_CSRFTOKEN=token
    )
    assert response.status_code == 200 and response.json()["uploaded"] == 1


def _png_header_only(width, height):
    """A tiny PNG whose header claims a huge canvas (a decompression bomb)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 10)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         "không phải ảnh"),
        ("x.jpg", b"<html><script>alert(1)</script></html>", "không phải ảnh"),
        ("x.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", "không phải ảnh"),
        ("x.pdf", b"%PDF-1.4 fake", "không phải ảnh"),
        ("x.exe", b"MZ\x90\x00" + b"\x00" * 100, "không phải ảnh"),
        ("bomb.png", _png_header_only(50000, 50000), "quá lớn"),
        ("tall.png", _png_header_only(20000, 2500), "quá lớn"),
        ("empty.jpg", b"", "rỗng"),
    ],
)  # fmt: skip
def test_bad_files_refused_in_vietnamese(client, reporter, name, content, message):
    """Non-images, disguised files and decompression bombs get a clear message, no 500."""
    client.force_login(reporter)
    response = post_upload(client, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    data = response.json()
    assert data["uploaded"] == 0
    assert message in data["error"]["message"]
    assert not Photo.objects.exists()


def test_exif_and_gps_removed_orientation_applied(client, reporter):
    """The stored file carries no EXIF (GPS, camera serial); orientation is applied."""
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 30.0)}  # GPS
    exif[0xA431] = "SERIAL-123456"  # body serial number
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (10, 120, 200)).save(buffer, format="JPEG", exif=exif)
    client.force_login(reporter)
    post_upload(client, SimpleUploadedFile("gps.jpg", buffer.getvalue()))
    photo = Photo.objects.get()
    with photo.image.open("rb") as stored:
        data = stored.read()
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif()
        assert image.size == (100, 200)
    assert b"SERIAL-123456" not in data and b"Exif" not in data
    assert (photo.width, photo.height) == (100, 200)


def test_oversized_file_refused_before_decoding(client, reporter, settings):
    """The byte cap is checked before the image is decoded."""
    settings.PHOTO_MAX_BYTES = 1000
    client.force_login(reporter)
    noisy = Image.frombytes("L", (300, 300), bytes(range(256)) * 352)
    buffer = io.BytesIO()
    noisy.save(buffer, format="PNG")
    assert len(buffer.getvalue()) > 1000
    response = post_upload(client, SimpleUploadedFile("big.png", buffer.getvalue()))
    assert response.status_code == 400
    assert "quá lớn" in response.json()["error"]["message"]
