"""Server-side sanitising of article bodies, and the editor's matching content filter.

CKEditor's content filter runs only in the browser; anything can be POSTed to
the admin. This allowlist is exactly what our toolbar produces and nothing more,
and it is the one place that says so: `editor_allowed_content()` turns it into
CKEditor's Advanced Content Filter rules, so the editor keeps every element,
attribute and class the server keeps. If the two disagreed, opening and saving an
article would silently rewrite it (a captioned image once became
`<p><img></p><p>caption</p>` on the second save).
"""

import re
from html.parser import HTMLParser

import nh3
from django.conf import settings

from articles.text import nfc

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "strong", "em", "u", "s", "sub", "sup",
    "a", "ul", "ol", "li", "blockquote", "hr",
    "table", "caption", "thead", "tbody", "tr", "th", "td",
    "figure", "figcaption", "img", "div", "span",
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

# The classes our markup uses. image2 (config `image2_captionedClass` and
# `image2_alignClasses` in settings) marks a captioned image `figure.image`, aligns
# captioned images with `figure.image-left/right` and uncaptioned ones with
# `img.image-left/right`, and centres them in `div.image-center` (captioned) or
# `p.image-center` (uncaptioned). The server adds `span.photo-credit` inside a
# figcaption (`photo_library.add_library_credits`).
CAPTIONED_CLASS = "image"
ALIGN_CLASSES = ("image-left", "image-center", "image-right")
CREDIT_CLASS = "photo-credit"
ALLOWED_CLASSES = {
    "figure": {CAPTIONED_CLASS, "image-left", "image-right"},
    "img": {"image-left", "image-right"},
    "div": {"image-center"},
    "p": {"image-center"},
    "span": {CREDIT_CLASS},
}

# Inside image2's caption (a nested editable with its own, stricter filter).
CAPTION_TAGS = {"br", "strong", "em", "u", "s", "sub", "sup", "a", "span"}

URL_SCHEMES = {"http", "https", "mailto"}

# The only style the server keeps (on the attributes above that allow "style").
ALLOWED_STYLES = {"text-align"}

_TEXT_ALIGN = re.compile(r"^\s*text-align\s*:\s*(left|right|center|justify)\s*;?\s*$", re.I)
_DIGITS = re.compile(r"^\d{1,5}$")


# Where the images of our own photo library are stored, under MEDIA_URL.
MEDIA_FOLDERS = ("photos/", "renditions/")


def is_own_media(src: str) -> bool:
    """True for an address of our own media library (no other host, no path tricks).

    An image from elsewhere would tell its host who opens the article (editors'
    addresses in the admin, readers' on the site), so bodies show only our photos.
    """
    prefix = settings.MEDIA_URL
    if not src.startswith(prefix):
        return False
    path = src[len(prefix) :]
    return path.startswith(MEDIA_FOLDERS) and ".." not in path and "\\" not in path


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep only harmless values of the attributes the allowlist lets through."""
    if tag == "img" and attribute == "src":
        return value if is_own_media(value.strip()) else None
    if attribute == "class":
        # nh3 would leave `class=""` behind; the editor drops that, so drop it here too.
        kept = [name for name in value.split() if name in ALLOWED_CLASSES.get(tag, ())]
        return " ".join(kept) or None
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


def sanitize_html(html: str, *, extra_tags: frozenset = frozenset()) -> str:
    """Return the body HTML with everything outside the allowlist removed (plus
    `extra_tags`, attribute-less: e.g. the <ins>/<del> of a revision diff)."""
    if not html:
        return ""
    cleaned = nh3.clean(
        nfc(html),
        tags=ALLOWED_TAGS | extra_tags,
        clean_content_tags={"script", "style", "iframe", "object", "embed", "template"},
        # "*": no attribute on every tag (nh3 would otherwise allow title and lang anywhere).
        attributes={"*": set(), **ALLOWED_ATTRIBUTES},
        attribute_filter=_filter_attribute,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    if "<img" in cleaned:
        cleaned = _drop_images_without_source(cleaned)
    return cleaned.strip()


class _ImageTags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.sourceless = []  # (line, column, length) of <img> tags without src

    def handle_starttag(self, tag, attrs):
        if tag == "img" and not dict(attrs).get("src"):
            line, column = self.getpos()
            self.sourceless.append((line, column, len(self.get_starttag_text())))

    handle_startendtag = handle_starttag


# Public pages run under a Content-Security-Policy without inline styles
# (settings.CONTENT_SECURITY_POLICY), which would drop the editor's alignment. The body
# keeps CKEditor's own `style="text-align: …"` (the editor reads it back); readers get a
# class instead (`.align-center` … in static/css/site.css). Only the start tags that may
# carry a style are touched; their attribute values are digits or keywords, never text
# with "<" or ">", and text never holds a raw "<", so the pattern stays inside tags.
_STYLED_TAGS = "|".join(
    sorted(tag for tag, names in ALLOWED_ATTRIBUTES.items() if "style" in names)
)
_STYLED_START_TAG = re.compile(rf"<(?P<name>{_STYLED_TAGS})(?P<attributes>\s[^<>]*)>")
_ALIGNMENT_STYLE = re.compile(r'\sstyle="text-align: (left|right|center|justify)"')
_CLASS_ATTRIBUTE = re.compile(r'\sclass="([^"]*)"')


def _alignment_as_class(match: re.Match) -> str:
    attributes = match.group("attributes")
    style = _ALIGNMENT_STYLE.search(attributes)
    if style is None:
        return match.group(0)
    attributes = attributes[: style.start()] + attributes[style.end() :]
    alignment = f"align-{style.group(1)}"
    existing = _CLASS_ATTRIBUTE.search(attributes)
    if existing:
        classes = f"{existing.group(1)} {alignment}".strip()
        attributes = attributes[: existing.start()] + attributes[existing.end() :]
    else:
        classes = alignment
    return f'<{match.group("name")} class="{classes}"{attributes}>'


def alignment_classes(html: str) -> str:
    """`<p style="text-align: center">` (sanitised body) -> `<p class="align-center">`."""
    if "text-align" not in html:
        return html
    return _STYLED_START_TAG.sub(_alignment_as_class, html)


def _drop_images_without_source(html: str) -> str:
    """Remove the <img> tags whose source the filter refused (external, data: …)."""
    parser = _ImageTags()
    parser.feed(html)
    parser.close()
    if not parser.sourceless:
        return html
    line_starts = [0] + [index + 1 for index, char in enumerate(html) if char == "\n"]
    for line, column, length in reversed(parser.sourceless):
        offset = line_starts[line - 1] + column
        html = html[:offset] + html[offset + length :]
    return html


def _acf_rule(tag: str) -> str:
    """One CKEditor ACF rule, `tag[attributes]{styles}(classes)`, none of them required.

    `rel` is not listed: the server sets it on every link whatever the editor sends.
    """
    attributes = ALLOWED_ATTRIBUTES.get(tag, set())
    rule = tag
    if attributes - {"style"}:
        rule += "[" + ",".join(sorted(attributes - {"style"})) + "]"
    if "style" in attributes:
        rule += "{" + ",".join(sorted(ALLOWED_STYLES)) + "}"
    if tag in ALLOWED_CLASSES:
        rule += "(" + ",".join(sorted(ALLOWED_CLASSES[tag])) + ")"
    return rule


def editor_allowed_content(tags=None) -> str:
    """CKEditor's `allowedContent` for exactly the server's allowlist (or the `tags`
    subset of it), e.g. "a[href,target,title]; br; …; span(photo-credit)".

    A rules string, never `true`: the filter stays on (see STACK-NOTES on
    CVE-2024-24815), and toolbar features whose markup is not listed disappear.
    """
    return "; ".join(_acf_rule(tag) for tag in sorted(ALLOWED_TAGS if tags is None else tags))
