"""The one pipeline every image goes through: check, decode safely, re-encode clean.

What is accepted: JPEG, PNG, WebP and GIF (animated GIFs up to MAX_GIF_FRAMES), and
only under a matching file name: .jpg/.jpeg → JPEG, .png → PNG, .webp → WebP,
.gif → GIF. Anything else — SVG, HTML renamed .jpg, a PNG signature followed by
HTML, executables, a real PNG named .jpg — is refused with a Vietnamese message.

Checks run on the header before any pixel is decoded, so a decompression bomb
(a 1.5 KB PNG of 50000×50000 px, a GIF whose logical screen or one frame is huge,
thousands of frames) is refused without using memory. GIF and WebP headers are
read here rather than by Pillow, because Pillow sizes a GIF by its later frames
only while decoding them, and libwebp allocates the canvas as soon as it opens.

The stored file is re-encoded by Pillow from pixels alone: EXIF orientation is
applied first so the photo stands the right way up; colours are converted to sRGB
when an ICC profile is embedded; then EXIF (GPS, serial numbers, owner, the
embedded thumbnail), XMP, IPTC, ICC profiles and comments are all left behind.
"""

import io
import re
import struct
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from articles.image_work import decode_slot

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# The file name's extension must announce the format the content really has.
EXTENSION_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP", "gif": "GIF"}
FORMAT_LABELS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
MAX_GIF_FRAMES = 100
# An animated GIF is decoded frame by frame onto its full canvas and Pillow keeps every
# frame while writing it back: memory grows with frames × canvas, so that is capped too.
MAX_GIF_TOTAL_PIXELS = 30_000_000
# Pixel data only: everything else in `Image.info` (exif, xmp, icc_profile, comment,
# Photoshop/IPTC, PNG text chunks) is dropped before saving.
KEPT_INFO = {"transparency", "background"}

NOT_AN_IMAGE = "Tệp không phải ảnh JPEG, PNG, WebP hoặc GIF hợp lệ."
UNREADABLE = "Không đọc được tệp ảnh (tệp hỏng hoặc không đúng định dạng)."

# Where a GIF block can start; bytes in between are skipped, as Pillow skips them.
_GIF_BLOCK_START = re.compile(rb"[!,;]")
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


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


def _too_many_frames_message(frames):
    return f"Ảnh động có quá nhiều khung hình ({frames}); tối đa {MAX_GIF_FRAMES}."


def clean_image(uploaded) -> CleanImage:
    """Validate an uploaded image and return a metadata-free re-encoded copy.

    Raises ValidationError with a Vietnamese message for anything that is not a
    safe JPEG, PNG, WebP or GIF within the size limits, or whose content does not
    match its file name's extension.
    """
    size = getattr(uploaded, "size", None)
    if size is not None and size > settings.PHOTO_MAX_BYTES:
        _refuse(
            f"Tệp ảnh quá lớn ({size / 1048576:.1f} MB); tối đa "
            f"{settings.PHOTO_MAX_BYTES // 1048576} MB."
        )
    extension = _extension(getattr(uploaded, "name", "") or "")
    if extension not in EXTENSION_FORMATS:
        _refuse(f"{NOT_AN_IMAGE} Chỉ nhận tệp có đuôi .jpg, .jpeg, .png, .webp hoặc .gif.")
    uploaded.seek(0)
    data = uploaded.read(settings.PHOTO_MAX_BYTES + 1)
    if not data:
        _refuse("Tệp ảnh rỗng.")
    if len(data) > settings.PHOTO_MAX_BYTES:
        _refuse(f"Tệp ảnh quá lớn; tối đa {settings.PHOTO_MAX_BYTES // 1048576} MB.")

    image_format = sniff_format(data)
    if image_format is None:
        _refuse(NOT_AN_IMAGE)
    if EXTENSION_FORMATS[extension] != image_format:
        _refuse(
            f"Nội dung tệp là ảnh {FORMAT_LABELS[image_format]} nhưng tên tệp có đuôi "
            f".{extension}. Hãy đổi đuôi tệp thành .{ALLOWED_FORMATS[image_format]} "
            "hoặc lưu lại ảnh đúng định dạng."
        )
    if image_format == "GIF":
        _check_gif_header(data)
    elif image_format == "WEBP":
        _check_webp_header(data)

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data), formats=[image_format])
            width, height = probe.size
            frames = getattr(probe, "n_frames", 1)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_too_many_pixels_message())
    except UnidentifiedImageError:
        _refuse(NOT_AN_IMAGE)
    except (OSError, ValueError, SyntaxError, EOFError, struct.error):
        _refuse(UNREADABLE)

    if width * height > settings.PHOTO_MAX_PIXELS:
        _refuse(_too_many_pixels_message(width, height))
    if frames > MAX_GIF_FRAMES:
        _refuse(_too_many_frames_message(frames))

    try:
        # The costly part (decoding every pixel): a bounded number at a time per process.
        with decode_slot(), warnings.catch_warnings():
            # Headers were checked above; a frame growing past them while decoding
            # is refused, never decoded.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            content, width, height = _reencode(probe, image_format)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _refuse(_too_many_pixels_message())
    except (OSError, ValueError, SyntaxError, EOFError, struct.error):
        _refuse(UNREADABLE)
    return CleanImage(content, width, height, ALLOWED_FORMATS[image_format])


def _extension(name):
    name = name.strip().rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def sniff_format(data: bytes) -> str | None:
    """The format a file's signature announces, whatever its name says."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _check_gif_header(data: bytes) -> None:
    """Walk a GIF's blocks without decoding: refuse a huge canvas, too many frames,
    or too many pixels across frames.

    The canvas is the logical screen grown to every frame's extent, as Pillow grows
    it while decoding; each frame's LZW data is skipped, not read. Stray bytes
    between blocks are skipped up to the next block start, as Pillow skips them, so
    no frame it would find is missed.
    """
    if len(data) < 13:
        _refuse(UNREADABLE)
    width, height = struct.unpack_from("<HH", data, 6)
    _check_canvas(width, height)
    flags = data[10]
    position = 13 + ((3 << ((flags & 7) + 1)) if flags & 0x80 else 0)
    frames = 0
    end = len(data)
    while position < end:
        block = data[position]
        if block == 0x3B:  # trailer
            break
        if block == 0x21:  # extension: a label, then data sub-blocks
            position = _skip_sub_blocks(data, position + 2)
        elif block == 0x2C:  # image descriptor
            if position + 10 > end:
                break
            left, top, frame_width, frame_height, frame_flags = struct.unpack_from(
                "<HHHHB", data, position + 1
            )
            frames += 1
            width, height = max(width, left + frame_width), max(height, top + frame_height)
            _check_canvas(width, height)
            if frames > MAX_GIF_FRAMES:
                _refuse(_too_many_frames_message(f"hơn {MAX_GIF_FRAMES}"))
            if frames * width * height > MAX_GIF_TOTAL_PIXELS:
                _refuse(
                    f"Ảnh động quá lớn ({frames} khung hình × {width}×{height} điểm ảnh); "
                    f"tổng cộng tối đa {MAX_GIF_TOTAL_PIXELS / 1_000_000:.0f} triệu điểm ảnh."
                )
            position += 10
            if frame_flags & 0x80:  # local colour table
                position += 3 << ((frame_flags & 7) + 1)
            position = _skip_sub_blocks(data, position + 1)  # after the LZW code size
        else:
            found = _GIF_BLOCK_START.search(data, position + 1)
            position = found.start() if found else end


def _skip_sub_blocks(data, position):
    end = len(data)
    while position < end:
        length = data[position]
        position += length + 1
        if length == 0:
            break
    return position


def _check_webp_header(data: bytes) -> None:
    """Refuse a WebP whose canvas is too big before libwebp allocates it."""
    chunk = data[12:16]
    size = None
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width, height = struct.unpack_from("<HH", data, 26)
        size = width & 0x3FFF, height & 0x3FFF
    elif chunk == b"VP8X" and len(data) >= 30:
        size = (
            int.from_bytes(data[24:27], "little") + 1,
            int.from_bytes(data[27:30], "little") + 1,
        )
    elif chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        size = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if size is None:
        _refuse(NOT_AN_IMAGE)
    _check_canvas(*size)


def _check_canvas(width, height):
    if width * height > settings.PHOTO_MAX_PIXELS:
        _refuse(_too_many_pixels_message(width, height))


def _reencode(image, image_format):
    output = io.BytesIO()
    if image_format == "GIF" and getattr(image, "n_frames", 1) > 1:
        # Frames are written from pixels; an explicit empty comment keeps Pillow from
        # copying the source's comment blocks. Application extensions (XMP) are not kept.
        image.save(
            output,
            format="GIF",
            save_all=True,
            loop=image.info.get("loop", 0),
            comment=b"",
        )
        return ContentFile(output.getvalue()), image.width, image.height
    # In place and without needless converts: a 24 MP photo is 72 MB of pixels per copy.
    ImageOps.exif_transpose(image, in_place=True)
    image = _to_srgb(image)
    image.info = {key: value for key, value in image.info.items() if key in KEPT_INFO}
    if image_format == "JPEG":
        if image.mode != "RGB":
            image = image.convert("RGB")
        image.save(output, format="JPEG", quality=88, optimize=True)
    elif image_format == "WEBP":
        image.save(output, format="WEBP", quality=85)
    elif image_format == "GIF":
        image.save(output, format="GIF")
    else:
        image.save(output, format="PNG", optimize=True)
    return ContentFile(output.getvalue()), image.width, image.height


def _to_srgb(image):
    """Convert colours described by an embedded ICC profile to sRGB, so dropping the
    profile keeps them as the photographer saw them (Adobe RGB photos would otherwise
    print dull). A profile LittleCMS cannot use is simply dropped."""
    profile = image.info.get("icc_profile")
    if not profile or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        converted = ImageCms.profileToProfile(
            image, source, _SRGB, outputMode="RGBA" if image.mode == "RGBA" else "RGB"
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image
