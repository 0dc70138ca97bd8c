"""Reading a rendered page as a browser would, to judge whether injected markup survived.

`parse(html)` builds a flat list of elements (tag, attributes, text of script/style/title)
with Python's html.parser; `problems(page, baseline)` lists what should not be there:
event-handler attributes, script-capable URLs, CSS that runs code, and any element
outside the body sanitiser's allowlist that the same page without payloads does not have
as often (so the page's own scripts, forms and inputs are counted, not judged).
"""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

# Attributes a browser reads as a URL (or a document, for srcdoc).
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "srcdoc", "xlink:href",
                  "background", "poster", "lowsrc", "dynsrc", "codebase", "cite",
                  "manifest", "ping"}  # fmt: skip
# What a browser ignores inside a scheme: "java\tscript:" and "java&#x09;script:" run.
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "livescript:")
_CSS_CODE = re.compile(r"expression\s*\(|url\s*\(\s*['\"]?\s*(javascript|vbscript|data):|"
                       r"-moz-binding|behavior\s*:|@import", re.I)  # fmt: skip
# Text-holding elements whose content we keep (the rest of the text is not needed).
KEEP_TEXT = {"script", "style", "title", "textarea"}


@dataclass
class Element:
    tag: str
    attrs: list
    text: str = ""
    # Tags of the open elements above it (the outermost first).
    parents: tuple = ()

    def get(self, name, default=None):
        for key, value in self.attrs:
            if key == name:
                return value if value is not None else ""
        return default


@dataclass
class Page:
    elements: list = field(default_factory=list)

    def all(self, tag):
        return [element for element in self.elements if element.tag == tag]

    def title(self):
        titles = self.all("title")
        return titles[0].text if titles else None

    def meta(self, key):
        """The content of <meta property=key> or <meta name=key>, else None."""
        for element in self.all("meta"):
            if key in (element.get("property"), element.get("name")):
                return element.get("content")
        return None

    def json_ld(self):
        return [
            json.loads(script.text)
            for script in self.all("script")
            if script.get("type") == "application/ld+json"
        ]

    def tag_counts(self):
        return Counter(element.tag for element in self.elements)


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr", "param", "keygen"}  # fmt: skip


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.page = Page()
        self.stack = []  # open Elements

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, parents=tuple(e.tag for e in self.stack))
        self.page.elements.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.page.elements.append(Element(tag, attrs, parents=tuple(e.tag for e in self.stack)))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                return

    def handle_data(self, data):
        if self.stack and self.stack[-1].tag in KEEP_TEXT:
            self.stack[-1].text += data


def parse(html):
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.page


def script_url(value):
    """True if a browser would run `value` (an attribute value, entities decoded) as code
    or open it as a document of its own."""
    folded = _IGNORED_IN_SCHEME.sub("", value or "").lower()
    return folded.startswith(DANGEROUS_SCHEMES) or any(
        f";url={scheme}" in folded or folded.startswith(f"0;url={scheme}")
        for scheme in ("javascript:", "vbscript:", "data:")
    )


def problems(page, baseline, *, marker="__xss", allowed_tags=frozenset()):
    """What in `page` (a parsed page with payloads) a browser could run or that escaped its
    place; `baseline` is the same page parsed without payloads. An empty list is clean."""
    found = []
    for element in page.elements:
        for name, value in element.attrs:
            if name.startswith("on"):
                found.append(f"<{element.tag} {name}=…> event handler")
            if name in URL_ATTRIBUTES and script_url(value):
                found.append(f"<{element.tag} {name}={value!r}> script URL")
            if name == "style" and value and _CSS_CODE.search(value):
                found.append(f"<{element.tag} style={value!r}> CSS that runs code")
            if name == "http-equiv" and (value or "").lower() in {"refresh", "set-cookie"}:
                found.append(f"<meta http-equiv={value!r}>")  # a redirect, wherever to
        if element.tag == "script":
            kind = (element.get("type") or "").lower()
            if kind == "application/ld+json":
                try:
                    json.loads(element.text)
                except ValueError:
                    found.append(f"JSON-LD broken out of: {element.text[:120]!r}")
            elif kind == "application/json":  # json_script data, never run
                pass
            elif marker in element.text:
                found.append(f"injected script: {element.text[:120]!r}")
            src = element.get("src")
            if src and not (src.startswith("/") and not src.startswith("//")):
                found.append(f"script from elsewhere: {src!r}")
        if element.tag == "style" and marker in element.text:
            found.append(f"injected style: {element.text[:120]!r}")
    counts, before = page.tag_counts(), baseline.tag_counts()
    for tag, count in sorted(counts.items()):
        if tag in allowed_tags:
            continue
        if count > before.get(tag, 0):
            found.append(f"{count - before.get(tag, 0)} more <{tag}> than the clean page")
    return found
