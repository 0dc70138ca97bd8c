"""A worker killed (SIGKILL) in the middle of a save or an upload: the article is either
saved whole or not at all, no photo row exists without its renditions, and the files
written before the kill are unreferenced — found (and, with --delete, removed) by
`manage.py cleanup_media`, which never touches a file the database refers to or a
file younger than its threshold.

The request runs in a subprocess (the real admin form and the real CKEditor upload
view, through Django's test client) that stops at the worst moment — every write
done, nothing committed — prints READY and waits to be killed.
"""

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import ROOT, app_environment, manage, seed_site

SAVE = r"""
import sys, time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from articles import services
from articles.models import Article
from tests.factories import article_form_data

real = services.record_edit

def record_edit_then_hang(*args, **kwargs):
    result = real(*args, **kwargs)  # article row, bylines, tags, revision, event written
    print("READY", flush=True)
    time.sleep(120)
    return result

services.record_edit = record_edit_then_hang
article = Article.objects.get(pk=int(sys.argv[1]))
client = Client()
client.force_login(get_user_model().objects.get(username="tongbientap"))
data = article_form_data(article, title="Tiêu đề lưu dở bị cắt ngang",
                         body="<p>Thân bài mới chưa kịp lưu.</p>", _continue="1")
client.post(f"/admin/articles/article/{article.pk}/change/",
            {k: v for k, v in data.items() if v is not None})
"""

UPLOAD = r"""
import time
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from articles import renditions
from tests.factories import image_upload

real = renditions.generate_renditions

def renditions_then_hang(photo):
    made = real(photo)  # photo file and every rendition file written, rows not committed
    print("READY", flush=True)
    time.sleep(120)
    return made

# articles.image_work looks the function up at each upload.
renditions.generate_renditions = renditions_then_hang
client = Client(enforce_csrf_checks=False)
client.force_login(get_user_model().objects.get(username="tongbientap"))
client.post("/quan-tri/tai-anh/", {"upload": image_upload("anh.jpg", size=(1600, 900))})
"""

UPLOAD_ONE = r"""
import django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
from tests.factories import image_upload
client = Client()
client.force_login(get_user_model().objects.get(username="tongbientap"))
response = client.post("/quan-tri/tai-anh/", {"upload": image_upload("anh.jpg", size=(800, 600))})
print(response.json()["fileName"])
"""


@pytest.fixture
def site(tmp_path):
    database = tmp_path / "site.sqlite3"
    env = app_environment(
        f"sqlite:///{database}", DEBUG="1", MEDIA_ROOT=tmp_path / "media", SECRET_KEY=""
    )
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    manage(env, "migrate", "--noinput")
    article_id = seed_site(env)
    return env, database, tmp_path / "media", article_id


def run_until_killed(env, script, *args):
    """Run `script` until it prints READY, then SIGKILL it (as the OOM killer or a
    `kill -9` of a gunicorn worker would)."""
    process = subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline()
        assert line.strip() == "READY", line + process.stderr.read()
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    assert process.returncode == -signal.SIGKILL


def rows(database, sql):
    with sqlite3.connect(database) as connection:
        return connection.execute(sql).fetchall()


def media_files(folder):
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


def test_a_save_killed_midway_leaves_the_article_as_it_was(site):
    env, database, _media, article_id = site
    query = (
        "SELECT title, body, version, (SELECT count(*) FROM articles_articlerevision "
        f"WHERE article_id = {article_id}), (SELECT count(*) FROM articles_articleevent "
        f"WHERE article_id = {article_id}) FROM articles_article WHERE id = {article_id}"
    )
    before = rows(database, query)
    run_until_killed(env, SAVE, article_id)
    after = rows(database, query)
    assert after == before
    assert after[0][0] == "Giá xăng giảm lần thứ ba"


def test_an_upload_killed_midway_leaves_only_unreferenced_files_cleanup_removes(site):
    env, database, media, _article_id = site
    kept = subprocess.run(
        [sys.executable, "-c", UPLOAD_ONE], cwd=ROOT, env=env, capture_output=True, text=True,
        check=True,
    ).stdout.split()[-1]  # fmt: skip
    files_before = media_files(media)
    assert kept in files_before and len(files_before) > 5  # the photo and its renditions
    photos = "SELECT count(*) FROM articles_photo"
    renditions = "SELECT count(*) FROM articles_rendition"
    counts = (rows(database, photos), rows(database, renditions))

    run_until_killed(env, UPLOAD)

    assert (rows(database, photos), rows(database, renditions)) == counts  # nothing half-made
    left = sorted(set(media_files(media)) - set(files_before))
    assert any(name.startswith("photos/") for name in left)
    assert any(name.startswith("renditions/") for name in left)

    # Young files are an upload in progress: not even listed by default.
    listed = manage(env, "cleanup_media").stdout
    assert "Tìm thấy 0 tệp không dùng" in listed
    dry = manage(env, "cleanup_media", "--older-than-hours", "0").stdout
    assert f"Tìm thấy {len(left)} tệp không dùng" in dry
    assert all(name in dry for name in left)
    assert media_files(media) == sorted(files_before + left)  # a dry run deletes nothing

    manage(env, "cleanup_media", "--older-than-hours", "0", "--delete")
    assert media_files(media) == files_before  # every referenced file kept
    check = manage(env, "shell", "--no-imports", "-c", CHECK_FILES).stdout
    assert json.loads(check) == {"missing": []}


CHECK_FILES = r"""
import json
from articles.models import Photo, Rendition
missing = [p.image.name for p in Photo.objects.all() if not p.image.storage.exists(p.image.name)]
missing += [r.file.name for r in Rendition.objects.all() if not r.file.storage.exists(r.file.name)]
print(json.dumps({"missing": missing}))
"""
