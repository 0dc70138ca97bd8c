"""Responsive photos for public pages: `<picture>` with WebP and JPEG candidates.

    {% load photos %}
    {% picture photo "figure" %}              article figure, original ratio, lazy
    {% picture photo "figure" lazy=False %}   the lead photo: loaded at once
    {% picture photo "card" %}                16:9 crop for article cards (also "list",
                                              "compact", "card-large": see ROLES)
    {% og_image photo as og %}                og.url (absolute), og.width, og.height
    {{ article.body|responsive_images }}      body <img> of library photos get srcset

Only stored renditions are used; a photo without them is shown from its original
file. Nothing here generates an image.
"""

from dataclasses import dataclass
from html.parser import HTMLParser

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import seo
from articles.models import Photo
from articles.renditions import ORIGINAL, picture_for
from articles.text import parse_number

register = template.Library()


@dataclass(frozen=True)
class Role:
    family: str  # rendition family: "w" (original ratio), "16x9", "1x1"
    sizes: str  # the slot's CSS width at each viewport, from static/css/site.css


# The `sizes` follow static/css/site.css (change both together):
# - the page: 16 px padding each side, content at most 1168 px (`.wrap`);
# - the article column: at most 700 px (`.article`); from 1024 px the page has a
#   340 px side column and a 48 px gap beside it, so the article has 100vw - 420 px
#   until that reaches 700 px;
# - home grids (`.grid`): under 640 px compact cards with a 120 px thumbnail; two
#   columns (16 px gap) under 900 px, then four, at most 280 px each;
# - the lead story (`.card-large`): full width under 640 px, then 3/5 of a row with a
#   24 px gap;
# - list cards (category, author, search: `.list`): 120 px thumbnail on phones, 240 px
#   from 640 px; compact cards (side column): 120 px.
PAGE_PADDING = 16
ARTICLE_WIDTH = 700
_PHONE = f"calc(100vw - {2 * PAGE_PADDING}px)"
ROLES = {
    "figure": Role(
        ORIGINAL,
        f"(max-width: {ARTICLE_WIDTH + 2 * PAGE_PADDING - 1}px) {_PHONE}, "
        f"(max-width: 1023px) {ARTICLE_WIDTH}px, "
        f"(max-width: {ARTICLE_WIDTH + 420 - 1}px) calc(100vw - 420px), {ARTICLE_WIDTH}px",
    ),
    "card": Role(
        "16x9",
        "(max-width: 639px) 120px, (max-width: 899px) calc(50vw - 24px), "
        "(max-width: 1199px) calc(25vw - 20px), 280px",
    ),
    "card-large": Role(
        "16x9", f"(max-width: 639px) {_PHONE}, (max-width: 1199px) calc(60vw - 34px), 687px"
    ),
    "list": Role("16x9", "(max-width: 639px) 120px, 240px"),
    "compact": Role("16x9", "120px"),
    "thumb": Role("1x1", "80px"),
}


@register.simple_tag
def picture(photo, role="figure", *, lazy=True, alt=None):
    """A photo as `<picture>`: WebP and JPEG srcsets of the role's rendition family,
    width/height attributes (no layout shift), lazy loading unless `lazy=False`.
    Built here rather than by an included template: a home page shows dozens."""
    spec = ROLES[role]
    found = picture_for(photo, spec.family)
    size = format_html(' width="{}" height="{}"', found.width, found.height) if found.width else ""
    loading = 'loading="lazy"' if lazy else 'loading="eager" fetchpriority="high"'
    img = format_html(
        '<img src="{}"{}{} alt="{}" {} decoding="async">',
        found.src,
        format_html(' srcset="{}" sizes="{}"', found.jpeg_srcset, spec.sizes)
        if found.webp_srcset
        else "",
        size,
        photo.alt if alt is None else alt,
        mark_safe(loading),
    )
    if not found.webp_srcset:
        return img
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">{}</picture>',
        found.webp_srcset,
        spec.sizes,
        img,
    )


@register.simple_tag(takes_context=True)
def og_image(context, photo):
    """The photo's 1200×630 JPEG for link previews (the original file until renditions
    exist), with an absolute URL: see articles.seo.og_image, which page meta uses."""
    return seo.og_image(photo, context["request"])


# --- Body images ----------------------------------------------------------------------

BODY_SIZES = ROLES["figure"].sizes


class _ImageTags(HTMLParser):
    """Finds every `<img>` start tag: its offset in the text and its attributes."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []  # (offset, length, attrs)

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.found.append((self.getpos(), len(self.get_starttag_text()), dict(attrs)))

    handle_startendtag = handle_starttag


def _find_images(html):
    parser = _ImageTags()
    parser.feed(html)
    parser.close()
    # HTMLParser reports (line, column), counting lines by "\n" only.
    line_starts = [0] + [index + 1 for index, char in enumerate(html) if char == "\n"]
    return [
        (line_starts[line - 1] + column, length, attrs)
        for (line, column), length, attrs in parser.found
    ]


@register.filter
def responsive_images(html):
    """Give body images that show a library photo its renditions.

    The body is sanitised HTML (articles.richtext); each `<img>` whose `src` is a
    library photo's file is wrapped in a `<picture>` with a WebP `<source>` and gets
    `srcset`/`sizes`/`loading`/`decoding` (and `width`/`height` if it had none)
    appended, all values generated here from stored renditions. The editor's own
    markup, the tag's existing attributes included, is kept byte for byte.
    Costs two queries when the body has images, none otherwise.
    """
    html = str(html or "")
    if "<img" not in html:
        return mark_safe(html)  # sanitised on save, as `|safe` trusted it
    images = _find_images(html)
    by_url = _photos_by_url(attrs.get("src") for _, _, attrs in images)
    pieces, position = [], 0
    for offset, length, attrs in images:
        tag = html[offset : offset + length]
        photo = by_url.get(attrs.get("src"))
        if photo is None or tag[:4].lower() != "<img" or not tag.endswith(">"):
            continue  # not a library photo (or, defensively, not where the parser said)
        picture = picture_for(photo, ORIGINAL)
        if not picture.webp_srcset:
            continue
        sizes = BODY_SIZES
        shown_width = parse_number(attrs.get("width"))
        if shown_width is not None and 0 < shown_width < ARTICLE_WIDTH:
            # An image the editor made narrower than the column.
            sizes = f"(max-width: {shown_width + 2 * PAGE_PADDING}px) {_PHONE}, {shown_width}px"
        added = format_html(
            ' srcset="{}" sizes="{}" loading="lazy" decoding="async"', picture.jpeg_srcset, sizes
        )
        if "width" not in attrs and "height" not in attrs and picture.width:
            added += format_html(' width="{}" height="{}"', picture.width, picture.height)
        end = len(tag) - (2 if tag.endswith("/>") else 1)
        pieces += [
            html[position:offset],
            format_html(
                '<picture><source type="image/webp" srcset="{}" sizes="{}">',
                picture.webp_srcset,
                sizes,
            ),
            tag[:end],  # the editor's tag as it was, then the added attributes
            added,
            tag[end:],
            "</picture>",
        ]
        position = offset + length
    pieces.append(html[position:])
    return mark_safe("".join(pieces))  # sanitised input plus attributes generated here


def _photos_by_url(urls):
    """Library photos by their file URL (one query; renditions come from their index)."""
    media = {url for url in urls if url}
    names = {name for name in map(_stored_name, media) if name}
    if not names:
        return {}
    photos = Photo.objects.filter(image__in=names)
    return {photo.image.url: photo for photo in photos if photo.image.url in media}


def _stored_name(url):
    """The storage name behind a media URL of a library photo, or None.

    MEDIA_URL is the base of every stored file's URL, on disk or in a bucket (the S3
    backend cannot give the URL of an empty name)."""
    prefix = settings.MEDIA_URL
    if not url.startswith(prefix):
        return None
    name = url[len(prefix) :]
    return name if name.startswith("photos/") and ".." not in name else None
