"""Structured data for page heads.

    {% load seo %}
    {{ data|json_ld }}    <script type="application/ld+json">…</script>

Django's `json_script` filter escapes the same way but always writes
`type="application/json"`, which search engines do not read as JSON-LD.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import seo, text

register = template.Library()

# As django.utils.html.json_script: no "</script>", "<!--" or entity can form inside.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def json_ld(data):
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(text.translate(_JSON_SCRIPT_ESCAPES)),  # escaped just above
    )


@register.filter
def iso_time(moment):
    """W3C datetime in the paper's time zone, for sitemaps: 2020-09-26T23:35:00+07:00."""
    return seo.iso(moment) if moment else ""


@register.filter
def xml_text(value):
    """Drop the characters XML cannot carry (the template still escapes the rest)."""
    return text.xml_text(str(value))
