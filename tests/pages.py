"""Reading rendered admin pages in tests: a table's cells as text, an element's markup.

Assertions on the parsed table of a change list (`#result_list`) cannot be fooled by the
same words appearing elsewhere on the page (the filter sidebar lists every queue and
status too).
"""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}  # fmt: skip


class _Table(HTMLParser):
    def __init__(self, table_id):
        super().__init__(convert_charrefs=True)
        self.table_id = table_id
        self.depth = 0  # >0 inside the table
        self.header, self.rows = [], []
        self._row = self._cell = None
        self._in_head = False
        self._row_classes = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.depth or attrs.get("id") == self.table_id):
            self.depth += 1
            return
        if not self.depth or tag in VOID:
            return
        if self._cell is not None:
            self._cell["text"].append(" ")  # elements separate words, as on screen
        if tag == "thead":
            self._in_head = True
        elif tag == "tr":
            self._row = []
            self._row_classes.append(attrs.get("class") or "")
        elif tag in {"td", "th"} and self._row is not None:
            self._cell = {"text": [], "class": attrs.get("class") or ""}

    def handle_endtag(self, tag):
        if not self.depth:
            return
        if tag == "table":
            self.depth -= 1
        elif tag == "thead":
            self._in_head = False
        elif tag in {"td", "th"} and self._cell is not None:
            text = " ".join("".join(self._cell["text"]).split())
            self._row.append((self._cell["class"], text))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            (self.header if self._in_head else self.rows).append(self._row)
            self._row = None

    def handle_data(self, data):
        if self.depth and self._cell is not None:
            self._cell["text"].append(data)


def table(html, table_id="result_list"):
    """(header texts, [row dicts]) of the table with that id: each row maps a column's
    field name (from Django's `field-<name>` cell class, else the header text) to the
    cell's text."""
    parser = _Table(table_id)
    parser.feed(html)
    parser.close()
    assert parser.header or parser.rows, f"no table #{table_id} on the page"
    header = [text for _class, text in parser.header[0]] if parser.header else []
    rows = []
    for cells in parser.rows:
        row = {}
        for index, (css, text) in enumerate(cells):
            names = [c[len("field-") :] for c in css.split() if c.startswith("field-")]
            key = names[0] if names else (header[index] if index < len(header) else index)
            row[key] = text
        rows.append(row)
    return header, rows


class _Element(HTMLParser):
    """Every start tag (name and attributes) inside the element with the given id."""

    def __init__(self, element_id):
        super().__init__(convert_charrefs=True)
        self.element_id = element_id
        self.depth = 0
        self.tags = []
        self.text = []

    def handle_starttag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == self.element_id:
            self.tags.append((tag, attrs))
            self.text.append(" ")  # elements separate words, as on screen
            if tag not in VOID:
                self.depth += 1

    def handle_startendtag(self, tag, attrs):
        if self.depth or dict(attrs).get("id") == self.element_id:
            self.tags.append((tag, attrs))

    def handle_endtag(self, tag):
        if self.depth and tag not in VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)


def element(html, element_id):
    """(start tags [(name, [(attribute, value)])], text) of the element with that id."""
    parser = _Element(element_id)
    parser.feed(html)
    parser.close()
    assert parser.tags, f"no element #{element_id} on the page"
    return parser.tags, " ".join("".join(parser.text).split())
