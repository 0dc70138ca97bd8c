"""Vietnamese text rules in one place: NFC, invisible characters, slugs, folding, dates."""

import re
import unicodedata
from datetime import datetime

from django.utils import timezone
from django.utils.text import slugify

# Zero-width characters and bidi controls: invisible, but they break slugs,
# search and comparisons, and bidi overrides can disguise text (Trojan Source).
# Control characters too (NUL cannot even be stored by PostgreSQL); tab, line feed and
# carriage return stay.
INVISIBLE_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]"
)

# Full weekday names as Vietnamese papers print them; Django's "vi" locale
# gives the abbreviated "Thứ 2 … Thứ 7".
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")

_D_WITH_STROKE = str.maketrans({"đ": "d", "Đ": "D"})

# Ids and page numbers: ASCII digits only. str.isdigit() accepts "²" and "①", which
# int() then rejects; int() accepts "٣", " 7" and "1_0". 18 digits fit a bigint.
_ASCII_NUMBER = re.compile(r"[0-9]{1,18}")


def parse_number(value) -> int | None:
    """The non-negative integer `value` spells in ASCII digits, else None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 0 <= value < 10**18 else None
    if not isinstance(value, str) or not _ASCII_NUMBER.fullmatch(value):
        return None
    return int(value)


def nfc(value: str) -> str:
    """Compose text (NFD from macOS/Word paste must equal its NFC twin)."""
    return unicodedata.normalize("NFC", value)


def clean_text(value: str) -> str:
    """NFC with invisible and control characters removed: for multi-line text."""
    return INVISIBLE_CHARACTERS.sub("", nfc(value))


def clean_line(value: str) -> str:
    """NFC, invisible characters removed, whitespace collapsed: for titles and names."""
    value = INVISIBLE_CHARACTERS.sub("", nfc(value))
    return " ".join(value.split())


def fold(value: str) -> str:
    """Accent- and case-insensitive form: "Bộ Công Thương" -> "bo cong thuong".

    Both tone-mark placements ("hòa"/"hoà") fold to the same text.
    """
    value = unicodedata.normalize("NFD", value.translate(_D_WITH_STROKE))
    value = "".join(ch for ch in value if not unicodedata.combining(ch))
    return " ".join(value.lower().split())


# The five Vietnamese tone marks as combining characters (grave, acute, tilde, hook above,
# dot below). The vowel-quality marks (circumflex, breve, horn) belong to the letter.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = frozenset("aeiouy")


def clean_name(value: str) -> str:
    """A short name (a tag): `clean_line`, but a zero-width *space* separates words
    ("Hà\u200bNội" is "Hà Nội", not "HàNội" as in titles and slugs)."""
    return clean_line(value.replace("\u200b", " "))


def name_key(value: str) -> str:
    """Comparison key for names that must not exist twice (tags).

    Case, NFC/NFD, invisible characters, spacing and where the tone mark sits in its
    vowel group ("Thanh Hóa"/"Thanh Hoá", "thủy"/"thuỷ") do not matter; letters and
    tones do: "Hà Nội", "Hả Nội" and "Ha Noi" are three different keys, as Vietnamese
    newsrooms keep them (an accent-less spelling is a different word, or a typo an
    editor should see, not silently merge). Each tone mark moves to the end of its
    vowel group, so even glued words ("HàNội") compare by syllable.
    """
    decomposed = unicodedata.normalize("NFD", "".join(clean_name(value).casefold().split()))
    out, tones = [], []
    for ch in decomposed:
        if ch in TONE_MARKS:
            tones.append(ch)
        elif unicodedata.combining(ch):
            out.append(ch)  # circumflex, breve, horn: part of the vowel
        else:
            if ch not in _VOWELS and tones:
                out += tones  # the vowel group ended: its tone goes after it
                tones = []
            out.append(ch)
    return unicodedata.normalize("NFC", "".join(out + tones))


def thousands(number: int) -> str:
    """An integer as Vietnamese print writes it: 1234567 -> "1.234.567"."""
    return f"{number:,}".replace(",", ".")


def vietnamese_slugify(value: str, max_length: int = 200) -> str:
    """ASCII slug for Vietnamese text: "Đà Nẵng" -> "da-nang".

    Django's slugify drops "đ" (it has no decomposition) and glues "26/9" into
    "269", so map đ and turn slashes into spaces first.
    """
    value = clean_line(value).translate(_D_WITH_STROKE).replace("/", " ")
    slug = slugify(value)
    if len(slug) > max_length:
        slug = slug[:max_length].rsplit("-", 1)[0] or slug[:max_length]
    return slug.strip("-")


def header_datetime(moment: datetime) -> str:
    """Page header date: "Thứ bảy 26/09/2020 23:35" in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{WEEKDAYS[local.weekday()]} {local:%d/%m/%Y %H:%M}"


def article_datetime(moment: datetime) -> str:
    """Article publish time: "18:35 | 18/06/2020" in the site's time zone."""
    local = timezone.localtime(moment)
    return f"{local:%H:%M | %d/%m/%Y}"


# Characters XML 1.0 cannot carry at all, not even escaped: C0 controls other than tab,
# line feed and carriage return, lone surrogates, U+FFFE and U+FFFF.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Text safe to put in an XML document (feeds, sitemaps): forbidden characters dropped.

    Titles and sapos can carry stray control characters pasted from Word; one of them
    would make the whole feed unparseable (or make Django's feed writer raise).
    """
    return XML_FORBIDDEN.sub("", value)


def waiting_label(since: datetime, now: datetime | None = None) -> str:
    """How long something has waited, as the newsroom says it: "chờ 25 phút",
    "chờ 3 giờ", "chờ 2 ngày 4 giờ" (Django's `timesince` comes out in English)."""
    minutes = max(0, int(((now or timezone.now()) - since).total_seconds() // 60))
    if minutes < 1:
        return "vừa gửi"
    if minutes < 60:
        return f"chờ {minutes} phút"
    hours = minutes // 60
    if hours < 24:
        return f"chờ {hours} giờ"
    days, hours = divmod(hours, 24)
    return f"chờ {days} ngày" + (f" {hours} giờ" if hours else "")
