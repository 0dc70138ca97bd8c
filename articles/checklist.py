"""The pre-publish checklist and the article screen's counts, computed on the server.

One function per rule; each looks at a saved article and says what to fix. The
article screen shows them (refreshed after every save), and the transition service
enforces them when an article is approved ("forward") or published, whoever asks:
the change form, a bulk action, a command.

A *hard* rule (no byline, no category, a photo without caption or credit, leftover
placeholder text …) stops the step. A *soft* rule is house style (a headline longer
than the house limit, empty paragraphs, no sapo …): whoever may publish can go past it
with a reason, which the history records.
"""

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.conf import settings
from django.utils.translation import gettext as _

from articles.models import TransitionNotAllowed
from articles.models.article import PUBLISH, clean_reason
from articles.photo_library import photo_problems

# The steps the checklist guards: approval by the section editor, and publishing.
ENFORCED_AT = frozenset({"forward", "publish"})

# Vietnamese is counted in syllables ("chữ"), read at about 250 a minute.
WORDS_PER_MINUTE = 250

# Text a writer leaves to fill in later: "Lorem ipsum", "xxx", "TODO".
PLACEHOLDER = re.compile(r"\b(lorem|todo)\b|\bx{3,}\b", re.IGNORECASE)


@dataclass(frozen=True)
class Finding:
    """One rule's verdict. `message` says what to fix (or, when `ok`, what was found);
    `anchor` is the id of the field to fix on the article screen."""

    rule: str
    label: str
    ok: bool
    soft: bool
    message: str
    anchor: str
    photos: tuple = field(default=())  # PhotoProblem entries, for the photo rule


@dataclass(frozen=True)
class Override:
    """A managing editor's decision to go past the soft rules `rules`, and why."""

    reason: str
    rules: frozenset


class ChecklistRefused(TransitionNotAllowed):
    """The checklist stops this step; `findings` are the failed rules."""

    def __init__(self, message, findings):
        super().__init__(message)
        self.findings = findings


# -- reading the body --


class _BodyText(HTMLParser):
    """The body's plain text, and how many paragraphs hold nothing (no text, no image)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks = []
        self.empty_paragraphs = 0
        self._paragraph = None  # [text pieces, has an image] of the open <p>

    def handle_starttag(self, tag, attrs):
        if tag == "p":
            self._close_paragraph()
            self._paragraph = [[], False]
        elif tag in {"img", "iframe", "video"} and self._paragraph is not None:
            self._paragraph[1] = True
        if tag in {"p", "br", "li", "h2", "h3", "h4", "figcaption", "td", "th", "div"}:
            self.chunks.append(" ")

    def handle_endtag(self, tag):
        if tag == "p":
            self._close_paragraph()
        self.chunks.append(" ")

    def handle_data(self, data):
        self.chunks.append(data)
        if self._paragraph is not None:
            self._paragraph[0].append(data)

    def _close_paragraph(self):
        if self._paragraph is not None:
            pieces, has_image = self._paragraph
            if not has_image and not "".join(pieces).strip():
                self.empty_paragraphs += 1
            self._paragraph = None

    def close(self):
        super().close()
        self._close_paragraph()


def _read(html):
    reader = _BodyText()
    reader.feed(html or "")
    reader.close()
    return reader


def body_text(html):
    return " ".join("".join(_read(html).chunks).split())


def word_count(text):
    """Words as Vietnamese counts them: space-separated syllables holding a letter or
    digit ("1.234" is one word). static/articles/desk-form.js counts the same way."""
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def reading_minutes(words):
    return max(1, math.ceil(words / WORDS_PER_MINUTE)) if words else 0


def thousands(number):
    """1234 -> "1.234", as Vietnamese prints it (Django's vi locale does not group)."""
    return f"{number:,}".replace(",", ".")


def body_counts(html):
    """ "1.234 chữ · khoảng 5 phút đọc" for the line under the editor."""
    words = word_count(body_text(html))
    minutes = reading_minutes(words)
    text = _("%(words)s chữ") % {"words": thousands(words)}
    if minutes:
        text += " · " + _("khoảng %(minutes)s phút đọc") % {"minutes": minutes}
    return {"words": words, "minutes": minutes, "text": text}


def char_count(text):
    """Characters as the house counts them: code points of the NFC text (what
    `max_length` counts too)."""
    return len(text or "")


# -- the rules --


def headline_present(article):
    ok = bool((article.title or "").strip())
    return Finding("headline", _("Tiêu đề"), ok, False,
                   _("Có tiêu đề.") if ok else _("Nhập tiêu đề."), "id_title")  # fmt: skip


def headline_length(article):
    limit = settings.HEADLINE_HOUSE_LIMIT
    length = char_count(article.title)
    ok = length <= limit
    message = (
        _("Tiêu đề %(length)s/%(limit)s ký tự.")
        if ok
        else _("Tiêu đề dài %(length)s ký tự, quá mức %(limit)s của tòa soạn: hãy rút gọn.")
    ) % {"length": length, "limit": limit}
    return Finding("headline_length", _("Độ dài tiêu đề"), ok, True, message, "id_title")


def sapo_present(article):
    ok = bool((article.sapo or "").strip())
    message = _("Có sapo.") if ok else _("Viết sapo (đoạn dẫn in đậm dưới tiêu đề).")
    return Finding("sapo", _("Sapo"), ok, True, message, "id_sapo")


def sapo_length(article):
    limit = settings.SAPO_HOUSE_LIMIT
    length = char_count(article.sapo)
    ok = length <= limit
    message = (
        _("Sapo %(length)s/%(limit)s ký tự.")
        if ok
        else _("Sapo dài %(length)s ký tự, quá mức %(limit)s của tòa soạn: hãy rút gọn.")
    ) % {"length": length, "limit": limit}
    return Finding("sapo_length", _("Độ dài sapo"), ok, True, message, "id_sapo")


def has_byline(article):
    ok = bool(article.pk) and article.byline_entries.exists()
    message = _("Có tác giả.") if ok else _("Thêm ít nhất một tác giả (bút danh).")
    return Finding("byline", _("Tác giả"), ok, False, message, "desk-bylines")


def has_category(article):
    ok = article.category_id is not None
    message = _("Có chuyên mục.") if ok else _("Chọn chuyên mục.")
    return Finding("category", _("Chuyên mục"), ok, False, message, "desk-category")


def photos_captioned(article):
    problems = photo_problems(article)
    if not problems:
        return Finding("photos", _("Chú thích và tác giả ảnh"), True, False,
                       _("Mọi ảnh đều có chú thích và tác giả ảnh."), "desk-photos")  # fmt: skip
    message = _("Điền chú thích và tác giả ảnh: %s.") % "; ".join(str(p) for p in problems)
    return Finding("photos", _("Chú thích và tác giả ảnh"), False, False, message,
                   "desk-photos", tuple(problems))  # fmt: skip


def no_empty_paragraphs(article):
    count = _read(article.body).empty_paragraphs
    ok = count == 0
    message = (
        _("Không có đoạn trống.")
        if ok
        else _("Nội dung có %(count)s đoạn trống: xóa các dòng trống thừa.") % {"count": count}
    )
    return Finding("empty_paragraphs", _("Đoạn trống"), ok, True, message, "desk-body")


def no_placeholder_text(article):
    places = []
    for label, text, anchor in (
        (_("tiêu đề"), article.title, "id_title"),
        (_("sapo"), article.sapo, "id_sapo"),
        (_("nội dung"), body_text(article.body), "desk-body"),
        (_("nguồn"), article.source, "id_source"),
    ):
        match = PLACEHOLDER.search(text or "")
        if match:
            places.append((label, match.group(0), anchor))
    if not places:
        return Finding("placeholder", _("Chữ tạm"), True, False,
                       _("Không còn chữ tạm (Lorem, xxx, TODO)."), "desk-body")  # fmt: skip
    found = "; ".join(f"“{word}” ở {label}" for label, word, _anchor in places)
    message = _("Còn chữ tạm chưa thay: %s.") % found
    return Finding("placeholder", _("Chữ tạm"), False, False, message, places[0][2])


RULES = [
    headline_present,
    headline_length,
    sapo_present,
    sapo_length,
    has_byline,
    has_category,
    photos_captioned,
    no_empty_paragraphs,
    no_placeholder_text,
]


def evaluate(article):
    """Every rule's finding for the article as saved, in the screen's order."""
    return [rule(article) for rule in RULES]


def failures(findings):
    return [finding for finding in findings if not finding.ok]


def can_override(user):
    return user.has_perm(PUBLISH)


# -- enforcement, for articles.services.transition_article --


def enforce(article, transition, *, by, override=None):
    """Raise ChecklistRefused unless `article` may take `transition` as it stands.

    Hard failures always refuse. Soft failures refuse unless `by` may publish and
    `override` gives a reason and names every failing soft rule (a rule that started
    failing after the screen was shown is not waived unseen). Returns the soft
    findings the override waives, for the history; [] when nothing was waived.
    """
    if transition.action not in ENFORCED_AT:
        return []
    failed = failures(evaluate(article))
    if not failed:
        return []
    hard = [finding for finding in failed if not finding.soft]
    soft = [finding for finding in failed if finding.soft]
    reason = clean_reason(override.reason if override else "")
    waived = (
        not hard
        and override is not None
        and reason
        and can_override(by)
        and {finding.rule for finding in soft} <= set(override.rules)
    )
    if waived:
        return soft
    lines = [finding.message for finding in failed]
    message = _("Chưa thể “%(action)s”: %(problems)s") % {
        "action": transition.label,
        "problems": " ".join(lines),
    }
    if soft and not hard:
        if not can_override(by):
            message += " " + _("Chỉ người có quyền xuất bản mới được bỏ qua các cảnh báo này.")
        elif not reason:
            message += " " + _("Muốn bỏ qua cảnh báo, hãy ghi lý do.")
    raise ChecklistRefused(message, failed)


def override_note(waived, reason):
    """The history's note for an override: the reason, then the rules gone past."""
    rules = "; ".join(finding.message for finding in waived)
    return f"{clean_reason(reason)} — {_('Bỏ qua')}: {rules}"
