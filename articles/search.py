"""Reader search, the text side: what a word is, how an article is indexed, how a
reader's query is read and how matches are shown.

One definition serves both databases. Words are folded here, in Python, with
`articles.text.fold` (accents, "đ" and case ignored; NFD input composed first), so
PostgreSQL, the SQLite fallback, the admin and the highlighter agree on what
matches. PostgreSQL's own `lower()` and text parser follow the database's
LC_CTYPE (a "C" database keeps "ĐÀ NẴNG" upper-case and splits words at accented
letters); here no database locale is involved.

Every word is indexed twice at the same position: folded ("thuong") and with its
marks as a fixed three-digit code ("thuong/040": no "đ", two horns, no tone).
The folded form makes "cong thuong", "CÔNG THƯƠNG" and "Công Thương" find the same
articles; the coded form lets articles written with the reader's exact accents rank
first. The code counts marks instead of recording where they sit, so both tone
placements ("hòa"/"hoà", "thủy"/"thuỷ") are the same word in either form.

`articles.models.search` stores the index (a GIN-indexed tsvector on PostgreSQL,
this module's text form elsewhere) and turns a `SearchQuery` into SQL.
"""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles.text import clean_line, fold

MAX_QUERY_LENGTH = 200  # characters of the cleaned query that are kept
MAX_TERMS = 12  # words of a query that count; the rest are dropped
MAX_WORD_LENGTH = 60  # longer "words" (hashes, base64) are not indexed
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position: words past it are not indexed
MAX_POSITIONS_PER_WORD = 255  # PostgreSQL keeps at most 256 positions per lexeme

# Title, sapo, body: tsvector weights A, B, C (title counts most).
FIELD_WEIGHTS = ("A", "B", "C")
# Fields whose words are also indexed with their marks, to rank exact accents first.
EXACT_FIELDS = "AB"

# A word: a letter or digit, then letters, digits or combining marks (NFD input, stray
# marks). Underscores and everything else separate words, so no LIKE/GLOB wildcard or
# tsquery operator can ever be part of one.
WORD = re.compile(r"[^\W_](?:[^\W_]|[\u0300-\u036f])*")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# Combining marks with no letter to sit on (they would stack on the page's quotes).
LONE_MARKS = re.compile(r"(^|\s)[\u0300-\u036f]+")
TAG = re.compile(r"<[^>]*>")

# Vietnamese marks, by combining character (NFD).
_CIRCUMFLEX, _BREVE, _HORN = "\u0302", "\u0306", "\u031b"
_TONES = {"\u0301": "1", "\u0300": "2", "\u0309": "3", "\u0303": "4", "\u0323": "5"}


@dataclass(frozen=True)
class Term:
    """One word, folded ("thuong") and coded with its marks ("thuong/040")."""

    folded: str
    exact: str

    @property
    def has_marks(self):
        return not self.exact.endswith("/000")


# word as written -> Term (or None: not worth indexing). News text reuses a few
# thousand syllables, so indexing 100,000 articles folds each distinct word once.
_TERMS: dict[str, Term | None] = {}
_TERMS_LIMIT = 50_000  # about 10 MB; cleared when full (queries can add words)


def term(word: str) -> Term | None:
    """The `Term` for one word as written; None for a word too long to index."""
    try:
        return _TERMS[word]
    except KeyError:
        pass
    folded = fold(word)
    found = None
    if folded and len(folded) <= MAX_WORD_LENGTH:
        found = Term(folded, f"{folded}/{accent_code(word)}")
    if len(_TERMS) >= _TERMS_LIMIT:
        _TERMS.clear()
    _TERMS[word] = found
    return found


def accent_code(word: str) -> str:
    """Three digits for a word's Vietnamese marks, wherever they sit.

    First "đ" (1) or not (0); then the vowel marks: none 0, circumflex (â ê ô) 1,
    breve (ă) 2, one horn (ơ ư) 3, two horns (ươ) 4, anything else 9; then the tone:
    none 0, sắc 1, huyền 2, hỏi 3, ngã 4, nặng 5, several 9.
    "Đường" -> "142", "hòa" and "hoà" -> "002", "thi" -> "000".
    """
    lowered = word.lower()
    marks = [ch for ch in unicodedata.normalize("NFD", lowered) if unicodedata.combining(ch)]
    circumflex, breve, horn = (marks.count(mark) for mark in (_CIRCUMFLEX, _BREVE, _HORN))
    vowel = {
        (0, 0, 0): "0",
        (1, 0, 0): "1",
        (0, 1, 0): "2",
        (0, 0, 1): "3",
        (0, 0, 2): "4",
    }.get((circumflex, breve, horn), "9")
    tones = [_TONES[mark] for mark in marks if mark in _TONES]
    tone = tones[0] if len(tones) == 1 else ("0" if not tones else "9")
    return ("1" if "đ" in lowered else "0") + vowel + tone


def terms(text: str) -> list[Term]:
    """The indexed words of plain text, in order."""
    found = []
    for word in WORD.findall(text or ""):
        known = _TERMS.get(word) or term(word)
        if known is not None:
            found.append(known)
    return found


def html_to_text(body: str) -> str:
    """The words of an article body: tags become spaces (so paragraphs do not run
    together), entities become characters. The body is sanitised on save, so no
    script or style text is left to index."""
    return html.unescape(TAG.sub(" ", body or ""))


@dataclass(frozen=True)
class SearchDocument:
    """An article as the index sees it: the words of its title, sapo and body."""

    fields: tuple[tuple[Term, ...], ...]

    @classmethod
    def for_article(cls, title, sapo, body, *, body_terms=None):
        """`body_terms`: the body's words when the caller already has them (the bulk
        seeder builds bodies from a pool of paragraphs and reads each paragraph once)."""
        if body_terms is None:
            body_terms = terms(html_to_text(body))
        words = (terms(title), terms(sapo), body_terms)
        return cls(tuple(tuple(field) for field in words))

    @property
    def title_words(self) -> str:
        """The title's folded words: "bo cong thuong hop bao"."""
        return " ".join(word.folded for word in self.fields[0])

    def as_tsvector(self) -> str:
        """PostgreSQL tsvector input: every word at its position, weighted by field
        ("'thuong':2A 'thuong/040':2A …"). Coded forms are kept for the title and the
        sapo only (EXACT_FIELDS): enough to rank exact accents first without doubling
        the index of every body. A gap between fields keeps a phrase from running from
        the title into the sapo."""
        positions = {}
        position = 0
        for weight, field in zip(FIELD_WEIGHTS, self.fields, strict=True):
            with_exact = weight in EXACT_FIELDS
            for word in field[: max(0, MAX_POSITION - position)]:
                position += 1
                entry = f"{position}{weight}"
                for lexeme in (word.folded, word.exact) if with_exact else (word.folded,):
                    entries = positions.get(lexeme)
                    if entries is None:
                        positions[lexeme] = [entry]
                    else:
                        entries.append(entry)
            position += 1
        # Words hold letters, digits and "/" only: nothing to escape in the quotes.
        return " ".join(
            [
                f"'{lexeme}':{','.join(entries[:MAX_POSITIONS_PER_WORD])}"
                for lexeme, entries in positions.items()
            ]
        )

    def as_text(self) -> str:
        """The SQLite form, matched with GLOB: " A:cong/010 A:thuong/040 | B:… | C:… ".

        Every word carries its field letter and is surrounded by single spaces; a "|"
        separates fields, so a phrase pattern cannot run from one field into the next.
        """
        fields = []
        count = 0
        for weight, field in zip(FIELD_WEIGHTS, self.fields, strict=True):
            words = list(field[: max(0, MAX_POSITION - count)])
            count += len(words)
            fields.append(" ".join(f"{weight}:{word.exact}" for word in words))
        return " " + " | ".join(fields) + " "


def quote_lexeme(lexeme: str) -> str:
    """A tsvector/tsquery literal lexeme (words never hold quotes; escape anyway)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass(frozen=True)
class SearchQuery:
    """What a reader typed, cleaned and capped, and the words it searches for.

    Parsing never fails: NUL bytes, control characters, zero-width characters and
    lone combining marks are dropped or ignored, and a query with no letter or digit
    left has no terms (the page then asks for a keyword instead of searching).
    """

    text: str
    terms: tuple[Term, ...]

    @classmethod
    def parse(cls, raw) -> "SearchQuery":
        # Bound the work before normalising: NFD text is at most a few times longer
        # than the NFC text that is kept.
        raw = CONTROL_CHARACTERS.sub(" ", str(raw or "")[: MAX_QUERY_LENGTH * 4])
        text = LONE_MARKS.sub(r"\1", clean_line(raw))[:MAX_QUERY_LENGTH].strip()
        return cls(text, tuple(terms(text)[:MAX_TERMS]))

    def __bool__(self):
        return bool(self.terms)

    @property
    def accented(self):
        """The reader typed accents: articles with exactly those accents rank first.

        A query typed without any mark ("thi dua") says nothing about accents, so all
        accent variants rank alike.
        """
        return any(word.has_marks for word in self.terms)

    @property
    def folded(self):
        """The query's words, folded: "cong thuong"."""
        return " ".join(word.folded for word in self.terms)

    @property
    def key(self):
        """Identifies the search (for caching its result count)."""
        return " ".join(word.exact for word in self.terms)


def highlight(text: str, query: SearchQuery, *, limit_words=None):
    """`text` HTML-escaped, with the words matching `query` (accents and case ignored)
    wrapped in <mark>; neighbouring matches share one mark ("<mark>thi đua</mark>").

    The article text is never trusted as HTML: every piece is escaped here and only
    the <mark> tags are added. `limit_words` shortens long text first ("…").
    """
    text = text or ""
    if limit_words is not None:
        words = text.split()
        if len(words) > limit_words:
            text = " ".join(words[:limit_words]) + "…"
    wanted = {word.folded for word in query.terms}
    spans = []
    for match in WORD.finditer(text):
        word = term(match.group())
        if word is None or word.folded not in wanted:
            continue
        if spans and not text[spans[-1][1] : match.start()].strip():
            spans[-1][1] = match.end()
        else:
            spans.append([match.start(), match.end()])
    pieces, last = [], 0
    for start, end in spans:
        pieces += [escape(text[last:start]), "<mark>", escape(text[start:end]), "</mark>"]
        last = end
    pieces.append(escape(text[last:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped
