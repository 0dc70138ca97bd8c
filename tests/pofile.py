"""Reading gettext .po files, for tests that compare them with the compiled .mo files
and with Django's own catalogues (Python's gettext module reads only .mo files)."""

import ast
import re
from dataclasses import dataclass, field

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+(".*")\s*$')


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list = field(default_factory=list)
    fuzzy: bool = False

    @property
    def key(self):
        """The message as gettext looks it up: "context\\x04msgid"."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def translated(self):
        return not self.fuzzy and any(self.msgstr)


def read_po(path):
    """The entries of a .po file (the header is the entry with msgid "")."""
    entries, entry, last, flags = [], None, None, ""
    with open(path, encoding="utf-8") as lines:
        text = lines.read()
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("#,"):
            flags = line
            continue
        if not line or line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match is None:  # a continuation line: "…"
            value = ast.literal_eval(line)
            if last == "msgstr":
                entry.msgstr[-1] += value
            else:
                setattr(entry, last, getattr(entry, last) + value)
            continue
        keyword, value = match.group(1), ast.literal_eval(match.group(2))
        if keyword == "msgctxt" or (keyword == "msgid" and (entry is None or last != "msgctxt")):
            entry = Entry(fuzzy="fuzzy" in flags)
            entries.append(entry)
            flags = ""
        if keyword.startswith("msgstr"):
            entry.msgstr.append(value)
            last = "msgstr"
        else:
            setattr(entry, keyword, value)
            last = keyword
    return entries


def as_catalog(entries):
    """What msgfmt compiles and gettext.GNUTranslations reads back as `_catalog`:
    translated, non-fuzzy entries; plural forms keyed (msgid, n)."""
    catalog = {}
    for entry in entries:
        if not entry.translated:
            continue
        if entry.msgid_plural is None:
            catalog[entry.key] = entry.msgstr[0]
        else:
            for number, text in enumerate(entry.msgstr):
                catalog[(entry.key, number)] = text
    return catalog
