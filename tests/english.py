"""Finding English UI text in pages that must read in Vietnamese only.

`english_in_html(html)` returns the English phrases found in what a user sees or hears:
text outside <script>, <style> and <template>, plus the attributes browsers show or read
aloud (title, placeholder, aria-label, alt, and the value of submit inputs). Addresses, ids,
names and classes are not looked at, so `/admin/history/` or `id="changelist-search"`
never count; nor do addresses and file names in the text.

A phrase matches as whole words, case-sensitively ("No" is Django's English, "no" and
"Nó" are Vietnamese), after NFC normalisation so a decomposed "Gò" cannot leave a
bare "Go".
"""

import re
import unicodedata
from html.parser import HTMLParser

# English that Django, the admin's JavaScript or CKEditor would show if a translation
# were missing. Grown whenever a page showed a new one (see the report of the i18n work).
ENGLISH_PHRASES = [
    # Django admin chrome and forms
    "Please correct", "Show counts", "Hide counts", "Toggle theme", "Toggle navigation",
    "Select this object", "Select all objects", "Save and", "Save", "Delete", "History",
    "View on site", "View site", "Add another", "Add", "Change", "View", "Filter", "Search",
    "Recent actions", "My actions", "Log out", "Log in", "Welcome", "Home", "Action", "Go",
    "None", "Unknown", "Yes", "No", "All", "Any date", "Past 7 days", "This month",
    "This year", "Today", "Yesterday", "Now", "Midnight", "Noon", "Choose", "Clear", "Show",
    "Hide", "by", "By", "Skip to main content", "Breadcrumbs", "Sidebar", "Error",
    "Documentation", "Change password", "Password", "Username", "Date/time", "User",
    "Summary", "results", "total", "selected", "Run the selected action", "Select all",
    "Clear selection", "Are you sure", "Yes, I’m sure", "No, take me back", "Remove",
    "Added", "Changed", "Deleted", "Model name", "Enabled", "Disabled", "Reset password",
    "Set password", "Forgotten", "entry", "entries", "Date", "Time", "Currently", "Calendar",
    "January", "December", "Sunday", "Monday", "Enter a valid", "This field is required",
    "Ensure this value", "Upload a valid image", "Rich Text Editor",
    # CKEditor
    "Heading", "Normal", "Paragraph", "Formatted", "Address", "Image", "Link", "Unlink",
    "Anchor", "Table", "Rows", "Columns", "Headers", "Caption", "Border", "Width", "Height",
    "Alignment", "Left", "Right", "Center", "Upload", "Browse", "Server", "Cancel", "OK",
    "Source", "Maximize", "Undo", "Redo", "Bold", "Italic", "Underline", "Strike",
    "Subscript", "Superscript", "Paste", "Insert", "Special Character", "Horizontal Line",
    "Format", "Captioned image", "Alternative Text", "Lock Ratio", "Reset Size", "Target",
    "Protocol", "Display Text", "Phone", "Advanced", "Properties", "Widget",
    "widget", "Click and drag", "Press", "Notification", "Uploading", "Upload aborted",
    "File successfully", "Column Header", "Row Header", "height unit", "Block Quote",
    "Numbered List", "Bulleted List", "Justify", "Remove Format", "Keyboard", "Help",
    "body", "table",  # tag names in CKEditor's element path
]  # fmt: skip

# Attributes a browser shows (tooltips, placeholders) or reads aloud.
SHOWN_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "aria-placeholder"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# Not UI wording: <bdi> holds data Django isolates from the text around it (a password
# hash's random salt, "Go…" by chance, or a name).
HIDDEN_CONTENT = {"script", "style", "template", "bdi"}

_PATTERN = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(phrase) for phrase in sorted(ENGLISH_PHRASES, key=len, reverse=True))
    + r")(?!\w)"
)


# Addresses, e-mail addresses and file names in visible text ("ảnh Go-Home.jpg") are
# data, not UI wording.
_NOT_WORDS = re.compile(r"\S*(?:://|@|/)\S*|\S+\.(?:jpe?g|png|webp|gif|svg|pdf|html?)\b", re.I)


class _ShownText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.parts += [value or "" for name, value in attrs if name in SHOWN_ATTRIBUTES]
        # An <input type="submit"> shows its value; a <button>'s value is never shown.
        input_type = (attributes.get("type") or "").lower()
        if tag == "input" and input_type in BUTTON_INPUT_TYPES and attributes.get("value"):
            self.parts.append(attributes["value"])
        if tag in HIDDEN_CONTENT:
            self._hidden += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in HIDDEN_CONTENT:
            self._hidden -= 1

    def handle_endtag(self, tag):
        if tag in HIDDEN_CONTENT and self._hidden:
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def shown_text(html):
    """The page's visible text and shown attributes, one piece per line."""
    parser = _ShownText()
    parser.feed(html)
    parser.close()
    return "\n".join(part.strip() for part in parser.parts if part.strip())


def english_in_text(text):
    """Each English phrase found in `text`, with a little context, in order."""
    text = _NOT_WORDS.sub(" ", unicodedata.normalize("NFC", text))
    found = []
    for match in _PATTERN.finditer(text):
        start, end = match.span()
        context = text[max(0, start - 30) : end + 30].replace("\n", " ⏎ ")
        found.append(f"{match.group(0)!r} in …{context}…")
    return found


def english_in_html(html):
    return english_in_text(shown_text(html))
