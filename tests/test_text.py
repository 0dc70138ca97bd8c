"""Vietnamese text rules: slugs, NFC, invisible characters, folding, printed dates."""

import unicodedata
from datetime import UTC, datetime

import pytest

from articles.text import (
    article_datetime,
    clean_line,
    fold,
    header_datetime,
    nfc,
    vietnamese_slugify,
)
from tests.factories import FIXED_NOW, VN


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        (
            "Ngành Công Thương tỉnh Thanh Hóa đẩy mạnh phong trào thi đua yêu nước",
            "nganh-cong-thuong-tinh-thanh-hoa-day-manh-phong-trao-thi-dua-yeu-nuoc",
        ),
        ("Đà Nẵng", "da-nang"),
        ("Đà Nẵng mưa lớn", "da-nang-mua-lon"),
        ("thi đua", "thi-dua"),
        ("Ngày 26/9: giá xăng giảm", "ngay-26-9-gia-xang-giam"),
        ("  Ư Ơ Ạ Ế  ", "u-o-a-e"),
        ("Hà\u200bNội", "hanoi"),
    ],
)
def test_vietnamese_slugs(text, slug):
    """Slugs keep every letter: đ becomes d, diacritics are dropped, slashes split words."""
    assert vietnamese_slugify(text) == slug


def test_slug_from_nfd_text_equals_slug_from_nfc():
    """Text pasted from macOS/Word (NFD) gives the same slug as NFC text."""
    title = "Bộ Công Thương họp báo về xuất khẩu"
    assert vietnamese_slugify(unicodedata.normalize("NFD", title)) == vietnamese_slugify(title)


def test_long_slug_cut_at_word_boundary():
    """A very long title gives a slug within the limit, not ending mid-word or with '-'."""
    slug = vietnamese_slugify("thương mại điện tử " * 40, max_length=50)
    assert len(slug) <= 50
    assert not slug.endswith("-")
    assert slug.endswith(("thuong", "mai", "dien", "tu"))


def test_nfc_composes_decomposed_text():
    """'Hà Nội' in NFD is 9 code points; after nfc it is the 6-code-point form."""
    decomposed = unicodedata.normalize("NFD", "Hà Nội")
    assert len(decomposed) == 9
    assert nfc(decomposed) == "Hà Nội"
    assert len(nfc(decomposed)) == 6


def test_clean_line_removes_invisible_and_bidi_characters():
    """Zero-width and bidi-control characters are stripped; spaces collapse."""
    dirty = "\u202eGiá\u200b  xăng\u200d\u2066 giảm\ufeff "
    assert clean_line(dirty) == "Giá xăng giảm"


def test_fold_treats_both_tone_placements_and_case_alike():
    """'hòa'/'hoà' and 'thủy'/'thuỷ' fold alike; đ folds to d; case is ignored."""
    assert fold("Hòa") == fold("hoà") == "hoa"
    assert fold("thủy") == fold("THUỶ") == "thuy"
    assert fold("Bộ Công Thương ĐÀ NẴNG") == "bo cong thuong da nang"


def test_header_date_uses_full_vietnamese_weekday():
    """The page header prints 'Thứ bảy 26/09/2020 23:35', not Django's 'Thứ 7'."""
    assert header_datetime(FIXED_NOW) == "Thứ bảy 26/09/2020 23:35"


@pytest.mark.parametrize(
    ("day", "weekday"),
    [(21, "Thứ hai"), (22, "Thứ ba"), (23, "Thứ tư"), (24, "Thứ năm"), (25, "Thứ sáu"),
     (27, "Chủ nhật")],
)  # fmt: skip
def test_every_weekday_name(day, weekday):
    """Each weekday of the week of 21/09/2020 has its full name."""
    assert header_datetime(datetime(2020, 9, day, 8, 0, tzinfo=VN)).startswith(weekday + " ")


def test_article_time_in_vietnam_time_zone():
    """18/06/2020 11:35 UTC is printed as Vietnam's local '18:35 | 18/06/2020'."""
    assert article_datetime(datetime(2020, 6, 18, 11, 35, tzinfo=UTC)) == "18:35 | 18/06/2020"


def test_header_date_crosses_midnight_in_local_time():
    """17:30 UTC on Friday is already Saturday 00:30 in Hà Nội."""
    assert header_datetime(datetime(2020, 9, 25, 17, 30, tzinfo=UTC)) == "Thứ bảy 26/09/2020 00:30"
