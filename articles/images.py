"""The one pipeline every image goes through: check, decode safely, re-encode clean.

Checks run on the header before any pixel is decoded, so a decompression bomb
(a 1.5 KB PNG of 50000×50000 px) is refused without using memory. The stored
file is re-encoded by Pillow, which drops EXIF (GPS, serial numbers), XMP and
IPTC; EXIF orientation is applied first so the photo stands the right way up.
"""

import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
MAX_GIF_FRAMES = 100


@dataclass
class CleanImage:
    content: ContentFile
    width: int
    height: int
    extension: str


def _refuse(message):
    raise ValidationError(message, code="invalid_image")


def _too_many_pixels_message(width=None, height=None):
    limit = f"tối đa {settings.PHOTO_MAX_PIXELS / 1_000_000:.0f} triệu điểm ảnh"
    if width and height:
        return f"Ảnh quá lớn ({width}×{height} điểm ảnh); {limit}."
    return f"Ảnh quá lớn; {limit}."


def clean_image(uploaded) -> CleanImage:
    """Validate an uploaded image and return a metadata-free re-encoded copy.

    Raises ValidationError with a Vietnamese message for anything that is not a
    safe JPEG, PNG, WebP or GIF within the size limits.
    """
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.PHOTO_MAX_BYTES:
        _refuse(
            f"Tệp ảnh quá lớn ({size / 1048576:.1f} MB); tối đa "
            f"{settings.PHOTO_MAX_BYTES // 1048576} MB."
        )
    uploaded.seek(0)
    data = uploaded.read()
    if not data:
        _refuse("Tệp ảnh rỗng.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=list(ALLOWED_FORMATS))
            image_format = probe.format
            width, height = probe.size
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_too_many_pixels_message())
    except UnidentifiedImageError:
        _refuse("Tệp không phải ảnh JPEG, PNG, WebP hoặc GIF hợp lệ.")
    except (OSError, ValueError, SyntaxError):
        _refuse("Không đọc được tệp ảnh (tệp hỏng hoặc không đúng định dạng).")

    if width * height > settings.PHOTO_MAX_PIXELS:
        _refuse(_too_many_pixels_message(width, height))
    frames = getattr(probe, "n_frames", 1)
    if frames > MAX_GIF_FRAMES:
        _refuse(f"Ảnh động có quá nhiều khung hình ({frames}); tối đa {MAX_GIF_FRAMES}.")

    try:
        content, width, height = _reencode(probe, image_format)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        _refuse("Không đọc được tệp ảnh (tệp hỏng hoặc không đúng định dạng).")
    return CleanImage(content, width, height, ALLOWED_FORMATS[image_format])


def _reencode(image, image_format):
    output = io.BytesIO()
    if image_format == "GIF" and getattr(image, "n_frames", 1) > 1:
        image.save(output, format="GIF", save_all=True, loop=image.info.get("loop", 0))
    else:
        image = ImageOps.exif_transpose(image)
        if image_format == "JPEG":
            image.convert("RGB").save(output, format="JPEG", quality=88, optimize=True)
        elif image_format == "WEBP":
            image.save(output, format="WEBP", quality=85)
        elif image_format == "GIF":
            image.save(output, format="GIF")
        else:
            image.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue()), image.width, image.height
