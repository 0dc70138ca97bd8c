"""Upload safety, through both real upload endpoints (CKEditor's and the admin's photo
form): what is refused and how fast, and what the stored file keeps (pixels only)."""

import io
import struct
import time
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, ImageCms, ImageFile, PngImagePlugin, WebPImagePlugin

from articles import images
from articles.images import MAX_GIF_FRAMES, MAX_GIF_TOTAL_PIXELS, clean_image
from articles.models import Photo
from tests.factories import REPORTER, image_bytes, make_user

pytestmark = pytest.mark.django_db

EDITOR_UPLOAD = reverse("articles:editor_upload")
ADMIN_ADD = reverse("admin:articles_photo_add")
SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@pytest.fixture
def reporter():
    return make_user("phongvien", REPORTER)


def upload(client, endpoint, name, content):
    """Post a file to an upload endpoint: (accepted?, the text the user is shown)."""
    file = SimpleUploadedFile(name, content)
    if endpoint == "editor":
        response = client.post(EDITOR_UPLOAD, {"upload": file})
        data = response.json()
        assert response.status_code in (200, 400), response.status_code
        return data["uploaded"] == 1, data.get("error", {}).get("message", "")
    response = client.post(
        ADMIN_ADD,
        {"image": file, "caption": "Chú thích", "credit": "Ảnh: Minh Thư", "alt_text": "",
         "taken_at": "", "focal_x": "0.5", "focal_y": "0.5"},
    )  # fmt: skip
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 302, response.content.decode()


ENDPOINTS = ["editor", "admin"]


# -- crafted files --


def png_header_only(width, height):
    """A tiny PNG whose header claims a huge canvas (a decompression bomb)."""

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 10)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def crafted_gif(screen, frames):
    """A GIF made of block headers only: a logical screen and frame descriptors
    (left, top, width, height), each with a token of image data."""
    header = b"GIF89a" + struct.pack("<HHBBB", *screen, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    blocks = [
        b"," + struct.pack("<HHHHB", left, top, width, height, 0) + b"\x02\x02\x4c\x01\0"
        for left, top, width, height in frames
    ]
    return header + b"".join(blocks) + b";"


def crafted_webp(width, height):
    """The 30-byte header of an extended WebP claiming a width×height canvas."""
    vp8x = b"VP8X" + struct.pack("<I", 10) + b"\0\0\0\0"
    vp8x += (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + len(vp8x)) + b"WEBP" + vp8x


def animated_gif(frames=3, size=(40, 30)):
    pictures = [Image.new("P", size, index * 40) for index in range(frames)]
    for index, picture in enumerate(pictures):
        picture.putpalette([(value + index * 50) % 256 for value in range(768)])
    buffer = io.BytesIO()
    pictures[0].save(buffer, format="GIF", save_all=True, append_images=pictures[1:], loop=0)
    return buffer.getvalue()


# -- what is refused --

NOT_IMAGE = "không phải ảnh"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
         NOT_IMAGE),
        ("x.svg.jpg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>',
         NOT_IMAGE),
        ("x.jpg", b"<html><script>alert(1)</script></html>", NOT_IMAGE),
        ("x.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>", NOT_IMAGE),
        ("x.exe", b"MZ\x90\x00" + b"\x00" * 100, NOT_IMAGE),
        ("setup.jpg", b"MZ\x90\x00" + b"\x00" * 100, NOT_IMAGE),
        ("x.sh.gif", b"#!/bin/sh\nrm -rf /\n", NOT_IMAGE),
        ("x.pdf", b"%PDF-1.4 fake", NOT_IMAGE),
        ("x.php", b"<?php echo 1; ?>", NOT_IMAGE),
        ("anh", image_bytes(), NOT_IMAGE),
        ("anh.bmp", image_bytes(fmt="BMP"), NOT_IMAGE),
        ("anh.tiff", image_bytes(fmt="TIFF"), NOT_IMAGE),
        ("anh.jpg", image_bytes(fmt="PNG"), "là ảnh PNG nhưng tên tệp có đuôi .jpg"),
        ("anh.png", image_bytes(), "là ảnh JPEG nhưng tên tệp có đuôi .png"),
        ("anh.webp", animated_gif(), "là ảnh GIF nhưng tên tệp có đuôi .webp"),
        ("anh.jpeg", image_bytes(fmt="WEBP"), "là ảnh WebP nhưng tên tệp có đuôi .jpeg"),
        ("anh.gif", image_bytes(fmt="BMP"), NOT_IMAGE),
        ("truncated.jpg", image_bytes((400, 300))[:600], "Không đọc được"),
        ("broken.gif", crafted_gif((4, 4), [(0, 0, 4, 4)])[:-8] + b"\xff" * 40, NOT_IMAGE),
        ("empty.jpg", b"", "rỗng"),
    ],
)  # fmt: skip
def test_disguised_and_broken_files_refused(client, reporter, endpoint, name, content, message):
    """Anything but a JPEG, PNG, WebP or GIF under its own extension is refused with a
    Vietnamese message (.jpg/.jpeg → JPEG, .png, .webp, .gif), never a 500."""
    client.force_login(reporter)
    accepted, shown = upload(client, endpoint, name, content)
    assert not accepted
    assert message in shown
    assert not Photo.objects.exists()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(
    ("name", "fmt", "stored"),
    [("a.jpg", "JPEG", "jpg"), ("a.jpeg", "JPEG", "jpg"), ("A.JPG", "JPEG", "jpg"),
     ("a.png", "PNG", "png"), ("a.webp", "WEBP", "webp"), ("a.gif", "GIF", "gif")],
)  # fmt: skip
def test_each_format_accepted_under_its_extensions(client, reporter, endpoint, name, fmt, stored):
    """The four formats go through under their extensions, stored under a generated name
    with the extension of what was really stored."""
    client.force_login(reporter)
    accepted, shown = upload(client, endpoint, name, image_bytes((30, 20), fmt=fmt))
    assert accepted, shown
    photo = Photo.objects.get()
    assert photo.image.name.endswith(f".{stored}")
    assert (photo.width, photo.height) == (30, 20)


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any pixel is decoded (Pillow's load) or, for GIF and WebP,
    if Pillow is even asked to open the file: the header checks must refuse first."""

    def decoded(*args, **kwargs):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", decoded)
    monkeypatch.setattr(WebPImagePlugin.WebPImageFile, "load", decoded)
    opened = []
    real_open = Image.open

    def spy_open(*args, **kwargs):
        opened.append(kwargs.get("formats"))
        return real_open(*args, **kwargs)

    monkeypatch.setattr(images.Image, "open", spy_open)
    return opened


BOMBS = [
    ("bomb.png", png_header_only(50000, 50000), "quá lớn"),
    ("tall.png", png_header_only(20000, 2500), "quá lớn (20000×2500"),
    ("screen.gif", crafted_gif((65535, 65535), [(0, 0, 1, 1)]), "quá lớn (65535×65535"),
    ("frame.gif", crafted_gif((10, 10), [(0, 0, 10, 10), (0, 0, 9000, 9000)]),
     "quá lớn (9000×9000"),
    ("offset.gif", crafted_gif((10, 10), [(60000, 60000, 5, 5)]), "quá lớn (60005×60005"),
    ("frames.gif", crafted_gif((2, 2), [(0, 0, 2, 2)] * (MAX_GIF_FRAMES + 50)),
     "quá nhiều khung hình"),
    ("total.gif", crafted_gif((1000, 1000), [(0, 0, 1000, 1000)] * 40), "tổng cộng tối đa"),
    ("canvas.webp", crafted_webp(16384, 16384), "quá lớn (16384×16384"),
    ("big.webp", crafted_webp(7000, 7000), "quá lớn (7000×7000"),
]  # fmt: skip


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize(("name", "content", "message"), BOMBS)
def test_bombs_refused_from_the_header(
    client, reporter, no_decoding, endpoint, name, content, message
):
    """Decompression bombs (a 1.5 KB 50000×50000 PNG, a GIF with a huge logical screen
    or frame, too many frames, too many pixels across frames, a huge WebP canvas) are
    refused quickly, without decoding a pixel; GIF and WebP before Pillow opens them."""
    client.force_login(reporter)
    started = time.perf_counter()
    accepted, shown = upload(client, endpoint, name, content)
    assert time.perf_counter() - started < 1.0
    assert not accepted
    assert message in shown
    if name.endswith((".gif", ".webp")):
        assert no_decoding == []
    assert not Photo.objects.exists()


def test_total_pixel_cap_counts_frames_times_canvas():
    """The animation cap is frames × canvas: what Pillow holds while re-encoding."""
    frames = MAX_GIF_TOTAL_PIXELS // (1000 * 1000)
    assert frames < MAX_GIF_FRAMES
    within = crafted_gif((1000, 1000), [(0, 0, 10, 10)] * frames)
    images._check_gif_header(within)  # no refusal
    with pytest.raises(ValidationError, match="tổng cộng"):
        images._check_gif_header(crafted_gif((1000, 1000), [(0, 0, 10, 10)] * (frames + 1)))


def test_frame_cap_stops_the_walk_early():
    """Thousands of frames are refused at the cap, not counted to the end."""
    content = crafted_gif((1, 1), [(0, 0, 1, 1)] * 200_000)
    started = time.perf_counter()
    with pytest.raises(ValidationError, match="quá nhiều khung hình"):
        clean_image(ContentFile(content, name="many.gif"))
    assert time.perf_counter() - started < 0.5


def test_frames_behind_stray_bytes_are_still_counted():
    """Bytes between blocks are skipped as Pillow skips them, so frames hidden behind
    them still count towards the cap."""
    frame = b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x4c\x01\0"
    head = crafted_gif((1, 1), [])[:-1]
    content = head + (b"\0\x7f" * 50 + frame) * (MAX_GIF_FRAMES + 1) + b";"
    with pytest.raises(ValidationError, match="quá nhiều khung hình"):
        images._check_gif_header(content)


def test_byte_cap_checked_before_reading(settings):
    """A file over the byte cap is refused from its size alone."""
    settings.PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="quá lớn"):
        clean_image(ContentFile(b"\xff\xd8\xff" + b"\0" * 2000, name="big.jpg"))


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_animated_gif_within_caps_stays_animated(client, reporter, endpoint):
    """A small animated GIF is accepted and keeps its frames."""
    client.force_login(reporter)
    accepted, shown = upload(client, endpoint, "dong.gif", animated_gif(frames=4))
    assert accepted, shown
    with Photo.objects.get().image.open("rb") as stored, Image.open(stored) as image:
        assert image.n_frames == 4


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_png_followed_by_html_is_stored_without_it(client, reporter, endpoint):
    """A real PNG with HTML appended (a polyglot) is re-encoded: the HTML is gone."""
    client.force_login(reporter)
    content = image_bytes(fmt="PNG") + b"<html><script>alert(document.cookie)</script></html>"
    accepted, shown = upload(client, endpoint, "polyglot.png", content)
    assert accepted, shown
    with Photo.objects.get().image.open("rb") as stored:
        assert b"<script" not in stored.read()


# -- what is stored: pixels only --


def jpeg_segment(marker, payload):
    return b"\xff" + bytes([marker]) + struct.pack(">H", len(payload) + 2) + payload


def exif_with_thumbnail(owner, thumbnail):
    """A little-endian EXIF block: IFD0 naming the owner, IFD1 with a JPEG thumbnail."""
    artist = owner.encode() + b"\0"
    ifd0 = struct.pack("<H", 1) + struct.pack("<HHII", 0x013B, 2, len(artist), 26)
    ifd0 += struct.pack("<I", 40)  # next IFD: IFD1
    body = b"II*\0" + struct.pack("<I", 8) + ifd0 + artist
    body += b"\0" * (40 - len(body))
    ifd1 = struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, 70)
    ifd1 += struct.pack("<HHII", 0x0202, 4, 1, len(thumbnail)) + struct.pack("<I", 0)
    return b"Exif\0\0" + body + ifd1 + thumbnail


def jpeg_markers(data):
    """The markers of a JPEG's header segments, up to the scan."""
    markers, position = [], 2
    while data[position] == 0xFF and data[position + 1] != 0xDA:
        markers.append(data[position + 1])
        position += 2 + struct.unpack_from(">H", data, position + 2)[0]
    return markers


def stored_bytes():
    with Photo.objects.get().image.open("rb") as stored:
        return stored.read()


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_jpeg_keeps_no_exif_thumbnail_xmp_iptc_icc_or_comment(client, reporter, endpoint):
    """EXIF (owner, embedded thumbnail), XMP (APP1), IPTC (APP13), the ICC profile and
    comments are all gone: the stored JPEG has no APP1–APP15 or COM segment left."""
    thumbnail = image_bytes((16, 12), color=(1, 2, 3), comment=b"SECRET-THUMB")
    xmp = (
        b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description '
        b'exif:GPSLatitude="21,1.5N" dc:creator="SECRET-XMP"/></rdf:RDF></x:xmpmeta>'
    )
    dataset = b"SECRET-IPTC"
    iptc = b"\x1c\x02\x50" + struct.pack(">H", len(dataset)) + dataset  # 2:80 By-line
    resource = b"8BIM\x04\x04\0\0" + struct.pack(">I", len(iptc)) + iptc
    base = image_bytes((60, 40), icc_profile=SRGB, comment=b"SECRET-COMMENT")
    content = (
        base[:2]
        + jpeg_segment(0xE1, exif_with_thumbnail("SECRET-OWNER", thumbnail))
        + jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp)
        + jpeg_segment(0xED, b"Photoshop 3.0\0" + resource)
        + base[2:]
    )
    with Image.open(io.BytesIO(content)) as original:  # the crafted file carries it all
        assert original.info.get("icc_profile") and "xmp" in original.info
        assert "photoshop" in original.info and original.getexif()
    client.force_login(reporter)
    accepted, shown = upload(client, endpoint, "metadata.jpg", content)
    assert accepted, shown
    data = stored_bytes()
    assert [m for m in jpeg_markers(data) if 0xE1 <= m <= 0xEF or m == 0xFE] == []
    for secret in (b"SECRET-OWNER", b"SECRET-THUMB", b"SECRET-XMP", b"SECRET-IPTC",
                   b"SECRET-COMMENT", b"Exif", b"8BIM", b"ICC_PROFILE"):  # fmt: skip
        assert secret not in data
    with Image.open(io.BytesIO(data)) as image:
        assert image.getpixel((30, 20)) == pytest.approx((200, 30, 30), abs=8)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_png_keeps_only_pixel_chunks(client, reporter, endpoint):
    """PNG text chunks (author, XMP), eXIf and iCCP are dropped."""
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "SECRET-AUTHOR")
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>SECRET-XMP</x:xmpmeta>")
    exif = Image.Exif()
    exif[0x013B] = "SECRET-OWNER"
    content = image_bytes(fmt="PNG", pnginfo=info, exif=exif, icc_profile=SRGB)
    client.force_login(reporter)
    accepted, shown = upload(client, endpoint, "meta.png", content)
    assert accepted, shown
    data = stored_bytes()
    chunks, position = set(), 8
    while position < len(data):
        length = struct.unpack_from(">I", data, position)[0]
        chunks.add(data[position + 4 : position + 8])
        position += 12 + length
    assert chunks <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
    assert b"SECRET" not in data


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_webp_keeps_no_exif_xmp_or_icc(client, reporter, endpoint):
    """WebP's EXIF, XMP and ICCP chunks are dropped."""
    exif = Image.Exif()
    exif[0x013B] = "SECRET-OWNER"
    content = image_bytes(fmt="WEBP", exif=exif, xmp=b"<x>SECRET-XMP</x>", icc_profile=SRGB)
    client.force_login(reporter)
    accepted, shown = upload(client, endpoint, "meta.webp", content)
    assert accepted, shown
    data = stored_bytes()
    for chunk in (b"EXIF", b"XMP ", b"ICCP", b"SECRET"):
        assert chunk not in data


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("frames", [1, 3])
def test_gif_keeps_no_comment_or_xmp(client, reporter, endpoint, frames):
    """GIF comment blocks and XMP application extensions are not written back."""
    picture = io.BytesIO()
    Image.open(io.BytesIO(animated_gif(frames))).save(
        picture, format="GIF", save_all=True, comment=b"SECRET-COMMENT"
    )
    xmp = b"!\xff\x0bXMP DataXMP" + bytes([10]) + b"SECRET-XMP" + b"\0"
    content = picture.getvalue()[:-1] + xmp + b";"
    assert b"SECRET-COMMENT" in content
    client.force_login(reporter)
    accepted, shown = upload(client, endpoint, "meta.gif", content)
    assert accepted, shown
    assert b"SECRET" not in stored_bytes()


def test_orientation_applied_before_metadata_dropped(client, reporter):
    """EXIF orientation is applied to the pixels, then EXIF is dropped (admin form)."""
    exif = Image.Exif()
    exif[0x0112] = 6
    client.force_login(reporter)
    accepted, shown = upload(client, "admin", "xoay.jpg", image_bytes((200, 100), exif=exif))
    assert accepted, shown
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (100, 200)
    assert b"Exif" not in stored_bytes()


def test_uploader_file_name_kept_clean_as_metadata_only(client, reporter):
    """The uploader's file name is kept without bidi or zero-width characters, and the
    stored name is generated."""
    client.force_login(reporter)
    name = "Ảnh\u200b hội\u202e nghị.jpg"
    accepted, shown = upload(client, "editor", name, image_bytes())
    assert accepted, shown
    photo = Photo.objects.get()
    assert photo.original_filename == "Ảnh hội nghị.jpg"
    assert photo.search_text == "anh hoi nghi.jpg"
    assert "nghi" not in photo.image.name and "Ảnh" not in photo.image.name


def test_admin_form_file_input_announces_the_accepted_types(admin_client):
    """The admin's file input lists the accepted extensions (a hint; the server decides)."""
    response = admin_client.get(ADMIN_ADD)
    assert 'accept=".jpg,.jpeg,.png,.webp,.gif"' in response.content.decode()
