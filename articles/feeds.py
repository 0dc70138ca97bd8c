"""RSS 2.0 feeds: the latest news, and one per section with its sub-sections' articles.

    /rss/                     the list of feeds (HTML)
    /rss/tin-moi-nhat.rss     the 50 newest articles
    /rss/<category>.rss       the 50 newest of a section (sub-sections included)

Built on django.contrib.syndication. Each item has an absolute link and a permalink
GUID, the publish date in RFC 822 with the paper's offset (+0700), the title as
plain text, the sapo as (escaped) HTML description, one `dc:creator` per byline, the
section as `category`, and the lead photo's 1200×630 JPEG both as `enclosure` (with
its byte length) and as `media:content` (with its size).

Text follows the RSS Best Practices Profile: titles are plain text, never HTML, and
"&", "<" and ">" in character data are written as hexadecimal references, which
the widest range of readers shows literally; descriptions are HTML, so the sapo is
HTML-escaped before it goes in.
"""

from dataclasses import dataclass

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape
from django.utils.xmlutils import SimplerXMLGenerator

from articles import seo
from articles.models import Article, Category, SiteSettings
from articles.text import xml_text

FEED_ITEMS = 50
MEDIA_NS = "http://search.yahoo.com/mrss/"
DC_NS = "http://purl.org/dc/elements/1.1/"
# RSS caps the channel image at 144 px wide (scripts/make_brand_images.py draws it).
CHANNEL_IMAGE = ("brand/logo-144.png", 144, 144)


class _PlainTextXML(SimplerXMLGenerator):
    """Character data as the RSS Best Practices Profile asks, and always well-formed.

    Characters XML forbids are dropped rather than failing the whole feed.
    """

    def characters(self, content):
        if content:
            self._finish_pending_start_element()
            text = xml_text(str(content))
            self._write(text.replace("&", "&#x26;").replace("<", "&#x3C;").replace(">", "&#x3E;"))


class NewsRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with Dublin Core bylines, Media RSS images and a channel image."""

    def write(self, outfile, encoding):
        handler = _PlainTextXML(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("rss", self.rss_attributes())
        handler.startElement("channel", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        self.endChannelElement(handler)
        handler.endElement("rss")

    def rss_attributes(self):
        return {**super().rss_attributes(), "xmlns:dc": DC_NS, "xmlns:media": MEDIA_NS}

    def add_root_elements(self, handler):
        super().add_root_elements(handler)
        image = self.feed.get("image")
        if image:
            handler.startElement("image", {})
            handler.addQuickElement("url", image.url)
            handler.addQuickElement("title", self.feed["title"])
            handler.addQuickElement("link", self.feed["link"])
            handler.addQuickElement("width", str(image.width))
            handler.addQuickElement("height", str(image.height))
            handler.endElement("image")

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        for name in item["creators"]:
            handler.addQuickElement("dc:creator", name)
        image = item["image"]
        if image:
            attrs = {"url": image.url, "medium": "image", "type": image.mime_type}
            if image.width and image.height:
                attrs.update(width=str(image.width), height=str(image.height))
            if image.size_bytes:
                attrs["fileSize"] = str(image.size_bytes)
            handler.addQuickElement("media:content", None, attrs)


@dataclass(frozen=True)
class Channel:
    """What `get_object` hands the feed: the request (for absolute URLs) and the section."""

    request: object
    category: Category | None = None


@dataclass(frozen=True)
class Entry:
    """One item, with the values that need the request worked out in `items()`."""

    article: Article
    image: seo.Image | None


class LatestFeed(Feed):
    feed_type = NewsRssFeed
    language = "vi"

    def get_object(self, request, *args, **kwargs):
        return Channel(request)

    def articles(self, channel):
        return Article.objects.published()

    def items(self, channel):
        articles = (
            self.articles(channel)
            .for_listing()
            .select_related("category__parent")
            .latest_first()[:FEED_ITEMS]
        )
        return [
            Entry(a, seo.og_image(a.lead_photo, channel.request) if a.lead_photo else None)
            for a in articles
        ]

    def title(self, channel):
        return f"{SiteSettings.load().site_name} — Tin mới nhất"

    def link(self, channel):
        return reverse("articles:home")

    def description(self, channel):
        return f"Tin mới nhất của {SiteSettings.load().site_name}"

    def feed_extra_kwargs(self, channel):
        path, width, height = CHANNEL_IMAGE
        return {"image": seo.Image(seo.absolute(channel.request, static(path)), width, height)}

    def item_title(self, entry):
        return entry.article.title

    def item_description(self, entry):
        return escape(entry.article.sapo)

    def item_link(self, entry):
        return entry.article.get_absolute_url()

    def item_guid_is_permalink(self, entry):
        return True  # the GUID is the article's canonical URL (Django's default: the link)

    def item_pubdate(self, entry):
        return timezone.localtime(entry.article.published_at)

    def item_updateddate(self, entry):
        return timezone.localtime(seo.public_modified_at(entry.article))

    def item_categories(self, entry):
        category = entry.article.category
        return [c.name for c in (category.parent, category) if c is not None]

    def item_enclosures(self, entry):
        image = entry.image
        if image is None or not image.size_bytes:
            return []  # RSS requires the length: only renditions, whose size is stored
        return [feedgenerator.Enclosure(image.url, str(image.size_bytes), image.mime_type)]

    def item_extra_kwargs(self, entry):
        return {
            "creators": [author.display_name for author in entry.article.authors],
            "image": entry.image,
        }


class CategoryFeed(LatestFeed):
    def get_object(self, request, slug):
        return Channel(request, get_object_or_404(Category, slug=slug))

    def articles(self, channel):
        return Article.objects.published().in_category(channel.category)

    def title(self, channel):
        return f"{SiteSettings.load().site_name} — {channel.category.name}"

    def link(self, channel):
        return channel.category.get_absolute_url()

    def description(self, channel):
        site = SiteSettings.load().site_name
        return channel.category.description or f"Tin {channel.category.name} của {site}"


latest_feed = LatestFeed()
category_feed = CategoryFeed()


@dataclass(frozen=True)
class FeedLink:
    name: str
    path: str
    url: str  # absolute, to copy into a reader
    children: tuple = ()


def rss_list(request):
    """The feeds readers can subscribe to: the latest news and every section."""

    def link(name, path, children=()):
        return FeedLink(name, path, seo.absolute(request, path), tuple(children))

    def section_link(category):
        return link(category.name, reverse("articles:rss_category", args=[category.slug]))

    sections = Category.objects.filter(parent__isnull=True).prefetch_related("children")
    feeds = [link("Tin mới nhất", reverse("articles:rss_latest"))]
    for section in sections:
        children = [section_link(child) for child in section.children.all()]
        feeds.append(link(section.name, section_link(section).path, children))
    site = SiteSettings.load()
    meta = seo.list_meta(
        request,
        f"RSS — {site.site_name}",
        f"Các kênh RSS của {site.site_name}: tin mới nhất và từng chuyên mục.",
        seo.absolute(request, reverse("articles:rss")),
    )
    return render(request, "articles/rss.html", {"feeds": feeds, "meta": meta})
