"""Import a plain-text article as printed by Báo Công Thương (a page copied as text).

The format, line by line (blank lines separate paragraphs):

    Đường dây nóng: 0866.59.4498 - Thứ bảy 26/09/2020 23:35     page chrome, skipped
    Ngành Công Thương tỉnh Thanh Hóa đẩy mạnh …                 title
    18:35 | 18/06/2020                                          publish time (Hà Nội time)
    Ngày 18/6, Công đoàn ngành …                                sapo
    Giai đoạn 2015 -2020, …                                     body paragraphs
    0322 th                                                     a photo: its leaked file name
    9 tập thể và các cá nhân …                                  … and its caption
    Minh Thư                                                    byline (last line)

`parse_article` turns the text into a `ParsedArticle`; `article_import` stores it
in one transaction. Neither prints anything: the management command does.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.color import no_style
from django.db import IntegrityError, connection, transaction
from django.utils.html import escape

from articles import services
from articles.images import clean_image
from articles.models import Article, ArticlePhoto, Author, Byline, Category, Photo
from articles.renditions import generate_renditions
from articles.text import clean_line, fold, vietnamese_slugify

# The source prints Hà Nội wall-clock time, whatever TIME_ZONE the site runs in.
SOURCE_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

MAX_FILE_BYTES = 2 * 1024 * 1024  # a long article is ~50 KB; anything this big is not one
TITLE_MAX_LENGTH = Article._meta.get_field("title").max_length
BYLINE_MAX_LENGTH = Author._meta.get_field("display_name").max_length

TIME_LINE = re.compile(r"^(\d{1,2}):(\d{2})\s*\|\s*(\d{1,2})/(\d{1,2})/(\d{4})$")

# Page chrome, matched on folded text ("Đường dây nóng" -> "duong day nong").
_CHROME_PREFIXES = ("duong day nong", "hotline")
_HEADER_DATE = re.compile(
    r"^(thu (hai|ba|tu|nam|sau|bay|[2-7])|chu nhat),? \d{1,2}/\d{1,2}/\d{4}( \d{1,2}:\d{2})?$"
)
_PHONE = re.compile(r"(?<!\d)0\d{2,3}[. -]?\d{2,4}[. -]?\d{3,4}(?!\d)")
_DATE = re.compile(r"(?<!\d)\d{1,2}/\d{1,2}/\d{4}(?!\d)")

# Photo file-name lines.
_IMAGE_EXTENSION = re.compile(r"\.(jpe?g|png|gif|webp|heic|tiff?|bmp)$", re.IGNORECASE)
_FILE_NAME_TOKEN = re.compile(r"^[A-Za-z0-9_()-]+$")
PHOTO_NAME_MAX_LENGTH = 40
PHOTO_NAME_MAX_TOKENS = 4

BYLINE_MAX_WORDS = 10
_SENTENCE_END = (".", "!", "?", "…", ":", ";", ",")


class ImportFailed(Exception):
    """The article cannot be imported; the message is Vietnamese and meant for the user."""


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class PhotoSlot:
    """Where a photo stood. `file_hint` is the leaked file name: shown to the
    importer in warnings, never published."""

    file_hint: str
    caption: str


@dataclass
class ParsedArticle:
    title: str
    published_at: datetime
    sapo: str
    blocks: list[Paragraph | PhotoSlot]
    byline: str = ""  # empty when the last line does not look like a byline

    @property
    def paragraphs(self) -> list[str]:
        return [block.text for block in self.blocks if isinstance(block, Paragraph)]

    @property
    def photo_slots(self) -> list[PhotoSlot]:
        return [block for block in self.blocks if isinstance(block, PhotoSlot)]


@dataclass
class ImportResult:
    article: Article
    created: bool
    warnings: list[str] = field(default_factory=list)


# --- Reading and parsing --------------------------------------------------------------


def read_article_file(path: Path) -> str:
    """The file's text (UTF-8, BOM tolerated), or ImportFailed in Vietnamese."""
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"Không tìm thấy tệp “{path}”.")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise ImportFailed(f"Tệp “{path.name}” quá lớn để là một bài viết.")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"Tệp “{path.name}” không phải văn bản UTF-8.") from None


def normalise_line(raw: str) -> str:
    """NFC, invisible characters dropped, runs of spaces (and no-break spaces) collapsed.

    The source pads some lines with "…" followed by no-break spaces, or puts a
    space before a final "…"; the text is kept, the spacing is not.
    """
    line = clean_line(raw)
    return re.sub(r"\s+…$", "…", line)


def is_chrome_line(line: str) -> bool:
    """The page header copied with the article: hotline, or a date like "Thứ bảy 26/09/2020"."""
    folded = fold(line)
    if folded.startswith(_CHROME_PREFIXES) or _HEADER_DATE.match(folded):
        return True
    # "0866.59.4498 - 26/09/2020": a phone number next to a full date is a header,
    # not a headline.
    return bool(_PHONE.search(line) and _DATE.search(line))


def looks_like_photo_name(line: str) -> bool:
    """Whether a line is an image's file name that leaked into the text ("0322 th").

    The scraped page printed each photo as two glued lines, the file name (from
    the image's alt text) and the caption. The file-name line is recognised by
    its shape, and every condition below is something ordinary prose fails:

    * short: at most 40 characters and 4 tokens;
    * either it ends in an image extension ("DSC_0322.JPG", "ảnh 1.jpg"), or
    * it is plain ASCII (file names have no Vietnamese diacritics, and nearly
      every Vietnamese sentence has some), every token is made of letters,
      digits, "_", "-" or parentheses only (so no sentence punctuation: a
      one-line quote ending in "." or a "Hà Nội, 2020" dateline is prose), no
      token is a bare "-" ("2015 - 2020"), and it contains a digit, as camera
      and CMS names do ("0322 th", "IMG_2020", "anh-12").

    `parse_article` also requires the structure: the line starts a paragraph
    block and its caption follows on the very next line, with no blank line
    between. A short real paragraph is therefore kept unless it is ASCII,
    digit-bearing, punctuation-free *and* glued to the line after it.
    """
    if len(line) > PHOTO_NAME_MAX_LENGTH:
        return False
    tokens = line.split()
    if not tokens or len(tokens) > PHOTO_NAME_MAX_TOKENS:
        return False
    if _IMAGE_EXTENSION.search(line):
        return True
    return (
        line.isascii()
        and all(_FILE_NAME_TOKEN.match(token) and token != "-" for token in tokens)
        and any(ch.isdigit() for ch in line)
    )


def looks_like_byline(line: str) -> bool:
    """A pen name or two ("Minh Thư", "Minh Thư - Hoàng Anh"): short, not a sentence."""
    return (
        len(line) <= BYLINE_MAX_LENGTH
        and len(line.split()) <= BYLINE_MAX_WORDS
        and not line.endswith(_SENTENCE_END)
        and not TIME_LINE.match(line)
    )


def parse_time_line(line: str) -> datetime:
    """Parse "18:35 | 18/06/2020" into an aware datetime in Hà Nội time."""
    match = TIME_LINE.match(line)
    if not match:
        raise ImportFailed(
            f"Dòng thời gian không hợp lệ: “{line}” (cần dạng “18:35 | 18/06/2020”, "
            "ngay dưới tiêu đề)."
        )
    hour, minute, day, month, year = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=SOURCE_TIME_ZONE)
    except ValueError:
        raise ImportFailed(f"Thời gian “{line}” không tồn tại.") from None


def parse_article(text: str) -> ParsedArticle:
    """Parse the article text; ImportFailed (Vietnamese) when it is not in the format.

    Every non-empty line is one paragraph; blank lines only matter for telling a
    photo's file-name line (which starts a block) from prose.
    """
    lines = []  # (text, starts_block) for every non-empty line
    previous_blank = True
    for raw in text.splitlines():
        line = normalise_line(raw)
        if line:
            lines.append((line, previous_blank))
        previous_blank = not line
    if not lines:
        raise ImportFailed("Tệp rỗng.")

    def followed_by_time_line(i):
        return i + 1 < len(lines) and TIME_LINE.match(lines[i + 1][0])

    # Skip the page header; but the line right above the time line is the title,
    # whatever it looks like ("Hotline 1800… hỗ trợ doanh nghiệp" is a headline).
    position = 0
    while (
        position < len(lines)
        and is_chrome_line(lines[position][0])
        and not followed_by_time_line(position)
    ):
        position += 1
    if position == len(lines) or TIME_LINE.match(lines[position][0]):
        raise ImportFailed("Không tìm thấy tiêu đề bài viết.")
    title = lines[position][0]
    if len(title) > TITLE_MAX_LENGTH:
        raise ImportFailed(
            f"Tiêu đề dài {len(title)} ký tự; tối đa {TITLE_MAX_LENGTH}. "
            "Tiêu đề phải nằm trên một dòng, ngay trên dòng thời gian."
        )
    position += 1
    if position == len(lines):
        raise ImportFailed("Thiếu dòng thời gian (dạng “18:35 | 18/06/2020”) dưới tiêu đề.")
    published_at = parse_time_line(lines[position][0])
    rest = lines[position + 1 :]

    byline = ""
    # The last line is the byline, unless it is the caption of a photo that ends the text.
    ends_with_photo = (
        len(rest) >= 2 and not rest[-1][1] and rest[-2][1] and looks_like_photo_name(rest[-2][0])
    )
    if rest and not ends_with_photo and looks_like_byline(rest[-1][0]):
        byline = rest.pop()[0]

    blocks: list[Paragraph | PhotoSlot] = []
    index = 0
    while index < len(rest):
        line, starts_block = rest[index]
        has_glued_next = index + 1 < len(rest) and not rest[index + 1][1]
        if starts_block and has_glued_next and looks_like_photo_name(line):
            blocks.append(PhotoSlot(file_hint=line, caption=rest[index + 1][0]))
            index += 2
        else:
            blocks.append(Paragraph(line))
            index += 1

    sapo_index = next((i for i, b in enumerate(blocks) if isinstance(b, Paragraph)), None)
    if sapo_index is None:
        raise ImportFailed("Bài viết không có sapo và nội dung.")
    sapo = blocks.pop(sapo_index).text
    return ParsedArticle(
        title=title, published_at=published_at, sapo=sapo, blocks=blocks, byline=byline
    )


# --- Storing --------------------------------------------------------------------------


def render_body(blocks, photo=None) -> str:
    """Body HTML: a <p> per paragraph, a captioned <figure> where each photo stood.

    `photo` fills the first photo slot; other slots keep their caption only.
    """
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{escape(block.text)}</p>")
            continue
        caption = escape(block.caption)
        image = ""
        if photo is not None:
            image = (
                f'<img src="{escape(photo.image.url)}" alt="{caption}" '
                f'width="{photo.width}" height="{photo.height}">'
            )
            photo = None
        parts.append(f'<figure class="image">{image}<figcaption>{caption}</figcaption></figure>')
    return "".join(parts)


def _resolve_category(slug, existing):
    if slug:
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            raise ImportFailed(f"Không có chuyên mục “{slug}”.")
        return category
    if existing is not None:
        return existing.category
    category = Category.objects.filter(parent__isnull=True).first()
    if category is None:
        raise ImportFailed("Chưa có chuyên mục nào; hãy tạo chuyên mục trước khi nhập bài.")
    return category


def _load_image(path: Path):
    path = Path(path)
    if not path.is_file():
        raise ImportFailed(f"Không tìm thấy tệp ảnh “{path}”.")
    with path.open("rb") as handle:
        try:
            return clean_image(File(handle, name=path.name))
        except ValidationError as error:
            raise ImportFailed(f"Ảnh “{path.name}”: {error.messages[0]}") from None


def _reset_article_sequence():
    """After an insert with an explicit id, move PostgreSQL's sequence past it.

    Otherwise the next ordinary insert would be handed an id that is already
    taken. On SQLite the statement list is empty (AUTOINCREMENT follows max id).
    """
    statements = connection.ops.sequence_reset_sql(no_style(), [Article])
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _author_for(byline: str) -> Author:
    """The existing Author with this pen name (the oldest if several), or a new one."""
    author = Author.objects.filter(display_name=byline).order_by("pk").first()
    return author or Author.objects.create(display_name=byline)


def article_import(
    *,
    parsed: ParsedArticle,
    article_id: int | None = None,
    category_slug: str | None = None,
    image_path: Path | None = None,
    status: str = Article.Status.PUBLISHED,
    replace: bool = False,
) -> ImportResult:
    """Store a parsed article, all in one transaction (a failure saves nothing).

    `article_id` keeps the article's public id. An existing id is refused unless
    `replace`, which rewrites that article in place (same id, created_at,
    featured flag and source). With `image_path` the image goes through
    `clean_image` and fills the first photo slot; a replaced article given no
    image keeps its current first photo.
    """
    if article_id is not None and article_id < 1:
        raise ImportFailed("Mã bài viết phải là số nguyên dương.")
    status = Article.Status(status)
    existing = None
    if article_id is not None:
        existing = Article.objects.filter(pk=article_id).first()
        if existing is not None and not replace:
            raise ImportFailed(
                f"Đã có bài viết mã {article_id} (“{existing.title}”). "
                "Dùng --replace để ghi đè bài đó."
            )
    category = _resolve_category(category_slug, existing)
    clean = _load_image(image_path) if image_path else None  # checked before any write

    warnings = []
    slots = parsed.photo_slots
    stored_photo = None
    try:
        with transaction.atomic():
            photo = None
            if clean is not None:
                first_caption = slots[0].caption if slots else ""
                stored_photo = photo = Photo(
                    caption=first_caption,
                    credit=f"Ảnh: {parsed.byline}" if parsed.byline else "",
                    original_filename=Path(image_path).name[:255],
                )
                photo.image.save(f"import.{clean.extension}", clean.content, save=False)
                photo.save()
            elif existing is not None:
                first_use = existing.photo_uses.select_related("photo").first()
                photo = first_use.photo if first_use else None

            article = existing or Article(pk=article_id)
            article.title = parsed.title
            article.slug = vietnamese_slugify(parsed.title)
            article.sapo = parsed.sapo
            article.body = render_body(parsed.blocks, photo)
            article.category = category
            article.status = status
            article.published_at = parsed.published_at
            if status == Article.Status.PUBLISHED:
                article.record_first_publication()
            if existing is None:
                article.save(force_insert=True)
                if article_id is not None:
                    _reset_article_sequence()
            else:
                article.save()

            if clean is not None:
                if existing is not None:
                    old_photo_ids = set(existing.photo_uses.values_list("photo_id", flat=True))
                    existing.photo_uses.all().delete()
                    if article.lead_photo_id in old_photo_ids:
                        article.lead_photo = None
                ArticlePhoto.objects.create(article=article, photo=photo, position=0)
                if article.lead_photo_id is None:
                    article.lead_photo = photo
                    article.save(update_fields=["lead_photo", "updated_at"])

            article.byline_entries.all().delete()
            if parsed.byline:
                Byline.objects.create(article=article, author=_author_for(parsed.byline))
            services.record_edit(article, by=None, created=existing is None, action="import")
    except BaseException as error:
        if stored_photo is not None:
            stored_photo.image.delete(save=False)  # the row is rolled back; the file is not
        if isinstance(error, IntegrityError) and article_id is not None:
            raise ImportFailed(
                f"Không lưu được bài viết mã {article_id}: mã này vừa được dùng. Hãy thử lại."
            ) from error
        raise
    if stored_photo is not None:  # after commit: a rolled-back import leaves no files behind
        generate_renditions(stored_photo)

    if not parsed.byline:
        warnings.append(
            "Cảnh báo: dòng cuối không giống tên tác giả; bài được nhập không có tác giả."
        )
    for number, slot in enumerate(slots):
        if number == 0 and photo is not None:
            continue
        warnings.append(
            f"Cảnh báo: chưa có tệp ảnh cho ảnh “{slot.file_hint}” "
            f"(chú thích “{slot.caption}”); chỉ giữ chú thích. "
            "Dùng --image ĐƯỜNG_DẪN để kèm ảnh."
        )
    if clean is not None and not slots:
        warnings.append("Cảnh báo: bài không có dòng ảnh; ảnh được dùng làm ảnh đại diện.")
    if status == Article.Status.PUBLISHED and not article.is_published:
        warnings.append(
            "Cảnh báo: thời điểm xuất bản ở tương lai; bài sẽ tự hiện trên trang khi đến giờ."
        )
    return ImportResult(article=article, created=existing is None, warnings=warnings)
