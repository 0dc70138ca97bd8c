"""`manage.py import_article`: the plain-text parser and the import into the database."""

import html
import io
import re
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.utils.html import escape

from articles import importer
from articles.importer import ImportFailed, PhotoSlot, looks_like_photo_name, parse_article
from articles.models import Article, ArticlePhoto, Author, Photo
from tests.factories import image_bytes, make_article, make_author, make_category

SAMPLE_URL = "/nganh-cong-thuong-tinh-thanh-hoa-day-manh-phong-trao-thi-dua-yeu-nuoc-139085.html"
SAMPLE_CAPTION = "9 tập thể và các cá nhân điển hình tiên tiến đã được biểu dương, khen thưởng"

SMALL_ARTICLE = """\
Đường dây nóng: 0866.59.4498 - Thứ bảy 26/09/2020 23:35

Hà Nội đẩy mạnh xúc tiến thương mại

09:05 | 02/03/2021
Sở Công Thương Hà Nội triển khai nhiều hoạt động kết nối cung cầu.

Đoạn thứ nhất của bài, có dấu “ngoặc kép” & ký hiệu.

IMG_0415
Các doanh nghiệp tham gia hội chợ

Đoạn cuối của bài.

Hoàng Anh
"""


def _write(tmp_path, text, name="bai.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _jpeg(tmp_path, name="anh-goc.jpg"):
    path = tmp_path / name
    path.write_bytes(image_bytes(size=(120, 80)))
    return path


def _import(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_article", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _body_paragraph(text):
    """A paragraph as the sanitiser serialises it (it escapes &, < and >, not quotes)."""
    return f"<p>{html.escape(text, quote=False)}</p>"


# --- The sample, end to end ------------------------------------------------------------


@pytest.mark.django_db
def test_sample_article_imports_and_reads_like_the_original(client, tmp_path, sample_path):
    """The sample imported with its id, category and photo shows on its public URL with the
    title, time, sapo, every paragraph, the captioned photo and the byline, and without the
    leaked file name."""
    make_category("Công Thương")
    out, _err = _import(
        sample_path, "--id", 139085, "--category", "cong-thuong", "--image", _jpeg(tmp_path)
    )
    parsed = parse_article(sample_path.read_text(encoding="utf-8"))

    assert SAMPLE_URL in out
    response = client.get(SAMPLE_URL)
    assert response.status_code == 200
    content = response.content.decode()

    assert re.search(rf"<h1[^>]*>\s*{re.escape(escape(parsed.title))}\s*</h1>", content)
    assert "18:35 | 18/06/2020" in content
    assert escape(parsed.sapo) in content
    assert len(parsed.paragraphs) == 2
    for paragraph in parsed.paragraphs:
        assert _body_paragraph(paragraph) in content
    photo = Photo.objects.get()
    figure = re.search(
        r"<figure[^>]*>(?:(?!</figure>).)*<figcaption>([^<]*)</figcaption>", content, re.S
    )
    assert figure and SAMPLE_CAPTION in figure.group(1)
    assert f'<img src="{photo.image.url}"' in figure.group(0)
    assert re.search(r'class="byline">.*Minh Thư', content)
    assert "0322 th" not in content


@pytest.mark.django_db
def test_sample_article_is_stored_as_the_newsroom_expects(tmp_path, sample_path):
    """The stored article keeps id 139085, is published at 18:35 Hà Nội time, has one byline
    "Minh Thư" and the cleaned photo as its first and lead photo, credited to the byline."""
    category = make_category("Công Thương")
    _import(sample_path, "--id", 139085, "--category", "cong-thuong", "--image", _jpeg(tmp_path))

    article = Article.objects.get()
    assert article.pk == 139085
    assert article.category == category
    assert article.status == Article.Status.PUBLISHED
    assert article.published_at == datetime(2020, 6, 18, 11, 35, tzinfo=UTC)
    assert [author.display_name for author in article.authors] == ["Minh Thư"]
    use = ArticlePhoto.objects.get(article=article)
    assert use.position == 0
    assert article.lead_photo == use.photo
    assert use.photo.caption == SAMPLE_CAPTION
    assert use.photo.credit == "Ảnh: Minh Thư"
    assert use.photo.original_filename == "anh-goc.jpg"
    assert (use.photo.width, use.photo.height) == (120, 80)
    assert "0322 th" not in article.body


# --- Parser ----------------------------------------------------------------------------


def test_parser_skips_the_page_chrome_line():
    """The hotline/date header is not taken as the title; the title is the next line."""
    parsed = parse_article(SMALL_ARTICLE)
    assert parsed.title == "Hà Nội đẩy mạnh xúc tiến thương mại"
    assert parsed.sapo == "Sở Công Thương Hà Nội triển khai nhiều hoạt động kết nối cung cầu."
    assert parsed.byline == "Hoàng Anh"


def test_parser_keeps_a_first_line_that_is_the_title():
    """Without a chrome line, line 1 is the title, even one starting with "Hotline"."""
    for title in ("Hà Nội đẩy mạnh xúc tiến thương mại", "Hotline 1800 hỗ trợ doanh nghiệp"):
        parsed = parse_article(f"{title}\n09:05 | 02/03/2021\nSapo.\n\nĐoạn.\n\nPV\n")
        assert parsed.title == title


def test_parser_reads_the_time_line_as_hanoi_time():
    """ "09:05 | 02/03/2021" is 09:05 in Asia/Ho_Chi_Minh, i.e. 02:05 UTC."""
    parsed = parse_article(SMALL_ARTICLE)
    assert parsed.published_at == datetime(2021, 3, 2, 2, 5, tzinfo=UTC)


def test_parser_turns_nfd_input_into_nfc():
    """Decomposed (NFD) text, as pasted from macOS or Word, comes out composed (NFC)."""
    parsed = parse_article(unicodedata.normalize("NFD", SMALL_ARTICLE))
    reference = parse_article(SMALL_ARTICLE)
    assert parsed == reference
    assert unicodedata.is_normalized("NFC", parsed.title)
    assert len(parsed.byline) == len("Hoàng Anh")


def test_parser_collapses_spaces_and_trailing_ellipsis_padding():
    """Runs of spaces and no-break spaces collapse; "…" padding is dropped, the "…" kept."""
    text = "Tiêu đề\n18:35 | 18/06/2020\nCâu một.\u00a0 Câu  hai cho\u00a0 bạn …  \u00a0 \n\nPV\n"
    assert parse_article(text).sapo == "Câu một. Câu hai cho bạn…"


def test_parser_recognises_the_photo_file_name_and_caption():
    """A short file-name line glued to the next line is a photo slot: the name is kept
    aside, the next line is its caption, and neither is a paragraph."""
    parsed = parse_article(SMALL_ARTICLE)
    assert parsed.photo_slots == [
        PhotoSlot(file_hint="IMG_0415", caption="Các doanh nghiệp tham gia hội chợ")
    ]
    assert parsed.paragraphs == [
        "Đoạn thứ nhất của bài, có dấu “ngoặc kép” & ký hiệu.",
        "Đoạn cuối của bài.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "Xin cảm ơn.",
        "Ok 2020.",
        "Top 10.",
        "“Làm thật, ăn thật.”",
        "Hà Nội, 2020",
        "2015 - 2020",
        "Thêm một đoạn ngắn",
    ],
)
def test_parser_keeps_a_short_real_paragraph(line):
    """A short real paragraph (a one-line quote ending in ".", a dateline…) glued to the next
    line stays a paragraph; it is not taken for a photo file name."""
    assert not looks_like_photo_name(line)
    text = f"Tiêu đề\n18:35 | 18/06/2020\nSapo.\n\n{line}\nĐoạn tiếp theo.\n\nPV\n"
    parsed = parse_article(text)
    assert parsed.photo_slots == []
    assert parsed.paragraphs == [line, "Đoạn tiếp theo."]


@pytest.mark.parametrize("line", ["0322 th", "IMG_0415", "DSC-2020 (1)", "ảnh 1.jpg"])
def test_photo_file_name_shapes(line):
    """Camera and CMS file names are recognised as leaked photo names."""
    assert looks_like_photo_name(line)


def test_parser_does_not_take_a_closing_sentence_for_a_byline():
    """When the last line is a sentence, the article has no byline and keeps the sentence."""
    parsed = parse_article("Tiêu đề\n18:35 | 18/06/2020\nSapo.\n\nĐoạn cuối của bài.\n")
    assert parsed.byline == ""
    assert parsed.paragraphs == ["Đoạn cuối của bài."]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Tệp rỗng"),
        ("\n \u00a0\n", "Tệp rỗng"),
        ("Đường dây nóng: 0866.59.4498 - Thứ bảy 26/09/2020 23:35\n", "tiêu đề"),
        ("18:35 | 18/06/2020\nSapo.\n", "tiêu đề"),
        ("Tiêu đề\n18h35 ngày 18/06/2020\nSapo.\n\nPV\n", "Dòng thời gian không hợp lệ"),
        ("Tiêu đề\n25:35 | 31/02/2020\nSapo.\n\nPV\n", "không tồn tại"),
        ("Tiêu đề\n", "Thiếu dòng thời gian"),
        ("Tiêu đề\n18:35 | 18/06/2020\nPV\n", "không có sapo"),
    ],
)
def test_parser_refuses_text_not_in_the_format(text, message):
    """Empty text, a missing title or a bad time line raise ImportFailed in Vietnamese."""
    with pytest.raises(ImportFailed, match=message):
        parse_article(text)


# --- Command ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_import_without_image_keeps_the_caption_and_warns(client, tmp_path):
    """Without --image the photo's caption stays in a <figure> with no <img>, a Vietnamese
    warning names the missing image, and the leaked file name is not published."""
    make_category("Công Thương")
    out, err = _import(_write(tmp_path, SMALL_ARTICLE), "--id", 500)

    assert "chưa có tệp ảnh" in err and "IMG_0415" in err
    article = Article.objects.get(pk=500)
    assert (
        '<figure class="image"><figcaption>Các doanh nghiệp tham gia hội chợ</figcaption>'
        "</figure>" in article.body
    )
    assert "<img" not in article.body
    assert not Photo.objects.exists()
    assert article.get_absolute_url() in out
    content = client.get(article.get_absolute_url()).content.decode()
    assert "<figcaption>Các doanh nghiệp tham gia hội chợ</figcaption>" in content
    assert _body_paragraph("Đoạn thứ nhất của bài, có dấu “ngoặc kép” & ký hiệu.") in content
    assert "IMG_0415" not in content


@pytest.mark.django_db
def test_import_defaults_to_the_first_top_level_category():
    """Without --category the article goes to the first top-level category, not a sub-one."""
    first = make_category("Công Thương", menu_position=1)
    make_category("Xuất nhập khẩu", parent=first, menu_position=0)
    make_category("Thị trường", menu_position=2)
    result = importer.article_import(parsed=parse_article(SMALL_ARTICLE))
    assert result.article.category == first


@pytest.mark.django_db
def test_import_as_draft_is_not_public(client, tmp_path):
    """--status draft stores a draft (with the source's time kept) that readers cannot see."""
    make_category("Công Thương")
    _import(_write(tmp_path, SMALL_ARTICLE), "--id", 501, "--status", "draft")
    article = Article.objects.get(pk=501)
    assert article.status == Article.Status.DRAFT
    assert article.published_at == datetime(2021, 3, 2, 2, 5, tzinfo=UTC)
    assert client.get(article.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_import_reuses_an_existing_author():
    """A byline that already exists as an Author is linked, not duplicated."""
    make_category("Công Thương")
    author = make_author("Hoàng Anh")
    result = importer.article_import(parsed=parse_article(SMALL_ARTICLE))
    assert result.article.authors == [author]
    assert Author.objects.count() == 1


@pytest.mark.django_db
def test_duplicate_id_is_refused_and_nothing_changes(tmp_path):
    """Importing onto an id that exists, without --replace, is a Vietnamese CommandError and
    leaves the existing article, authors and photos as they were."""
    category = make_category("Công Thương")
    existing = make_article(title="Bài cũ", category=category, id=139085, body="<p>Cũ.</p>")
    before = Article.objects.values().get(pk=139085)

    with pytest.raises(CommandError, match=r"Đã có bài viết mã 139085.*--replace"):
        _import(_write(tmp_path, SMALL_ARTICLE), "--id", 139085, "--image", _jpeg(tmp_path))

    assert Article.objects.values().get(pk=existing.pk) == before
    assert Article.objects.count() == 1
    assert not Author.objects.exists()
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_replace_updates_the_article_in_place(tmp_path):
    """--replace rewrites the article with that id: same row, new text, byline and photo,
    with no leftover bylines or photo uses from the first import."""
    make_category("Công Thương")
    other = make_category("Thị trường")
    _import(_write(tmp_path, SMALL_ARTICLE), "--id", 139085, "--image", _jpeg(tmp_path))
    first_photo = Article.objects.get(pk=139085).lead_photo

    revised = SMALL_ARTICLE.replace("xúc tiến thương mại", "kết nối cung cầu").replace(
        "Hoàng Anh", "Minh Thư"
    )
    out, _err = _import(
        _write(tmp_path, revised, "bai-sua.txt"),
        "--id",
        139085,
        "--replace",
        "--category",
        other.slug,
        "--image",
        _jpeg(tmp_path, "anh-moi.jpg"),
    )

    assert "Đã ghi đè" in out
    article = Article.objects.get()
    assert article.pk == 139085
    assert article.title == "Hà Nội đẩy mạnh kết nối cung cầu"
    assert article.slug == "ha-noi-day-manh-ket-noi-cung-cau"
    assert article.category == other
    assert [author.display_name for author in article.authors] == ["Minh Thư"]
    use = ArticlePhoto.objects.get(article=article)
    assert use.photo != first_photo
    assert use.photo.original_filename == "anh-moi.jpg"
    assert article.lead_photo == use.photo
    assert use.photo.image.url in article.body
    assert first_photo.image.url not in article.body


@pytest.mark.django_db
def test_replace_without_image_keeps_the_current_photo(tmp_path):
    """Re-importing with --replace but no --image keeps the photo already in the article."""
    make_category("Công Thương")
    path = _write(tmp_path, SMALL_ARTICLE)
    _import(path, "--id", 700, "--image", _jpeg(tmp_path))
    photo = Article.objects.get(pk=700).lead_photo

    _out, err = _import(path, "--id", 700, "--replace")

    article = Article.objects.get(pk=700)
    assert article.lead_photo == photo
    assert f'<img src="{photo.image.url}"' in article.body
    assert "chưa có tệp ảnh" not in err


@pytest.mark.django_db
def test_unknown_category_is_refused_and_nothing_is_created(tmp_path):
    """An unknown --category is a Vietnamese CommandError; no article, author or photo."""
    make_category("Công Thương")
    with pytest.raises(CommandError, match="Không có chuyên mục “khong-co”"):
        _import(
            _write(tmp_path, SMALL_ARTICLE), "--category", "khong-co", "--image", _jpeg(tmp_path)
        )
    assert not Article.objects.exists()
    assert not Author.objects.exists()
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_no_category_at_all_is_refused(tmp_path):
    """With no category in the database the import stops with a Vietnamese error."""
    with pytest.raises(CommandError, match="Chưa có chuyên mục nào"):
        _import(_write(tmp_path, SMALL_ARTICLE))
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_bad_time_line_is_refused_and_nothing_is_saved(tmp_path):
    """A time line not in the "18:35 | 18/06/2020" form is a CommandError; nothing saved."""
    make_category("Công Thương")
    text = SMALL_ARTICLE.replace("09:05 | 02/03/2021", "9 giờ sáng 2/3")
    with pytest.raises(CommandError, match="Dòng thời gian không hợp lệ: “9 giờ sáng 2/3”"):
        _import(_write(tmp_path, text), "--id", 139085)
    assert not Article.objects.exists()
    assert not Author.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "Không tìm thấy tệp"),
        (b"", "Tệp rỗng"),
        (b"\xff\xfe\x00T", "không phải văn bản UTF-8"),
        ("Chỉ có một dòng\n".encode(), "Thiếu dòng thời gian"),
    ],
)
def test_bad_file_is_refused(tmp_path, content, message):
    """A missing, empty, non-UTF-8 or title-only file is a Vietnamese CommandError."""
    make_category("Công Thương")
    path = tmp_path / "bai.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        _import(path)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_bad_image_is_refused_before_anything_is_saved(tmp_path):
    """An --image that is not a valid image is refused by clean_image; nothing is saved."""
    make_category("Công Thương")
    fake = tmp_path / "anh.jpg"
    fake.write_bytes(b"<?php echo 1; ?>")
    with pytest.raises(CommandError, match="Ảnh “anh.jpg”"):
        _import(_write(tmp_path, SMALL_ARTICLE), "--image", fake)
    assert not Article.objects.exists()
    assert not Photo.objects.exists()


@pytest.mark.django_db
def test_invalid_id_is_refused(tmp_path):
    """--id must be a positive whole number."""
    make_category("Công Thương")
    with pytest.raises(CommandError, match="số nguyên dương"):
        _import(_write(tmp_path, SMALL_ARTICLE), "--id", "-5")
    assert not Article.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_failure_midway_saves_nothing_and_removes_the_stored_image(tmp_path, monkeypatch):
    """When a step fails after the article row is written, the whole import rolls back and
    the image file already written to storage is deleted."""
    make_category("Công Thương")

    def explode(byline):
        raise RuntimeError("boom")

    monkeypatch.setattr(importer, "_author_for", explode)
    with pytest.raises(RuntimeError):
        _import(_write(tmp_path, SMALL_ARTICLE), "--id", 800, "--image", _jpeg(tmp_path))

    assert not Article.objects.exists()
    assert not Photo.objects.exists()
    assert not [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def test_postgres_sequence_moves_past_the_imported_id(postgres_only, tmp_path):
    """On PostgreSQL, after importing with --id 139085, an ordinary Article.objects.create()
    gets an id above 139085 instead of colliding with an existing one."""
    category = make_category("Công Thương")
    _import(_write(tmp_path, SMALL_ARTICLE), "--id", 139085)

    article = Article.objects.create(
        title="Bài viết mới", category=category, status=Article.Status.DRAFT
    )
    assert article.pk > 139085
