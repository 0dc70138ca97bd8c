"""What search engines, social networks and chat apps read about a public page.

Views put a `PageMeta` in the template context as `meta`; base.html renders it with
includes/_meta.html: canonical URL, description, OpenGraph and Twitter tags, and
schema.org JSON-LD (NewsArticle, BreadcrumbList, WebSite, Organization). Everything
here is plain data: the template escapes attributes, and the `json_ld` filter
(articles/templatetags/seo.py) serialises with <, > and & escaped, so a title like
`</script><script>…` stays text wherever it lands.

Previews (staff and shared links) get `noindex` and neither a canonical URL, an
og:url nor structured data: the public URL may not exist yet (a draft, a scheduled
article) or may show other content (an older revision of a live article).
"""

from dataclasses import dataclass

from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from articles.models import SiteSettings
from articles.renditions import ORIGINAL, largest_rendition, og_rendition
from articles.text import xml_text

LANGUAGE = "vi"
OG_LOCALE = "vi_VN"
DESCRIPTION_WORDS = 50
# A raster logo (Google's publisher and Organization logo: at least 112×112, PNG/JPEG),
# drawn by scripts/make_brand_images.py; static/brand/logo.svg is the vector original.
LOGO = ("brand/logo.png", 512, 512)
HOME_DESCRIPTION = "{site} — tin tức, thời sự"


@dataclass(frozen=True)
class PageMeta:
    description: str
    canonical: str | None = None
    robots: str | None = None
    properties: tuple = ()  # (property, content) pairs: og:*, article:*
    names: tuple = ()  # (name, content) pairs: twitter:*
    structured_data: tuple = ()  # JSON-LD objects


@dataclass(frozen=True)
class Image:
    url: str  # absolute
    width: int | None
    height: int | None
    mime_type: str = "image/jpeg"
    size_bytes: int | None = None  # known for renditions (the feed's enclosure needs it)


# --- Building blocks ---------------------------------------------------------------------


def absolute(request, path):
    return request.build_absolute_uri(path)


def describe(text):
    """Meta and OpenGraph description: one line, cut after 50 words, without the control
    characters a pasted sapo can carry."""
    return Truncator(" ".join(xml_text(text).split())).words(DESCRIPTION_WORDS, truncate=" …")


def iso(moment):
    """ISO 8601 in the paper's time zone: 2020-09-26T23:35:00+07:00."""
    return timezone.localtime(moment).isoformat(timespec="seconds")


def public_modified_at(article, corrections=()):
    """When readers last saw the article change: its publication, its last save or its
    newest correction, whichever is latest (a scheduled article is saved before it
    is published, so the save alone can precede the publication)."""
    times = [article.published_at, article.updated_at, *(c.created_at for c in corrections)]
    return max(t for t in times if t is not None)


def _media_type(name):
    extension = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "gif": "image/gif", "webp": "image/webp"}.get(
        extension, "image/jpeg"
    )


def og_image(photo, request):
    """The photo's 1200×630 OpenGraph JPEG, or its original file before renditions exist
    (from the photo's stored rendition index: no query)."""
    rendition = og_rendition(photo)
    if rendition is not None:
        return Image(
            absolute(request, rendition.url),
            rendition.width,
            rendition.height,
            size_bytes=rendition.size_bytes,
        )
    return Image(
        absolute(request, photo.image.url),
        photo.width,
        photo.height,
        mime_type=_media_type(photo.image.name),
    )


def article_images(photo, request):
    """Absolute URLs for structured data, widest crops first: OpenGraph (1200×630),
    the largest 16:9 and 1:1 crops and the largest original-ratio JPEG (Google picks
    by aspect ratio)."""
    urls = [og_image(photo, request).url]
    for family in ("16x9", "1x1", ORIGINAL):
        rendition = largest_rendition(photo, family)
        if rendition is not None:
            url = absolute(request, rendition.url)
            if url not in urls:
                urls.append(url)
    return urls


def site_logo(request):
    path, width, height = LOGO
    return Image(absolute(request, static(path)), width, height, mime_type="image/png")


def organization(request, site):
    """The paper as a schema.org Organization (publisher of every article)."""
    logo = site_logo(request)
    home = absolute(request, reverse("articles:home"))
    return {
        "@type": "NewsMediaOrganization",
        "@id": f"{home}#organization",
        "name": site.site_name,
        "url": home,
        "logo": {
            "@type": "ImageObject",
            "url": logo.url,
            "width": logo.width,
            "height": logo.height,
        },
    }


def breadcrumbs(request, trail):
    """BreadcrumbList from (name, path) pairs, home first."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {
                "@type": "ListItem",
                "position": position,
                "name": name,
                "item": absolute(request, path),
            }
            for position, (name, path) in enumerate(trail, start=1)
        ],
    }


def _open_graph(kind, title, description, site, url=None, image=None, image_alt=""):
    properties = [
        ("og:type", kind),
        ("og:title", title),
        ("og:description", description),
        ("og:site_name", site.site_name),
        ("og:locale", OG_LOCALE),
    ]
    if url:
        properties.append(("og:url", url))
    if image:
        properties += [("og:image", image.url), ("og:image:type", image.mime_type)]
        if image.width and image.height:
            properties += [
                ("og:image:width", str(image.width)),
                ("og:image:height", str(image.height)),
            ]
        if image_alt:
            properties.append(("og:image:alt", image_alt))
    return properties


def _twitter(title, description, image=None, image_alt="", large=False):
    names = [
        ("twitter:card", "summary_large_image" if large else "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
    ]
    if image:
        names.append(("twitter:image", image.url))
        if image_alt:
            names.append(("twitter:image:alt", image_alt))
    return names


def _page_url(request, path, page_number=1):
    """A list's canonical URL: its own page number kept, every other parameter dropped."""
    return absolute(request, path if page_number == 1 else f"{path}?page={page_number}")


# --- Pages ---------------------------------------------------------------------------


def article_meta(request, article, *, corrections=(), preview=None):
    """Meta of an article page. `article` comes from `for_display()`."""
    site = SiteSettings.load()
    description = describe(article.sapo or article.title)
    photo = article.lead_photo
    image = og_image(photo, request) if photo else None
    alt = photo.alt if photo else ""
    twitter = _twitter(article.title, description, image, alt, large=bool(photo))
    if preview is not None:
        return PageMeta(
            description=description,
            robots="noindex, nofollow",
            properties=tuple(
                _open_graph("article", article.title, description, site, None, image, alt)
            ),
            names=tuple(twitter),
        )
    url = absolute(request, article.get_absolute_url())
    published, modified = iso(article.published_at), iso(public_modified_at(article, corrections))
    category = article.category
    authors = article.authors
    properties = _open_graph("article", article.title, description, site, url, image, alt)
    properties += [
        ("article:published_time", published),
        ("article:modified_time", modified),
        ("article:section", category.name),
    ]
    properties += [("article:author", absolute(request, a.get_absolute_url())) for a in authors]
    tags = article.tag_list
    properties += [("article:tag", tag.name) for tag in tags]
    publisher = organization(request, site)
    news_article = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "url": url,
        "headline": article.title,
        "description": description,
        "datePublished": published,
        "dateModified": modified,
        # Without a byline the paper itself signs the article.
        "author": [
            {
                "@type": "Person",
                "name": a.display_name,
                "url": absolute(request, a.get_absolute_url()),
            }
            for a in authors
        ]
        or [{"@type": publisher["@type"], "name": site.site_name, "url": publisher["url"]}],
        "publisher": publisher,
        "articleSection": category.name,
        "inLanguage": LANGUAGE,
    }
    if tags:
        news_article["keywords"] = [tag.name for tag in tags]
    if photo:
        news_article["image"] = article_images(photo, request)
    trail = [("Trang chủ", reverse("articles:home"))]
    if category.parent_id:
        trail.append((category.parent.name, category.parent.get_absolute_url()))
    trail += [
        (category.name, category.get_absolute_url()),
        (article.title, article.get_absolute_url()),
    ]
    return PageMeta(
        description=description,
        canonical=url,
        properties=tuple(properties),
        names=tuple(twitter),
        structured_data=(news_article, breadcrumbs(request, trail)),
    )


def home_meta(request):
    site = SiteSettings.load()
    url = absolute(request, reverse("articles:home"))
    description = HOME_DESCRIPTION.format(site=site.site_name)
    logo = site_logo(request)
    website = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "@id": f"{url}#website",
        "name": site.site_name,
        "url": url,
        "inLanguage": LANGUAGE,
        "publisher": {"@id": f"{url}#organization"},
    }
    return PageMeta(
        description=description,
        canonical=url,
        properties=tuple(_open_graph("website", site.site_name, description, site, url, logo)),
        names=tuple(_twitter(site.site_name, description, logo)),
        structured_data=(
            website,
            {"@context": "https://schema.org", **organization(request, site)},
        ),
    )


def category_meta(request, category, page_number=1):
    """A section's meta, with its BreadcrumbList (home › parent section › section)."""
    site = SiteSettings.load()
    url = _page_url(request, category.get_absolute_url(), page_number)
    description = describe(category.description or f"Tin tức {category.name} — {site.site_name}")
    trail = [("Trang chủ", reverse("articles:home"))]
    if category.parent_id:
        trail.append((category.parent.name, category.parent.get_absolute_url()))
    trail.append((category.name, category.get_absolute_url()))
    return list_meta(request, category.name, description, url, trail=trail)


def tag_meta(request, tag, page_number=1):
    site = SiteSettings.load()
    url = _page_url(request, tag.get_absolute_url(), page_number)
    title = f"Từ khóa: {tag.name}"
    description = describe(f"Tin tức về {tag.name} trên {site.site_name}")
    trail = [("Trang chủ", reverse("articles:home")), (title, tag.get_absolute_url())]
    return list_meta(request, title, description, url, trail=trail)


def thread_meta(request, thread, page_number=1):
    site = SiteSettings.load()
    url = _page_url(request, thread.get_absolute_url(), page_number)
    description = describe(thread.description or f"Dòng sự kiện {thread.title} — {site.site_name}")
    trail = [("Trang chủ", reverse("articles:home")), (thread.title, thread.get_absolute_url())]
    return list_meta(request, thread.title, description, url, trail=trail)


def author_meta(request, author, page_number=1):
    site = SiteSettings.load()
    url = _page_url(request, author.get_absolute_url(), page_number)
    description = describe(
        author.bio or f"Các bài viết của tác giả {author.display_name} trên {site.site_name}"
    )
    return list_meta(request, author.display_name, description, url)


def list_meta(request, title, description, url, trail=()):
    """Meta of a page listing articles (or feeds): canonical, description, OpenGraph,
    and a BreadcrumbList when the page sits in a trail ((name, path) pairs, home first)."""
    site = SiteSettings.load()
    logo = site_logo(request)
    return PageMeta(
        description=description,
        canonical=url,
        properties=tuple(_open_graph("website", title, description, site, url, logo)),
        names=tuple(_twitter(title, description, logo)),
        structured_data=(breadcrumbs(request, trail),) if trail else (),
    )
