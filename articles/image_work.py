"""Image work bounded per process, and renditions made outside the request if asked.

Decoding is the costly part of an upload: a 40 MP PNG takes about 4 s and over 250 MB,
and four at once pushed a worker past 1 GB. So at most settings.IMAGE_DECODE_CONCURRENCY
decodes (with their re-encoding) run at a time in one process; the next one waits up to
settings.IMAGE_DECODE_WAIT_SECONDS and is then refused with a Vietnamese "busy" message
instead of piling up.

With settings.RENDITIONS_IN_BACKGROUND the renditions of an upload are made in a thread
after the upload's transaction commits (the upload answers as soon as the cleaned
original is stored); pages show the original until they are ready, and
`manage.py rebuild_renditions --missing` (cron) catches any a restart interrupted.
"""

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger(__name__)

BUSY_MESSAGE = "Máy chủ đang bận xử lý ảnh khác, hãy thử lại sau ít phút."

_slots_lock = threading.Lock()
_slots = {}  # concurrency -> its semaphore (the setting may change, in tests)


def _semaphore():
    size = max(1, settings.IMAGE_DECODE_CONCURRENCY)
    with _slots_lock:
        if size not in _slots:
            _slots[size] = threading.BoundedSemaphore(size)
        return _slots[size]


class Busy(ValidationError):
    """No decode slot came free in time (a ValidationError: forms show its message)."""

    def __init__(self):
        super().__init__(BUSY_MESSAGE, code="busy")


@contextmanager
def decode_slot():
    """Hold one of the process's decode slots; raise Busy if none frees up in time."""
    slots = _semaphore()
    if not slots.acquire(timeout=settings.IMAGE_DECODE_WAIT_SECONDS):
        raise Busy()
    try:
        yield
    finally:
        slots.release()


def make_renditions(photo):
    """After an upload or a focal-point change, in a request: the renditions now, or
    (RENDITIONS_IN_BACKGROUND) in a thread once the transaction commits. A busy server
    or an unreadable file leaves the photo without renditions (pages show the
    original; rebuild_renditions --missing makes them later) rather than failing the
    upload that is already stored."""
    from articles.renditions import RenditionError, generate_renditions

    if settings.RENDITIONS_IN_BACKGROUND:
        pk = photo.pk
        transaction.on_commit(lambda: start_in_background(pk))
        return
    try:
        generate_renditions(photo)
    except (Busy, RenditionError) as error:
        logger.warning("Renditions of photo #%s postponed: %s", photo.pk, error)


def start_in_background(pk):
    thread = threading.Thread(
        target=_renditions_in_thread, args=(pk,), name=f"renditions-{pk}", daemon=True
    )
    thread.start()
    return thread


def _renditions_in_thread(pk):
    from articles.models import Photo
    from articles.renditions import generate_renditions

    close_old_connections()
    try:
        photo = Photo.objects.filter(pk=pk).first()
        if photo is not None:
            generate_renditions(photo)
    except Exception:  # a thread has no caller to tell: log it; cron retries
        logger.exception("Renditions of photo #%s failed in the background", pk)
    finally:
        connection.close()  # this thread's own connection
