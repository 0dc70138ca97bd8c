"""Share links of an article page: plain links to the networks' own share pages.

    {% load share %}
    {% share_links article as share %}
    share.url (absolute), share.facebook, share.zalo

No third-party script runs on our pages: Facebook's sharer and Zalo's share page are
opened as ordinary links (a new tab), with the article's absolute URL percent-encoded
in their query string. Copying the link and the system share sheet are done by
static/js/article-tools.js from `share.url`.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import template

from articles import seo

register = template.Library()

FACEBOOK_SHARER = "https://www.facebook.com/sharer/sharer.php"
# The page Zalo's own share button opens (sp.zalo.me/plugins/sdk.js builds a link to
# it); opened directly it needs no script of ours.
ZALO_SHARER = "https://sp.zalo.me/share_inline"


@dataclass(frozen=True)
class ShareLinks:
    url: str
    facebook: str
    zalo: str


def share_links_for(url):
    return ShareLinks(
        url=url,
        facebook=f"{FACEBOOK_SHARER}?{urlencode({'u': url})}",
        zalo=f"{ZALO_SHARER}?{urlencode({'url': url})}",
    )


@register.simple_tag(takes_context=True)
def share_links(context, article):
    """The article's public address (scheme and host of this request) and its share
    links; the template escapes them into attributes."""
    return share_links_for(seo.absolute(context["request"], article.get_absolute_url()))
