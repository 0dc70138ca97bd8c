"""The rows of HTML tables, for asserting on what a table shows.

`"Hẹn giờ" in html` on the article change list is always true: the filter sidebar prints
the label. Tests that mean "this row says Hẹn giờ" read the row instead.
"""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Cell:
    tag: str  # "td" or "th"
    classes: list[str]
    text: str = ""
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)


@dataclass
class Table:
    id: str
    classes: list[str]
    caption: str = ""
    rows: list[list[Cell]] = field(default_factory=list)

    def header(self):
        """The texts of the first row made only of <th> cells (the column headings)."""
        for row in self.rows:
            if row and all(cell.tag == "th" for cell in row):
                return [cell.text for cell in row]
        return []

    def records(self):
        """Body rows as {column heading: text}."""
        names = self.header()
        return [
            dict(zip(names, (cell.text for cell in row), strict=False))
            for row in self.rows
            if row and [cell.text for cell in row] != names
        ]


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self._open, self._cell, self._in_caption = [], [], None, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table":
            table = Table(id=attrs.get("id") or "", classes=classes)
            self.tables.append(table)
            self._open.append(table)
        elif not self._open:
            return
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr":
            self._open[-1].rows.append([])
        elif tag in ("td", "th"):
            table = self._open[-1]
            if not table.rows:
                table.rows.append([])
            self._cell = Cell(tag=tag, classes=classes)
            table.rows[-1].append(self._cell)
        elif self._cell is not None and tag == "a" and attrs.get("href"):
            self._cell.links.append(attrs["href"])
        elif self._cell is not None and tag == "img":
            self._cell.images.append(attrs.get("src") or "")

    def handle_endtag(self, tag):
        if tag == "table" and self._open:
            self._open.pop()
            self._cell = None
        elif tag in ("td", "th"):
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.text = " ".join(f"{self._cell.text} {data}".split())
        elif self._in_caption and self._open:
            self._open[-1].caption = " ".join(f"{self._open[-1].caption} {data}".split())


def tables(html):
    parser = _Tables()
    parser.feed(html)
    parser.close()
    return parser.tables


def table_with_heading(html, heading):
    """The one table that has a column headed `heading`."""
    found = [table for table in tables(html) if heading in table.header()]
    assert len(found) == 1, f"{len(found)} tables with a column {heading!r}"
    return found[0]


def result_rows(html):
    """The admin change list's rows (`#result_list`) as {column: text}, the column named by
    its list_display entry (Django marks each cell with class "field-<name>"). An empty
    change list has no table: [] then."""
    found = [table for table in tables(html) if table.id == "result_list"]
    if not found:
        return []
    rows = []
    for row in found[0].rows:
        record = {}
        for cell in row:
            for name in cell.classes:
                if name.startswith("field-"):
                    record[name.removeprefix("field-")] = cell.text
                    record[f"{name.removeprefix('field-')}:links"] = cell.links
                    record[f"{name.removeprefix('field-')}:images"] = cell.images
        if record:
            rows.append(record)
    return rows


def result_row(html, column, text):
    """The one change-list row whose `column` reads `text`."""
    rows = [row for row in result_rows(html) if row.get(column) == text]
    assert len(rows) == 1, f"{len(rows)} rows with {column}={text!r} in {result_rows(html)}"
    return rows[0]
