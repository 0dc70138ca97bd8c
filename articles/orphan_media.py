"""Files in media storage that no database row refers to.

A worker killed between writing an upload (or a rendition) and committing its row
leaves such a file: it is never linked from a page, and its name is random, but it
takes room. `manage.py cleanup_media` lists them and, with --delete, removes those
older than a threshold (younger ones may belong to an upload still in progress).
Works through the storage API, so on S3-compatible storage too.
"""

from datetime import timedelta

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import models
from django.utils import timezone


def referenced_names():
    """Every file name stored in any FileField/ImageField of any model."""
    names = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .exclude(**{f"{field.name}__isnull": True})
                    .values_list(field.name, flat=True)
                    .iterator()
                )
    return names


def stored_names(storage=default_storage, folder=""):
    """Every file under `folder` of the storage, recursively (names as stored)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{folder}/{name}" if folder else name
    for sub in folders:
        yield from stored_names(storage, f"{folder}/{sub}" if folder else sub)


def orphans(older_than=timedelta(hours=24), storage=default_storage, now=None):
    """(name, size, modified) of the unreferenced files last modified before
    `older_than` ago. The referenced names are read after listing, so a file
    committed meanwhile is never reported."""
    now = now or timezone.now()
    listed = list(stored_names(storage))
    referenced = referenced_names()
    found = []
    for name in listed:
        if name in referenced:
            continue
        try:
            modified = storage.get_modified_time(name)
            size = storage.size(name)
        except FileNotFoundError:
            continue  # removed meanwhile
        if timezone.is_naive(modified):
            modified = timezone.make_aware(modified)
        if now - modified >= older_than:
            found.append((name, size, modified))
    return found
