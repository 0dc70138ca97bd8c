"""`manage.py backup` and `manage.py restore`, round trip: a site with articles,
revisions, events and photos (with their renditions) is backed up, restored into an
empty database and an empty media folder, and every article, revision, event and photo
— and every file's bytes — compares equal. On SQLite and on PostgreSQL (databases of
this module's own on the shared server). A damaged archive is refused before anything
is written, and so is a database that is not empty."""

import json
import os
import subprocess
import tarfile
from urllib.parse import urlsplit

import pytest

from tests.conftest import IN_CI
from tests.processes import ROOT, app_environment, manage, seed_site

CONTENT = r"""
from django.contrib.auth import get_user_model
from articles import services
from articles.models import Article
from articles.renditions import generate_renditions
from tests.factories import make_photo
chief = get_user_model().objects.get(username="tongbientap")
for article in Article.objects.all():
    photo = make_photo(caption=f"Ảnh của {article.title}", size=(1200, 800))
    generate_renditions(photo)
    article.lead_photo = photo
    for n in range(3):
        article.body = f"<p>Phiên bản {n} của bài, có dấu: Đà Nẵng, Huế.</p>"
        article.version += 1
        article.save()
        services.record_edit(article, by=chief, created=False)
"""

FINGERPRINT = r"""
import hashlib, json
from articles.models import Article, ArticleEvent, ArticleRevision, Photo, Rendition
def digest(field):
    with field.storage.open(field.name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()
print(json.dumps({
    "articles": [
        [a.pk, a.title, a.slug, a.sapo, a.body, a.status, str(a.published_at), a.version,
         a.category.slug, a.lead_photo_id, [x.display_name for x in a.bylines.all()]]
        for a in Article.objects.order_by("pk")
    ],
    "revisions": [
        [r.pk, r.article_id, r.number, json.dumps(r.content, sort_keys=True), str(r.created_at)]
        for r in ArticleRevision.objects.order_by("pk")
    ],
    "events": list(
        ArticleEvent.objects.order_by("pk").values_list("pk", "action", "actor__username")
    ),
    "photos": [[p.pk, p.caption, p.credit, p.image.name, digest(p.image)]
               for p in Photo.objects.order_by("pk")],
    "renditions": [[r.pk, r.photo_id, r.file.name, digest(r.file)]
                   for r in Rendition.objects.order_by("pk")],
}, ensure_ascii=False, default=str))
"""


def _postgres_urls():
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        base = url.rsplit("/", 1)[0]
    else:
        base = "postgres://postgres@127.0.0.1:5432"
    return base


def _recreate_postgres(base, name):
    import psycopg2

    parts = urlsplit(base)
    try:
        admin = psycopg2.connect(
            host=parts.hostname, port=parts.port or 5432, user=parts.username or "postgres",
            dbname="postgres", connect_timeout=3,
        )  # fmt: skip
    except psycopg2.OperationalError as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(f"PostgreSQL not reachable: {error}")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"{base}/{name}"


@pytest.fixture(params=["sqlite", "postgresql"])
def two_sites(request, tmp_path):
    """(source env, target env): the source seeded with content, the target migrated
    and empty, each with its own media folder."""
    if request.param == "sqlite":
        urls = [f"sqlite:///{tmp_path / name}.sqlite3" for name in ("source", "target")]
    else:
        base = _postgres_urls()
        urls = [
            _recreate_postgres(base, f"toasoan_reliability_backup_{name}")
            for name in ("source", "target")
        ]
    envs = []
    for url, name in zip(urls, ("source", "target"), strict=True):
        env = app_environment(url, DEBUG="1", SECRET_KEY="", MEDIA_ROOT=tmp_path / f"media-{name}")
        env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
        manage(env, "migrate", "--noinput")
        envs.append(env)
    seed_site(envs[0])
    manage(envs[0], "shell", "--no-imports", "-c", CONTENT)
    return envs


def _fingerprint(env):
    return json.loads(manage(env, "shell", "--no-imports", "-c", FINGERPRINT).stdout)


def test_backup_and_restore_round_trip(two_sites, tmp_path):
    source, target = two_sites
    archive = tmp_path / "toasoan.tar.gz"
    out = manage(source, "backup", str(archive)).stdout
    assert "Đã sao lưu vào" in out
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "MANIFEST" in names and "database.xml" in names
    assert any(name.startswith("media/renditions/") for name in names)

    restored = manage(target, "restore", str(archive)).stdout
    assert "Đã khôi phục" in restored

    before, after = _fingerprint(source), _fingerprint(target)
    assert len(before["articles"]) == 2
    assert len(before["revisions"]) >= 6 and len(before["renditions"]) > 4
    for kind in before:
        assert after[kind] == before[kind], kind

    # The restored site works: the server answers its pages from the restored data.
    check = manage(
        target, "shell", "--no-imports", "-c",
        "from django.test import Client; r = Client().get('/'); "
        "print(r.status_code, 'Giá xăng giảm lần thứ ba' in r.content.decode())",
    ).stdout.split()  # fmt: skip
    assert check[-2:] == ["200", "True"]

    # Restoring again into the now non-empty database is refused …
    refused = subprocess.run(
        [*_manage_command(), "restore", str(archive)], cwd=ROOT, env=target,
        capture_output=True, text=True,
    )  # fmt: skip
    assert refused.returncode != 0 and "chỉ khôi phục vào cơ sở dữ liệu trống" in refused.stderr
    # … unless forced, which gives the same site again.
    manage(target, "restore", "--force", str(archive))
    assert _fingerprint(target) == before


def _manage_command():
    import sys

    return [sys.executable, "manage.py"]


def test_a_damaged_archive_is_refused_before_anything_is_written(tmp_path):
    env = app_environment(
        f"sqlite:///{tmp_path / 'site.sqlite3'}", DEBUG="1", SECRET_KEY="",
        MEDIA_ROOT=tmp_path / "media",
    )  # fmt: skip
    env["DJANGO_SETTINGS_MODULE"] = "newsroom.settings"
    manage(env, "migrate", "--noinput")
    seed_site(env)
    archive = tmp_path / "good.tar.gz"
    manage(env, "backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as good, tarfile.open(damaged, "w:gz") as bad:
        for member in good.getmembers():
            data = good.extractfile(member).read()
            if member.name == "database.xml":
                data = data.replace("Giá xăng".encode(), "Giá vàng".encode())
                member.size = len(data)
            bad.addfile(member, __import__("io").BytesIO(data))
    target = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    manage(target, "migrate", "--noinput")
    result = subprocess.run(
        [*_manage_command(), "restore", str(damaged)], cwd=ROOT, env=target,
        capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0
    assert "Sai mã kiểm tra (SHA-256): database.xml" in result.stderr
    count = manage(
        target, "shell", "--no-imports", "-c",
        "from articles.models import Article; print(Article.objects.count())",
    ).stdout.split()[-1]  # fmt: skip
    assert count == "0"
    assert "Bản sao lưu nguyên vẹn" in manage(target, "restore", "--check", str(archive)).stdout
