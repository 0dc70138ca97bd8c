"""Renditions: made at upload through every path, right sizes, focal point kept in crops,
rebuilt by command, served with <picture>/srcset, never generated for a reader."""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import DatabaseError, transaction
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageChops

from articles.demo_content import DemoPhoto, create_demo_photo
from articles.models import ArticlePhoto, Photo, Rendition
from articles.renditions import (
    crop_box,
    family_of,
    generate_renditions,
    picture_for,
    rendition_specs,
)
from tests.factories import REPORTER, image_bytes, make_article, make_photo, make_user

pytestmark = pytest.mark.django_db
UPLOAD_URL = reverse("articles:editor_upload")

# What a 2000×1500 photo gets: kind -> pixel size. Every kind in WebP and JPEG but "og".
EXPECTED_2000x1500 = {
    "w320": (320, 240),
    "w640": (640, 480),
    "w960": (960, 720),
    "w1280": (1280, 960),
    "w1920": (1920, 1440),
    "16x9-320": (320, 180),
    "16x9-480": (480, 270),
    "16x9-640": (640, 360),
    "16x9-800": (800, 450),
    "16x9-960": (960, 540),
    "1x1-160": (160, 160),
    "1x1-320": (320, 320),
    "og": (1200, 630),
}


def upload(client, size, fmt="JPEG", name="anh.jpg"):
    """Upload an image through the CKEditor endpoint, as a reporter; return the Photo."""
    if not client.session.get("_auth_user_id"):
        client.force_login(make_user("phongvien", REPORTER))
    response = client.post(
        UPLOAD_URL, {"upload": SimpleUploadedFile(name, image_bytes(size, fmt=fmt))}
    )
    assert response.status_code == 200, response.content
    return Photo.objects.get(image=response.json()["fileName"])


def stored_image(name):
    with default_storage.open(name, "rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
    return image


def rendition_files(photo):
    return set(photo.renditions.values_list("file", flat=True))


def photo_with_renditions(size=(700, 400), **fields):
    photo = make_photo(size=size)
    for name, value in fields.items():
        setattr(photo, name, value)
    photo.save()
    generate_renditions(photo)
    return photo


# --- Made at upload ------------------------------------------------------------------


def test_upload_makes_every_kind_in_webp_and_jpeg(client):
    """A 2000×1500 JPEG uploaded in CKEditor gets every kind at the right pixel size, in
    WebP and JPEG (the OpenGraph crop in JPEG only), as readable files; the photo is ready."""
    photo = upload(client, (2000, 1500))
    renditions = list(photo.renditions.all())
    made = {(r.kind, r.format): r for r in renditions}
    expected = {(kind, fmt) for kind in EXPECTED_2000x1500 for fmt in ("webp", "jpg")}
    expected.discard(("og", "webp"))
    assert set(made) == expected
    for (kind, fmt), rendition in made.items():
        image = stored_image(rendition.file.name)
        assert image.format == {"webp": "WEBP", "jpg": "JPEG"}[fmt]
        assert image.size == EXPECTED_2000x1500[kind] == (rendition.width, rendition.height)
        assert rendition.size_bytes == default_storage.size(rendition.file.name) > 0
        assert rendition.file.name.endswith(f".{fmt}")
    assert photo.renditions_ready_at is not None


def test_small_upload_is_never_upscaled(client):
    """A 500×400 upload has nothing wider than 500 px: no w640 and up; its own width is
    kept as the sharpest copy (w500), and crops stop at the pixels the photo has."""
    photo = upload(client, (500, 400))
    kinds = set(photo.renditions.values_list("kind", flat=True))
    assert {"w320", "w500", "16x9-320", "16x9-480", "16x9-500", "1x1-160", "1x1-320", "og"} == kinds
    for rendition in photo.renditions.all():
        assert rendition.width <= 500 and rendition.height <= 400
    assert photo.renditions.get(kind="og").height == 262  # 500 wide at 1200:630


def test_png_with_transparency_becomes_white_in_jpeg_and_stays_clear_in_webp(client):
    """JPEG has no transparency: a transparent PNG's JPEG renditions are flattened on white,
    the WebP ones keep the alpha channel."""
    buffer = io.BytesIO()
    Image.new("RGBA", (400, 300), (255, 0, 0, 0)).save(buffer, format="PNG")
    client.force_login(make_user("phongvien", REPORTER))
    response = client.post(UPLOAD_URL, {"upload": SimpleUploadedFile("a.png", buffer.getvalue())})
    photo = Photo.objects.get(image=response.json()["fileName"])
    jpeg = stored_image(photo.renditions.get(kind="w320", format="jpg").file.name)
    webp = stored_image(photo.renditions.get(kind="w320", format="webp").file.name)
    assert jpeg.convert("RGB").getpixel((10, 10)) == (255, 255, 255)
    assert webp.mode == "RGBA" and webp.getpixel((10, 10))[3] == 0


def test_animated_gif_keeps_playing(client):
    """An animated GIF gets only its OpenGraph still: pages keep showing the original file."""
    frames = [Image.new("RGB", (120, 80), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(
        buffer, format="GIF", save_all=True, append_images=frames[1:], loop=0, duration=100
    )
    client.force_login(make_user("phongvien", REPORTER))
    response = client.post(UPLOAD_URL, {"upload": SimpleUploadedFile("a.gif", buffer.getvalue())})
    photo = Photo.objects.get(image=response.json()["fileName"])
    assert list(photo.renditions.values_list("kind", "format")) == [("og", "jpg")]
    assert picture_for(photo, "16x9").src == photo.image.url


def test_importer_and_demo_photos_get_renditions(tmp_path):
    """The importer's photo and every demo photo get renditions when they are stored."""
    from articles.importer import article_import, parse_article
    from tests.factories import make_category
    from tests.test_import_article import SMALL_ARTICLE

    make_category(name="Công Thương")
    image = tmp_path / "anh.jpg"
    image.write_bytes(image_bytes((800, 500)))
    result = article_import(parsed=parse_article(SMALL_ARTICLE), image_path=image)
    imported = result.article.lead_photo
    assert imported.renditions_ready_at and imported.renditions.filter(kind="w640").exists()

    demo = create_demo_photo(DemoPhoto("ĐIỆN GIÓ", "Chú thích", "Ảnh: Minh Thư", "Tua-bin"))
    assert demo.renditions_ready_at and demo.renditions.filter(kind="og").count() == 1


def test_admin_upload_and_focal_point_change_regenerate(client, django_capture_on_commit_callbacks):
    """Uploading in the photo admin makes renditions; moving the focal point remakes them
    (old files deleted); saving a caption alone leaves them untouched."""
    admin_user = get_user_model().objects.create_superuser("admin", "a@example.com", "x")
    client.force_login(admin_user)
    fields = {
        "caption": "Chú thích",
        "credit": "Ảnh: Minh Thư",
        "alt_text": "",
        "taken_at": "",
        "focal_x": "0.5",
        "focal_y": "0.5",
    }
    image = SimpleUploadedFile("a.jpg", image_bytes((900, 600)))
    response = client.post(reverse("admin:articles_photo_add"), {**fields, "image": image})
    assert response.status_code == 302, response.content.decode()[:3000]
    photo = Photo.objects.get()
    first = rendition_files(photo)
    assert first and photo.renditions.filter(kind="1x1-320").exists()

    change_url = reverse("admin:articles_photo_change", args=[photo.pk])
    response = client.post(change_url, {**fields, "caption": "Chú thích mới"})
    assert response.status_code == 302
    assert rendition_files(photo) == first

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_url, {**fields, "focal_x": "0.95"})
    assert response.status_code == 302
    second = rendition_files(photo)
    assert second and not second & first
    assert not any(default_storage.exists(name) for name in first)
    assert photo.renditions.get(kind="1x1-320", format="jpg").width == 320


# --- Crops keep the focal point --------------------------------------------------------

CORNERS = [(0, 0), (1, 0), (0, 1), (1, 1), (0.5, 0.5), (0.02, 0.97), (0.7, 0.3)]
SIZES = [(2000, 1500), (1500, 2000), (1920, 1080), (640, 640), (333, 1000), (5, 3)]
RATIOS = [(16, 9), (1, 1), (1200, 630)]


def test_crop_box_keeps_the_focal_point():
    """The crop is the largest box of the ratio inside the image, and the focal point is
    inside it, wherever the point is (corners included)."""
    for width, height in SIZES:
        for focal_x, focal_y in CORNERS:
            for ratio in RATIOS:
                case = (width, height, focal_x, focal_y, ratio)
                left, top, right, bottom = crop_box(width, height, focal_x, focal_y, ratio)
                assert 0 <= left < right <= width and 0 <= top < bottom <= height, case
                assert left <= focal_x * width <= right, case
                assert top <= focal_y * height <= bottom, case
                box_w, box_h = right - left, bottom - top
                assert box_w == width or box_h == height, case  # the largest such box
                assert abs(box_w * ratio[1] - box_h * ratio[0]) <= max(ratio), case  # ±1 px


def test_crop_box_moves_towards_the_focal_point():
    """Centred by default; a focal point near an edge moves the box to that edge."""
    assert crop_box(2000, 1500, 0.5, 0.5, (16, 9)) == (0, 188, 2000, 1313)
    assert crop_box(2000, 1500, 0.5, 0.0, (16, 9)) == (0, 0, 2000, 1125)
    assert crop_box(2000, 1500, 0.5, 1.0, (16, 9)) == (0, 375, 2000, 1500)
    assert crop_box(2000, 1500, 0.6, 0.5, (1, 1)) == (450, 0, 1950, 1500)
    assert crop_box(2000, 1500, 1.0, 0.5, (1, 1)) == (500, 0, 2000, 1500)
    assert crop_box(2000, 1500, 7, -3, (1, 1)) == (500, 0, 2000, 1500)  # clamped to 0–1


def test_square_thumbnail_shows_the_subject_at_the_focal_point():
    """A red subject near the right edge of a wide photo is in its 1:1 thumbnail when
    the focal point is set on it, and cut off when the crop is centred."""
    picture = Image.new("RGB", (1000, 400), (20, 20, 120))
    picture.paste((230, 0, 0), (900, 150, 980, 250))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=95)
    photo = Photo(focal_x=0.94, focal_y=0.5)
    photo.image.save("a.jpg", ContentFile(buffer.getvalue()), save=False)
    photo.save()

    def reddest(photo):
        generate_renditions(photo)
        thumb = stored_image(photo.renditions.get(kind="1x1-320", format="jpg").file.name)
        red, _, blue = thumb.convert("RGB").split()
        return ImageChops.subtract(red, blue).getextrema()[1]

    assert reddest(photo) > 150
    photo.focal_x = 0.5
    assert reddest(photo) < 50


def test_specs_follow_the_kind_names():
    """Kind names say the family and the width; families read back from them."""
    for spec in rendition_specs(2000, 1500):
        assert spec.size == EXPECTED_2000x1500[spec.kind]
    assert [family_of(k) for k in ("w640", "16x9-320", "1x1-160", "og")] == [
        "w",
        "16x9",
        "1x1",
        "og",
    ]


# --- Regenerating --------------------------------------------------------------------


def test_regenerating_replaces_rows_and_deletes_old_files(django_capture_on_commit_callbacks):
    """Running it again is safe: same kinds, new files, old files gone from storage."""
    photo = make_photo(size=(700, 400))
    with django_capture_on_commit_callbacks(execute=True):
        generate_renditions(photo)
    first = rendition_files(photo)
    kinds = set(photo.renditions.values_list("kind", "format"))
    with django_capture_on_commit_callbacks(execute=True):
        generate_renditions(photo)
    second = rendition_files(photo)
    assert set(photo.renditions.values_list("kind", "format")) == kinds
    assert len(second) == len(first) and not first & second
    assert all(default_storage.exists(name) for name in second)
    assert not any(default_storage.exists(name) for name in first)


def stored_files(storage, folder=""):
    """Every file name in the storage under `folder`, through the storage API."""
    directories, files = storage.listdir(folder) if storage.exists(folder) else ([], [])
    names = {f"{folder}/{name}".lstrip("/") for name in files}
    for directory in directories:
        names |= stored_files(storage, f"{folder}/{directory}".lstrip("/"))
    return names


def rendition_state(photo):
    photo.refresh_from_db()
    rows = list(photo.renditions.order_by("pk").values())
    return rows, photo.renditions_ready_at


@pytest.fixture
def regenerated_photo(django_capture_on_commit_callbacks):
    """A 700×400 photo with its 19 renditions made once (old files already cleaned)."""
    photo = make_photo(size=(700, 400))
    with django_capture_on_commit_callbacks(execute=True):
        generate_renditions(photo)
    return photo


# The 19 stores of a 700×400 photo's run: the first, the second, one midway, the last.
@pytest.mark.parametrize("failing_save", [1, 2, 10, 19])
def test_a_run_failing_midway_keeps_the_old_renditions_and_leaves_no_orphans(
    regenerated_photo, monkeypatch, django_capture_on_commit_callbacks, failing_save
):
    """generate_renditions promises new files first, rows swapped in one transaction,
    old files deleted only after that commits. When the Nth store fails (disk full),
    the photo keeps its old rows and their files, and the files the failed run had
    already stored are deleted: storage holds exactly what it held before."""
    photo = regenerated_photo
    storage = Rendition._meta.get_field("file").storage
    rows_before, ready_before = rendition_state(photo)
    files_before = stored_files(storage)
    assert len(rows_before) == 19 and {row["file"] for row in rows_before} <= files_before

    real_save, stored = storage.save, []

    def save_failing_at_n(name, content, *args, **kwargs):
        if len(stored) + 1 == failing_save:
            raise OSError("No space left on device")
        stored.append(real_save(name, content, *args, **kwargs))
        return stored[-1]

    monkeypatch.setattr(storage, "save", save_failing_at_n)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(OSError):
        generate_renditions(photo)
    monkeypatch.undo()

    assert len(stored) == failing_save - 1  # the run did store files before failing
    assert rendition_state(photo) == (rows_before, ready_before)
    assert stored_files(storage) == files_before
    assert not any(storage.exists(name) for name in stored)


def test_a_run_failing_at_the_row_swap_keeps_the_old_renditions_and_leaves_no_orphans(
    regenerated_photo, monkeypatch, django_capture_on_commit_callbacks
):
    """Every file stored, then the database refuses the new rows: the old rows come back
    with the rollback, their files stay, the new files go."""
    photo = regenerated_photo
    storage = Rendition._meta.get_field("file").storage
    rows_before, ready_before = rendition_state(photo)
    files_before = stored_files(storage)

    def refuse(*args, **kwargs):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(Rendition.objects, "bulk_create", refuse)
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(DatabaseError),
    ):
        generate_renditions(photo)
    monkeypatch.undo()

    assert callbacks == []  # no deletion of the old files was scheduled
    assert rendition_state(photo) == (rows_before, ready_before)
    assert stored_files(storage) == files_before


def test_old_files_outlive_a_rolled_back_caller_transaction(regenerated_photo):
    """If the caller's transaction rolls back after a successful run, the old rows are
    back and so must their files be: they are deleted only on commit."""
    photo = regenerated_photo
    storage = Rendition._meta.get_field("file").storage
    rows_before, ready_before = rendition_state(photo)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        generate_renditions(photo)
        raise Abort
    assert rendition_state(photo) == (rows_before, ready_before)
    assert all(storage.exists(row["file"]) for row in rows_before)


def test_storage_api_only(settings):
    """Renditions are read and written through Django's storage API alone: with an
    in-memory storage nothing touches the disk and everything still works."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    photo = make_photo(size=(700, 400))
    generate_renditions(photo)
    assert photo.renditions.count() == 19  # w320/640/700, 16x9-320/480/640/700, 1x1-160/320, og
    assert stored_image(photo.renditions.get(kind="w640", format="webp").file.name).size == (
        640,
        366,
    )
    assert not (settings.MEDIA_ROOT).exists()


def _corrupt(photo):
    name = photo.image.name
    default_storage.delete(name)
    assert default_storage.save(name, ContentFile(b"\xff\xd8 not really a jpeg")) == name


def rebuild(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("rebuild_renditions", *args, stdout=out, stderr=err, verbosity=0)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None


def test_rebuild_regenerates_every_photo():
    """`rebuild_renditions` remakes all photos' renditions, ready or not."""
    ready = photo_with_renditions()
    never = make_photo(size=(300, 200))
    before = rendition_files(ready)
    out, err, error = rebuild()
    assert error is None and err == ""
    assert "Đã tạo cỡ ảnh cho 2 ảnh" in out
    assert rendition_files(ready) and not rendition_files(ready) & before
    assert never.renditions.exists()
    never.refresh_from_db()
    assert never.renditions_ready_at is not None


def test_rebuild_missing_skips_photos_that_are_ready():
    """`--missing` only does photos never done, so an interrupted run resumes cheaply."""
    ready = photo_with_renditions()
    never = make_photo(size=(300, 200))
    before = rendition_files(ready)
    out, _, error = rebuild("--missing")
    assert error is None and "Đã tạo cỡ ảnh cho 1 ảnh" in out
    assert rendition_files(ready) == before
    assert never.renditions.exists()
    assert rebuild("--missing")[0] == "Không có ảnh nào cần tạo cỡ ảnh.\n"


def test_rebuild_reports_a_broken_photo_and_goes_on():
    """A photo whose stored file is corrupt is named in the report, the others are still
    done, and the command fails (exit status 1) at the end."""
    first = make_photo(size=(300, 200))
    broken = make_photo(size=(300, 200))
    last = make_photo(size=(300, 200))
    _corrupt(broken)
    out, err, error = rebuild()
    assert f"Lỗi ở ảnh #{broken.pk}: Tệp ảnh gốc của ảnh #{broken.pk} hỏng" in err
    assert error is not None and error.returncode == 1
    assert f"#{broken.pk}" in str(error) and "không tạo được" in str(error)
    assert "Đã tạo cỡ ảnh cho 2 ảnh" in out
    assert first.renditions.exists() and last.renditions.exists()
    assert not broken.renditions.exists()
    broken.refresh_from_db()
    assert broken.renditions_ready_at is None


def test_rebuild_before_resumes_an_interrupted_full_run():
    """`--before T` does the photos not done since T: those an interrupted run missed."""
    done = photo_with_renditions()
    cut = done.renditions_ready_at
    later = photo_with_renditions()  # done after the run "started" at `cut`
    old = photo_with_renditions()
    Photo.objects.filter(pk=old.pk).update(renditions_ready_at=cut.replace(year=cut.year - 1))
    before = {p.pk: rendition_files(p) for p in (done, later, old)}
    out, _, error = rebuild("--before", later.renditions_ready_at.isoformat())
    assert error is None
    assert rendition_files(later) == before[later.pk]
    assert rendition_files(old) != before[old.pk]


# --- Public pages --------------------------------------------------------------------


def test_article_page_serves_picture_with_srcset(client):
    """The article page shows photos as <picture> with a WebP source and width-described
    candidates, width/height on the <img>; the lead photo loads at once, photos further
    down lazily."""
    lead = photo_with_renditions(size=(1000, 600))
    extra = photo_with_renditions(size=(700, 400))
    article = make_article(lead_photo=lead, photos=[extra])
    html = client.get(article.get_absolute_url()).content.decode()
    pictures = re.findall(r"<picture>.*?</picture>", html, re.S)
    assert len(pictures) == 2
    for picture in pictures:
        assert '<source type="image/webp" srcset="' in picture
        srcsets = re.findall(r'srcset="([^"]+)"', picture)
        assert len(srcsets) == 2
        for srcset in srcsets:
            for candidate in srcset.split(", "):
                assert re.fullmatch(r"/media/renditions/\S+\.(webp|jpg) \d+w", candidate)
        assert 'sizes="' in picture and 'decoding="async"' in picture
    lead_img = re.search(r"<img [^>]+>", pictures[0]).group(0)
    assert 'width="1000" height="600"' in lead_img and 'loading="eager"' in lead_img
    extra_img = re.search(r"<img [^>]+>", pictures[1]).group(0)
    assert 'width="700" height="400"' in extra_img and 'loading="lazy"' in extra_img
    assert "w640" not in html  # kind names are not URLs: files have random names


def test_cards_use_the_16x9_crop(client):
    """Home page cards show the 16:9 crops: the lead story's at once (it is the first
    thing a reader sees), the others lazily."""
    photo = photo_with_renditions(size=(1000, 800))
    make_article(title="Bài mới nhất", lead_photo=photo)
    make_article(title="Bài trước đó", lead_photo=photo,
                 published_at=timezone.now() - timedelta(days=1))  # fmt: skip
    html = client.get("/").content.decode()
    pictures = re.findall(r'<a class="card-photo"[^>]*>(<picture>.*?</picture>)</a>', html, re.S)
    assert len(pictures) >= 2, html  # the lead story, then latest news and section blocks
    crops = {r.file.url: r for r in photo.renditions.filter(kind__startswith="16x9-")}
    for picture in pictures:
        urls = re.findall(r"(/media/renditions/\S+) \d+w", picture)
        assert urls and all(url in crops for url in urls)
        assert 'width="960" height="540"' in picture
    lead, *cards = pictures
    assert 'loading="eager"' in lead and 'fetchpriority="high"' in lead
    assert all('loading="lazy"' in card for card in cards)


def test_og_image_is_the_1200_wide_jpeg(client):
    """OpenGraph points at the 1200×630 JPEG crop, with its size, as an absolute URL."""
    photo = photo_with_renditions(size=(1600, 1000))
    article = make_article(lead_photo=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    url = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert url.startswith("http://testserver/media/renditions/") and url.endswith(".jpg")
    assert '<meta property="og:image:width" content="1200">' in html
    assert '<meta property="og:image:height" content="630">' in html
    og = stored_image(url.removeprefix("http://testserver/media/"))
    assert og.format == "JPEG" and og.size == (1200, 630)


def test_photo_without_renditions_shows_the_original_and_nothing_is_generated(client):
    """Readers never trigger generation: a photo without renditions is served from its
    original file (no srcset), and GETs of every public page create no rendition."""
    bare = make_photo(size=(300, 200))
    ready = photo_with_renditions()
    article = make_article(lead_photo=bare, photos=[ready])
    other = make_article(title="Bài khác", lead_photo=ready, category=article.category)
    count = Rendition.objects.count()
    pages = ["/", article.category.get_absolute_url(), article.get_absolute_url()]
    pages.append(other.get_absolute_url())
    for path in pages:
        assert client.get(path).status_code == 200
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'<img src="{bare.image.url}" width="300" height="200"' in html
    assert Rendition.objects.count() == count
    bare.refresh_from_db()
    assert bare.renditions_ready_at is None and not bare.renditions.exists()


def test_picture_tag_uses_prefetched_renditions(django_assert_num_queries):
    """With `…__renditions` prefetched the tag runs no query; the fallback image needs none."""
    photo_with_renditions()
    photo = Photo.objects.prefetch_related("renditions").get()
    template = Template('{% load photos %}{% picture photo "card" %}{% picture photo "thumb" %}')
    with django_assert_num_queries(0):
        html = template.render(Context({"photo": photo}))
    assert html.count("<picture>") == 2 and " 160w" in html


def test_body_images_of_library_photos_get_srcset(client):
    """A library photo inserted in the body (CKEditor) keeps its markup and gains a WebP
    <source> and srcset; the rest of the body is left as it was, and an image from
    another host is dropped on save (it would track readers)."""
    photo = photo_with_renditions(size=(1000, 600))
    body = (
        f'<p>Mở đầu &amp; "trích dẫn"</p><figure class="image"><img src="{photo.image.url}" '
        'alt="Ảnh &lt;hội chợ&gt;" width="500" height="300"><figcaption>Chú thích'
        '</figcaption></figure><p><img src="https://example.com/x.jpg" alt=""></p>'
    )
    article = make_article(body=body)
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<p>Mở đầu &amp; "trích dẫn"</p><figure class="image"><picture>' in html
    assert '<source type="image/webp" srcset="' in html
    tag = re.search(rf'<img src="{re.escape(photo.image.url)}"[^>]+>', html).group(0)
    assert tag.startswith(
        f'<img src="{photo.image.url}" alt="Ảnh &lt;hội chợ&gt;" width="500" height="300" '
    )
    assert re.search(r'srcset="(/media/renditions/\S+\.jpg \d+w(, )?)+"', tag)
    assert 'sizes="(max-width: 532px) calc(100vw - 32px), 500px"' in tag
    assert 'loading="lazy"' in tag
    assert "</picture><figcaption>Chú thích</figcaption></figure>" in html
    assert "example.com" not in html and "<p></p>" in html


def test_extra_photo_attached_but_in_body_is_not_repeated(client):
    """An attached photo already shown in the body is not shown again below it."""
    photo = photo_with_renditions()
    article = make_article(body=f'<p><img src="{photo.image.url}" alt=""></p>')
    ArticlePhoto.objects.create(article=article, photo=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.count("<picture>") == 1


def test_pages_read_the_stored_index_not_the_rows(django_assert_num_queries):
    """A card's srcset comes from the photo's stored index: no rendition query at all,
    and the same candidates as the rows."""
    photo = photo_with_renditions(size=(1000, 600))
    photo = Photo.objects.get(pk=photo.pk)
    rows = Rendition.objects.filter(photo=photo, kind__startswith="16x9", format="jpg")
    expected = ", ".join(f"{r.file.url} {r.width}w" for r in rows.order_by("width"))
    with django_assert_num_queries(0):
        picture = picture_for(photo, "16x9")
    assert picture.jpeg_srcset == expected
    assert picture.webp_srcset.count("w,") == rows.count() - 1


def test_the_migration_builds_the_index_from_existing_rows():
    from importlib import import_module

    from django.apps import apps

    photo = photo_with_renditions(size=(1000, 600))
    expected = Photo.objects.get(pk=photo.pk).rendition_index
    assert expected["w"]["webp"] and expected["og"]["jpg"]
    Photo.objects.update(rendition_index={})
    import_module("articles.migrations.0009_photo_rendition_index").fill_index(apps, None)
    assert Photo.objects.get(pk=photo.pk).rendition_index == expected


def test_picture_markup_escapes_and_orders_attributes():
    """The exact `<picture>` a card gets: WebP source first, JPEG fallback with srcset,
    sizes, dimensions, escaped alt text, lazy unless told; a photo without renditions
    is a plain `<img>` of its original file."""
    photo = photo_with_renditions(size=(1000, 600))
    photo.alt_text = 'Gian hàng "cà phê" <Tây Nguyên> & chè'
    html = Template('{% load photos %}{% picture photo "card" %}').render(Context({"photo": photo}))
    assert re.fullmatch(
        r'<picture><source type="image/webp" srcset="(/media/renditions/\S+\.webp \d+w(, )?)+"'
        r' sizes="[^"]+"><img src="/media/renditions/\S+\.jpg"'
        r' srcset="(/media/renditions/\S+\.jpg \d+w(, )?)+" sizes="[^"]+"'
        r' width="\d+" height="\d+" alt="Gian hàng &quot;cà phê&quot; &lt;Tây Nguyên&gt;'
        r' &amp; chè" loading="lazy" decoding="async"></picture>',
        html,
    ), html
    photo.rendition_index = {}
    eager = Template('{% load photos %}{% picture photo "figure" lazy=False alt="" %}').render(
        Context({"photo": photo})
    )
    assert eager == (
        f'<img src="{photo.image.url}" width="{photo.width}" height="{photo.height}" alt=""'
        ' loading="eager" fetchpriority="high" decoding="async">'
    )
