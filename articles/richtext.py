"""Server-side sanitising of article bodies.

CKEditor's content filter runs only in the browser; anything can be POSTed to
the admin. This allowlist matches what our toolbar produces and nothing more.
"""

import re

import nh3

from articles.text import nfc

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "b", "em", "i", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "figure", "figcaption", "img", "span",
}  # fmt: skip

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "style"},
    "td": {"colspan", "rowspan", "style"},
    "table": {"summary"},
    "p": {"style"},
    "h2": {"style"},
    "h3": {"style"},
    "h4": {"style"},
}

# image2 marks captioned images and their alignment with classes.
ALLOWED_CLASSES = {
    "figure": {"image", "image-left", "image-center", "image-right"},
    "span": {"photo-credit"},
}

URL_SCHEMES = {"http", "https", "mailto"}

_TEXT_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center|justify)\s*;?\s*$", re.I)
_DIGITS = re.compile(r"^\d{1,5}$")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep only harmless values of the attributes the allowlist lets through."""
    if attribute == "style":
        match = _TEXT_ALIGN.match(value)
        return f"text-align: {match.group(1).lower()}" if match else None
    if attribute in {"width", "height", "colspan", "rowspan"}:
        return value if _DIGITS.match(value.strip()) else None
    if attribute == "target":
        return "_blank" if value == "_blank" else None
    if attribute == "scope":
        return value if value in {"row", "col", "rowgroup", "colgroup"} else None
    return value


def sanitize_html(html: str) -> str:
    """Return the body HTML with everything outside the allowlist removed."""
    if not html:
        return ""
    cleaned = nh3.clean(
        nfc(html),
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        # "*": no attribute on every tag (nh3 would otherwise allow title and lang anywhere).
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        attribute_filter=_filter_attribute,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return cleaned.strip()
