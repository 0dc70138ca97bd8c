"""Image work bounded per process (articles/image_work.py): at most
IMAGE_DECODE_CONCURRENCY decodes at once, a Vietnamese "busy" answer instead of a pile-up,
and renditions made after the request when RENDITIONS_IN_BACKGROUND is on (pages show
the original until then)."""

import threading
import time

import pytest
from django.urls import reverse

from articles import image_work, images
from articles.images import clean_image
from articles.models import Photo
from tests.factories import REPORTER, image_upload, make_article, make_photo, make_user

UPLOAD = reverse("articles:editor_upload")


def test_at_most_n_decodes_at_a_time(settings, monkeypatch):
    settings.IMAGE_DECODE_CONCURRENCY = 2
    settings.IMAGE_DECODE_WAIT_SECONDS = 30
    running, peak, lock = [0], [0], threading.Lock()
    original = images._reencode

    def slow_reencode(*args):
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.3)
        with lock:
            running[0] -= 1
        return original(*args)

    monkeypatch.setattr(images, "_reencode", slow_reencode)
    results = []
    threads = [
        threading.Thread(target=lambda: results.append(clean_image(image_upload())))
        for _ in range(5)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 5  # everyone got through, two at a time
    assert peak[0] == 2


def test_no_slot_in_time_is_a_vietnamese_busy_refusal(settings):
    settings.IMAGE_DECODE_CONCURRENCY = 1
    settings.IMAGE_DECODE_WAIT_SECONDS = 0.1
    with image_work.decode_slot(), pytest.raises(image_work.Busy) as refusal:
        clean_image(image_upload())
    assert refusal.value.messages == ["Máy chủ đang bận xử lý ảnh khác, hãy thử lại sau ít phút."]
    clean_image(image_upload())  # the slot is free again


@pytest.mark.django_db
def test_the_editor_upload_answers_busy_and_stores_nothing(client, settings):
    settings.IMAGE_DECODE_CONCURRENCY = 1
    settings.IMAGE_DECODE_WAIT_SECONDS = 0.1
    client.force_login(make_user("phongvien", REPORTER))
    with image_work.decode_slot():
        response = client.post(UPLOAD, {"upload": image_upload()})
    assert response.status_code == 400
    assert response.json()["error"]["message"] == image_work.BUSY_MESSAGE
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_renditions_postponed_when_busy_and_the_page_shows_the_original(client, settings):
    settings.IMAGE_DECODE_CONCURRENCY = 1
    settings.IMAGE_DECODE_WAIT_SECONDS = 0.1
    photo = make_photo()
    with image_work.decode_slot():
        image_work.make_renditions(photo)  # no error: the upload is already stored
    photo.refresh_from_db()
    assert photo.renditions_ready_at is None and not photo.renditions.exists()
    article = make_article(lead_photo=photo)
    html = client.get(article.get_absolute_url()).content.decode()
    assert f'src="{photo.image.url}"' in html


# Committed for real (the renditions start after the commit); the database as migrated
# (roles included) around it, as for the browser tests (tests/browser.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_database_as_migrated")
def test_renditions_in_the_background_after_the_upload_commits(client, settings):
    settings.RENDITIONS_IN_BACKGROUND = True
    client.force_login(make_user("phongvien", REPORTER))
    response = client.post(UPLOAD, {"upload": image_upload(size=(1600, 900))})
    assert response.json()["uploaded"] == 1
    photo = Photo.objects.get()
    deadline = time.monotonic() + 30
    while photo.renditions_ready_at is None and time.monotonic() < deadline:
        time.sleep(0.1)
        photo.refresh_from_db()
    assert photo.renditions_ready_at is not None
    assert photo.renditions.filter(format="webp").exists()


@pytest.mark.django_db
def test_in_the_request_by_default(client):
    client.force_login(make_user("phongvien", REPORTER))
    client.post(UPLOAD, {"upload": image_upload(size=(1600, 900))})
    photo = Photo.objects.get()
    assert photo.renditions_ready_at is not None and photo.renditions.exists()
