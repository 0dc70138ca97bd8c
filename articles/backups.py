"""Backups a newsroom can trust: one tar.gz with the database and the media files,
and a MANIFEST of SHA-256 checksums that `restore` verifies before it touches anything.

The database is written by `dumpdata` (XML) inside one transaction that sees a single
snapshot — REPEATABLE READ (read only) on PostgreSQL; on SQLite the transaction holds
the write lock, so nobody commits meanwhile — so articles, revisions, events and
photos agree with each other however busy the newsroom is. Media files are read
after the snapshot: their names are random and never reused, so every file the
snapshot refers to is still there (files added meanwhile are extra, harmless).
Works with any storage (local disk or an S3 bucket) and either database.
"""

import hashlib
import io
import tarfile
import tempfile
import time
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction

from articles.orphan_media import stored_names

# XML, not JSON: Django's JSON encoder cuts datetimes to milliseconds, the XML
# serializer keeps every microsecond (revision times, publication times).
DATABASE_MEMBER = "database.xml"
MANIFEST = "MANIFEST"
MEDIA_PREFIX = "media/"
# Rebuilt by `migrate` on the target, or not worth keeping (logins end with a restore).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class BackupError(Exception):
    """The archive is damaged, incomplete or does not fit the target."""


def _dump_database():
    out = io.StringIO()
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        call_command(
            "dumpdata",
            format="xml",
            natural_foreign=True,
            exclude=EXCLUDED,
            stdout=out,
        )
    return out.getvalue().encode()


def _add(archive, name, data, manifest):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o644
    archive.addfile(info, io.BytesIO(data))
    manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}")


def write_backup(path, storage=default_storage):
    """Write the archive to `path`; returns (database bytes, number of media files)."""
    path = Path(path)
    database = _dump_database()
    manifest = []
    temporary = path.with_name(f".{path.name}.partial")
    with tarfile.open(temporary, "w:gz") as archive:
        _add(archive, DATABASE_MEMBER, database, manifest)
        count = 0
        for name in sorted(stored_names(storage)):
            with storage.open(name, "rb") as handle:
                _add(archive, MEDIA_PREFIX + name, handle.read(), manifest)
            count += 1
        _add(archive, MANIFEST, ("\n".join(manifest) + "\n").encode(), [])
    temporary.replace(path)  # a half-written archive never has the final name
    return len(database), count


def verify(path):
    """{member: sha256} of a sound archive; BackupError otherwise (a checksum that does
    not match, a member missing from or not listed in the manifest)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            if MANIFEST not in members:
                raise BackupError("Thiếu tệp MANIFEST: không phải bản sao lưu hợp lệ.")
            listed = {}
            for line in archive.extractfile(members[MANIFEST]).read().decode().splitlines():
                digest, name = line.split("  ", 1)
                listed[name] = digest
            if set(listed) != set(members) - {MANIFEST}:
                raise BackupError("Danh sách tệp trong bản sao lưu không khớp MANIFEST.")
            for name, digest in listed.items():
                actual = hashlib.sha256(archive.extractfile(members[name]).read()).hexdigest()
                if actual != digest:
                    raise BackupError(f"Sai mã kiểm tra (SHA-256): {name}")
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise BackupError(f"Không đọc được bản sao lưu: {error}") from error
    if DATABASE_MEMBER not in listed:
        raise BackupError("Bản sao lưu không có cơ sở dữ liệu.")
    return listed


def database_is_empty():
    from django.contrib.auth import get_user_model

    from articles.models import Article, Photo

    return not (
        Article.objects.exists() or Photo.objects.exists() or get_user_model().objects.exists()
    )


def restore_backup(path, *, force=False, storage=default_storage):
    """Verify, then load the archive into this (migrated, empty) database and storage.
    Returns (objects loaded, media files written)."""
    verify(path)
    if not database_is_empty():
        if not force:
            raise BackupError(
                "Cơ sở dữ liệu đích đã có dữ liệu; chỉ khôi phục vào cơ sở dữ liệu trống "
                "(hoặc dùng --force để xóa hết rồi khôi phục)."
            )
        call_command("flush", interactive=False, verbosity=0)
    with tarfile.open(path, "r:gz") as archive, tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / DATABASE_MEMBER
        dump.write_bytes(archive.extractfile(DATABASE_MEMBER).read())
        objects = dump.read_bytes().count(b"<object ")
        files = 0
        with transaction.atomic():
            call_command("loaddata", str(dump), verbosity=0)
        for member in archive.getmembers():
            if not (member.isfile() and member.name.startswith(MEDIA_PREFIX)):
                continue
            name = member.name.removeprefix(MEDIA_PREFIX)
            if storage.exists(name):
                storage.delete(name)
            saved = storage.save(name, ContentFile(archive.extractfile(member).read()))
            if saved != name:
                raise BackupError(f"Không ghi được tệp {name} đúng tên.")
            files += 1
    return objects, files
