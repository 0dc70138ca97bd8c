"""Renditions: the resized and cropped copies public pages serve, made once per photo.

`generate_renditions(photo)` runs right after a Photo is stored (CKEditor upload,
photo admin, importer, demo seeding) and again from `manage.py rebuild_renditions`
or when an editor moves the focal point. Readers never trigger it: public
templates only read what is stored, and fall back to the original file for a
photo that has no renditions yet (`picture_for`).

What is made, from the stored (already cleaned) file, never upscaled:

* "w<width>": original ratio, widths 320/640/960/1280/1920, plus the photo's own
  width when it is narrower than 1920 (a 1200 px photo gets w320…w960 and w1200);
* "16x9-<width>" (320/480/640/800/960) and "1x1-<width>" (160/320): the largest crop of
  that ratio, moved towards the focal point as far as the edges allow;
* "og": a 1200×630 crop for OpenGraph, JPEG only (link previews want JPEG).

Every kind except "og" is stored as WebP and JPEG. Files go through the storage
API only (no filesystem paths), so media can live on S3-compatible storage.
"""

import io
import math
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import transaction
from django.utils import timezone
from django.utils.encoding import filepath_to_uri
from PIL import Image

from articles.image_work import decode_slot
from articles.models import Photo, Rendition
from articles.text import parse_number

WIDTHS = (320, 640, 960, 1280, 1920)
# family: (ratio as (w, h), widths)
CROPS = {
    # 480 and 800 fit a card on a 1.5× laptop screen and on a 2× phone (336 px slot).
    "16x9": ((16, 9), (320, 480, 640, 800, 960)),
    "1x1": ((1, 1), (160, 320)),
}
OG_KIND = "og"
OG_SIZE = (1200, 630)
ORIGINAL = "w"  # the family of original-ratio kinds
# Admin lists and the editor's photo browser show photos about 100–170 px wide; the
# smallest rendition (320 px, a few kilobytes) is sharp there on a 2× screen.
THUMBNAIL_WIDTH = 320

WEBP, JPEG = Rendition.Format.WEBP, Rendition.Format.JPEG
# Progressive JPEG shows a first pass early on a slow connection. WebP method 4
# (libwebp's default): method 2 is twice as fast but its files were 7% larger here.
JPEG_OPTIONS = {"format": "JPEG", "quality": 80, "optimize": True, "progressive": True}
WEBP_OPTIONS = {"format": "WEBP", "quality": 78, "method": 4}
# Resize in two steps (integer reduce, then Lanczos) when the image is at least
# this many times bigger than the target: much faster, no visible difference.
REDUCING_GAP = 3.0
SOURCE_FORMATS = ["JPEG", "PNG", "WEBP", "GIF"]


class RenditionError(Exception):
    """The stored image cannot be turned into renditions; the message is Vietnamese."""


@dataclass(frozen=True)
class Spec:
    """One rendition to make: its kind, the box it is cut from and its output size."""

    kind: str
    box: tuple[int, int, int, int]  # left, top, right, bottom in source pixels
    size: tuple[int, int]
    formats: tuple[str, ...] = (WEBP, JPEG)


def crop_box(width, height, focal_x, focal_y, ratio):
    """The largest box of aspect `ratio` (w, h) inside a width×height image, centred on
    the focal point (fractions 0–1 of the width and height) as far as the edges allow.

    The box spans the full width or the full height; along the other axis it slides
    to centre the focal point and stops at the edge, so the focal point is always
    inside it. Returns integer (left, top, right, bottom).
    """
    ratio_w, ratio_h = ratio
    focal_x = min(max(float(focal_x), 0.0), 1.0)
    focal_y = min(max(float(focal_y), 0.0), 1.0)
    if width * ratio_h > height * ratio_w:  # wider than the target: cut the sides
        box_w, box_h = max(1, min(width, round(height * ratio_w / ratio_h))), height
    else:  # taller (or equal): cut top and bottom
        box_w, box_h = width, max(1, min(height, round(width * ratio_h / ratio_w)))
    left = _slide(focal_x * width, box_w, width)
    top = _slide(focal_y * height, box_h, height)
    return left, top, left + box_w, top + box_h


def _slide(centre, length, total):
    """Start of a window of `length` centred on `centre`, kept inside 0…total."""
    return min(max(round(centre - length / 2), 0), total - length)


def _widths(available, wanted):
    """The wanted widths that need no upscaling, plus `available` itself when it is
    narrower than the largest wanted width (so the sharpest copy is not lost)."""
    chosen = [w for w in wanted if w <= available]
    if available < wanted[-1] and available not in chosen:
        chosen.append(available)
    return chosen


def rendition_specs(width, height, focal_x=0.5, focal_y=0.5, *, animated=False):
    """Every rendition a width×height photo gets, in source pixel coordinates."""
    specs = []
    if not animated:  # an animated GIF keeps playing: pages show the original file
        for out_w in _widths(width, WIDTHS):
            out_h = max(1, round(height * out_w / width))
            specs.append(Spec(f"{ORIGINAL}{out_w}", (0, 0, width, height), (out_w, out_h)))
        for family, (ratio, wanted) in CROPS.items():
            box = crop_box(width, height, focal_x, focal_y, ratio)
            for out_w in _widths(box[2] - box[0], wanted):
                out_h = max(1, round(out_w * ratio[1] / ratio[0]))
                specs.append(Spec(f"{family}-{out_w}", box, (out_w, out_h)))
    box = crop_box(width, height, focal_x, focal_y, OG_SIZE)
    out_w = min(OG_SIZE[0], box[2] - box[0])
    out_h = max(1, round(out_w * OG_SIZE[1] / OG_SIZE[0]))
    specs.append(Spec(OG_KIND, box, (out_w, out_h), formats=(JPEG,)))
    return specs


def family_of(kind):
    """ "w640" → "w", "16x9-640" → "16x9", "og" → "og"."""
    if kind.startswith(ORIGINAL) and parse_number(kind[1:]) is not None:
        return ORIGINAL
    return kind.rsplit("-", 1)[0]


# --- Making them ------------------------------------------------------------------------


def generate_renditions(photo):
    """(Re)make every rendition of `photo` and mark it ready; returns the new Renditions.

    Idempotent: the new files are stored first, then the rows are swapped in one
    transaction, and the old files are deleted once that commits. The stored image
    is decoded once (a JPEG at a reduced scale when every output is small enough).
    Raises RenditionError if the stored image cannot be read.
    """
    if not photo.pk or not photo.image:
        raise RenditionError(f"Ảnh #{photo.pk or '?'} chưa có tệp.")
    # Decoding, resizing and encoding hold one of the process's decode slots
    # (image_work.Busy if none frees up in time); swapping the rows does not.
    with decode_slot():
        made = _make_files(photo)
    # Old files go only once the new rows are committed (never, if the caller's
    # transaction rolls back: then the old rows are back and still need them).
    storage = Rendition._meta.get_field("file").storage
    try:
        old_names = _swap_rows(photo, made)
    except BaseException:
        for rendition in made:
            storage.delete(rendition.file.name)
        raise
    transaction.on_commit(lambda: _delete_files(storage, old_names))
    # A prefetched `photo.renditions.all()` would still list the old rows.
    getattr(photo, "_prefetched_objects_cache", {}).pop("renditions", None)
    return made


def _make_files(photo):
    """Decode, resize, encode and store every rendition's file; the unsaved rows."""
    image, (width, height), animated = _decode(photo)
    storage = Rendition._meta.get_field("file").storage
    specs = rendition_specs(width, height, photo.focal_x, photo.focal_y, animated=animated)
    made, encoded = [], {}
    try:
        for spec, resized in _resize_all(image, (width, height), specs):
            for fmt in spec.formats:
                # A 16:9 photo's "16x9-640" is its "w640": encoded once, stored twice.
                key = (spec.box, spec.size, fmt)
                if key not in encoded:
                    encoded[key] = _encode(resized, fmt)
                made.append(_store(storage, photo, spec, fmt, encoded[key]))
    except BaseException:
        for rendition in made:
            storage.delete(rendition.file.name)
        raise
    finally:
        image.close()
    return made


def _resize_all(image, stored_size, specs):
    """Yield (spec, resized image) for each spec, largest first.

    `image` may be a reduced decode of the stored file (see `_decode`): boxes are
    mapped onto it. A small output is made from an already made output of the same
    box at least twice its width (w320 from w640), which looks the same as
    resizing the full image and costs a fraction of it.
    """
    scale_x, scale_y = image.width / stored_size[0], image.height / stored_size[1]
    made = {}  # source box -> images made from it, largest first
    for spec in sorted(specs, key=lambda spec: -spec.size[0]):
        left, top, right, bottom = spec.box
        source = image
        box = (left * scale_x, top * scale_y, right * scale_x, bottom * scale_y)
        same_box = made.setdefault(spec.box, [])
        for made_image in same_box:
            if made_image.width >= 2 * spec.size[0]:
                source, box = made_image, None
        if same_box and same_box[-1].size == spec.size:
            resized = same_box[-1]
        else:
            resized = source.resize(spec.size, Image.Resampling.LANCZOS, box, REDUCING_GAP)
            same_box.append(resized)
        yield spec, resized


def _store(storage, photo, spec, fmt, data):
    field = Rendition._meta.get_field("file")
    name = field.generate_filename(Rendition(format=fmt), f"{spec.kind}.{fmt}")
    # The row gets the stored name at construction: assigning a file afterwards (or
    # FieldFile.save) would make Django read it back to measure what we already know.
    return Rendition(
        photo=photo,
        kind=spec.kind,
        format=fmt,
        file=storage.save(name, ContentFile(data)),
        width=spec.size[0],
        height=spec.size[1],
        size_bytes=len(data),
    )


def _decode(photo):
    """The stored image, decoded once: (image in RGB or RGBA, stored size, animated).

    A large JPEG is decoded at 1/2, 1/4 or 1/8 of its size (libjpeg's DCT scaling,
    `Image.draft`) when every rendition still gets at least the pixels it needs:
    a 6000×4000 photo is decoded at 3000×2000, a quarter of the memory.
    """
    try:
        with photo.image.storage.open(photo.image.name, "rb") as handle:
            data = handle.read()
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=SOURCE_FORMATS)
            width, height = image.size
            if width * height > settings.PHOTO_MAX_PIXELS:
                raise RenditionError(f"Ảnh #{photo.pk} quá lớn ({width}×{height} điểm ảnh).")
            animated = getattr(image, "n_frames", 1) > 1
            if image.format == "JPEG":
                specs = rendition_specs(width, height, photo.focal_x, photo.focal_y)
                need = max(spec.size[0] / (spec.box[2] - spec.box[0]) for spec in specs)
                image.draft(None, (math.ceil(width * need), math.ceil(height * need)))
            image.load()
            image = _normalise_mode(image)
    except RenditionError:
        raise
    except FileNotFoundError as error:
        raise RenditionError(
            f"Không tìm thấy tệp ảnh gốc của ảnh #{photo.pk} ({photo.image.name})."
        ) from error
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as error:
        raise RenditionError(
            f"Tệp ảnh gốc của ảnh #{photo.pk} hỏng hoặc không phải ảnh ({type(error).__name__})."
        ) from error
    except Image.DecompressionBombWarning as error:
        raise RenditionError(f"Ảnh #{photo.pk} quá lớn.") from error
    return image, (width, height), animated


def _normalise_mode(image):
    has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    wanted = "RGBA" if has_alpha else "RGB"
    if image.mode == wanted:
        return image
    converted = image.convert(wanted)
    image.close()
    return converted


def _encode(image, fmt):
    output = io.BytesIO()
    if fmt == JPEG:
        if image.mode == "RGBA":  # JPEG has no transparency: flatten onto white
            flat = Image.new("RGB", image.size, (255, 255, 255))
            flat.paste(image, mask=image.getchannel("A"))
            image = flat
        image.save(output, **JPEG_OPTIONS)
    else:
        image.save(output, **WEBP_OPTIONS)
    return output.getvalue()


def _swap_rows(photo, made):
    """Replace the photo's rendition rows with `made`; return the old files' names."""
    with transaction.atomic():
        # Lock the photo so two regenerations of one photo (an editor moving the focal
        # point while rebuild_renditions runs) cannot interleave their rows.
        if not Photo.objects.select_for_update().filter(pk=photo.pk).exists():
            raise RenditionError(f"Ảnh #{photo.pk} đã bị xóa.")
        old = Rendition.objects.filter(photo_id=photo.pk)
        old_names = list(old.values_list("file", flat=True))
        old.delete()
        Rendition.objects.bulk_create(made)
        ready_at = timezone.now()
        index = rendition_index(made)
        Photo.objects.filter(pk=photo.pk).update(
            renditions_ready_at=ready_at, rendition_index=index
        )
    photo.renditions_ready_at = ready_at
    photo.rendition_index = index
    return old_names


def rendition_index(renditions):
    """The compact description pages read instead of the rows (see Photo.rendition_index)."""
    index = {}
    for rendition in sorted(renditions, key=lambda r: (r.width or 0, r.kind)):
        family = family_of(rendition.kind)
        index.setdefault(family, {}).setdefault(rendition.format, []).append(
            [rendition.width, rendition.height, rendition.file.name, rendition.size_bytes]
        )
    return index


def _delete_files(storage, names):
    for name in names:
        if name:
            storage.delete(name)


# --- Reading them (templates) -----------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """What a template needs to show a photo: candidates in both formats, a fallback."""

    src: str
    width: int | None
    height: int | None
    webp_srcset: str = ""  # empty: no renditions yet, show the original file
    jpeg_srcset: str = ""


@dataclass(frozen=True)
class Candidate:
    url: str
    width: int
    height: int
    size_bytes: int


def _candidates(photo, family, fmt):
    """The photo's renditions of one family and format, narrowest first, from the
    stored index (no query, no rows)."""
    rows = (photo.rendition_index or {}).get(family, {}).get(fmt, [])
    url = _media_url()
    return [Candidate(url(name), width, height, size) for width, height, name, size in rows]


def _media_url():
    """The storage's `url()`; for local files the same result without its urljoin,
    which was a tenth of a home page's cost (hundreds of candidates a page; our
    rendition names are plain relative paths)."""
    storage = Rendition._meta.get_field("file").storage
    if isinstance(storage, FileSystemStorage):
        base = storage.base_url
        return lambda name: base + filepath_to_uri(name).lstrip("/")
    return storage.url


def picture_for(photo, family=ORIGINAL):
    """The `family` renditions of `photo` as srcsets; the original file if there are none.

    Reads the photo's stored `rendition_index`: free, whatever the number of photos on
    the page. Never generates anything.
    """
    jpegs = _candidates(photo, family, JPEG)
    if not jpegs:
        return Picture(src=photo.image.url, width=photo.width, height=photo.height)
    webps = _candidates(photo, family, WEBP)
    largest = jpegs[-1]
    fallback = next((c for c in jpegs if c.width >= 640), largest)
    return Picture(
        src=fallback.url,
        width=largest.width,
        height=largest.height,
        webp_srcset=_srcset(webps),
        jpeg_srcset=_srcset(jpegs),
    )


def _srcset(candidates):
    return ", ".join(f"{c.url} {c.width}w" for c in candidates)


def largest_rendition(photo, family, fmt=JPEG):
    """The widest stored rendition of a family and format, or None."""
    return next(reversed(_candidates(photo, family, fmt)), None)


def thumbnail_for(photo, min_width=THUMBNAIL_WIDTH):
    """A small copy for admin lists and the editor's photo browser: the narrowest
    original-ratio JPEG at least `min_width` wide (the widest there is if none is), or
    the original file while the photo has no renditions (from the stored index: no query)."""
    candidates = _candidates(photo, ORIGINAL, JPEG)
    if not candidates:
        return Picture(src=photo.image.url, width=photo.width, height=photo.height)
    chosen = next((c for c in candidates if c.width >= min_width), candidates[-1])
    return Picture(src=chosen.url, width=chosen.width, height=chosen.height)


def og_rendition(photo):
    """The photo's 1200×630 OpenGraph JPEG, or None before renditions are made."""
    return next(iter(_candidates(photo, OG_KIND, JPEG)), None)


def thumbnail_url(photo, width=THUMBNAIL_WIDTH):
    """The address of `thumbnail_for`'s copy (for templates that need only the URL)."""
    return thumbnail_for(photo, width).src
