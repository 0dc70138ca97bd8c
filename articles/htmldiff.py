"""A visual diff of two article bodies: the text as readers see it, with removed words in
<del> and added words in <ins>, inside the paragraphs, headings and lists they belong to.

Both bodies are sanitised first (a revision's JSON may predate the sanitiser or come from
anywhere), the diff is computed on words and tags, and the result is sanitised again with
only <ins> and <del> added to the body allowlist: nothing the diff assembles can carry
markup the article page itself would not show.
"""

import difflib
import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from django.utils.safestring import mark_safe

from articles.richtext import sanitize_html

# Elements with no content of their own: treated like words (an image added or removed
# shows, marked, where it was).
VOID_TAGS = frozenset({"img", "br", "hr"})

_WORDS = re.compile(r"^\s+|[^\s]+\s*")

# An unchanged stretch this short (in words) between two changes is shown as part of one
# change: "và" or "của" common to two different sentences is no anchor for the reader.
MIN_ANCHOR_WORDS = 3


@dataclass(frozen=True)
class Token:
    kind: str  # "start", "end", "void", "word", "space"
    raw: str  # as written in the output (text escaped)
    tag: str = ""

    @property
    def key(self):
        """What must be equal for two tokens to count as unchanged: a word is itself,
        whatever space follows it."""
        return self.raw.rstrip() if self.kind == "word" else self.raw

    @property
    def is_content(self):
        return self.kind in {"word", "void", "space"}


class _Tokenizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        kind = "void" if tag in VOID_TAGS else "start"
        self.tokens.append(Token(kind, self.get_starttag_text(), tag))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in VOID_TAGS:
            self.tokens.append(Token("end", f"</{tag}>", tag))

    def handle_data(self, data):
        # A word carries the whitespace after it: lone spaces would otherwise match
        # between unrelated sentences and cut their changes into pieces.
        for piece in _WORDS.findall(data):
            kind = "space" if piece.isspace() else "word"
            self.tokens.append(Token(kind, escape(piece, quote=False)))


def tokenize(html):
    parser = _Tokenizer()
    parser.feed(html or "")
    parser.close()
    return parser.tokens


def _balanced(tokens):
    """The indexes of tags in `tokens` whose opening and closing are both in it."""
    kept, stack = set(), []
    for index, token in enumerate(tokens):
        if token.kind == "start":
            stack.append(index)
        elif token.kind == "end":
            for depth in range(len(stack) - 1, -1, -1):
                if tokens[stack[depth]].tag == token.tag:
                    kept.update({stack[depth], index})
                    del stack[depth:]
                    break
    return kept


def _marked(tokens, wrapper, keep_tags):
    """Tokens with each run of words (and images) wrapped in `wrapper`; tags kept only if
    `keep_tags` says so (the new body's tags always, the old body's balanced ones)."""
    out, run = [], []

    def flush():
        text = "".join(token.raw for token in run)
        if any(token.kind != "space" for token in run):
            marked = text.rstrip()  # the space after the last word stays unmarked
            out.append(f"<{wrapper}>{marked}</{wrapper}>{text[len(marked) :]}")
        else:
            out.append(text)
        run.clear()

    for index, token in enumerate(tokens):
        if token.is_content:
            run.append(token)
            continue
        flush()
        if keep_tags(index):
            out.append(token.raw)
    flush()
    return out


def _coarse(opcodes, old):
    """Opcodes with short unchanged stretches between changes folded into them."""
    merged = []
    for index, (op, i1, i2, j1, j2) in enumerate(opcodes):
        inside = 0 < index < len(opcodes) - 1
        stretch = old[i1:i2]
        short = sum(t.kind == "word" for t in stretch) < MIN_ANCHOR_WORDS and all(
            t.kind in {"word", "space"} for t in stretch
        )
        if op == "equal" and not (inside and short):
            merged.append((op, i1, i2, j1, j2))
        elif merged and merged[-1][0] != "equal":
            _op, first_i, _i2, first_j, _j2 = merged[-1]
            merged[-1] = ("replace", first_i, i2, first_j, j2)
        else:
            merged.append(("replace", i1, i2, j1, j2))
    return merged


def visual_diff(old_html, new_html):
    """Sanitised HTML of the new body, showing what changed since the old one."""
    old, new = tokenize(sanitize_html(old_html or "")), tokenize(sanitize_html(new_html or ""))
    matcher = difflib.SequenceMatcher(
        None, [t.key for t in old], [t.key for t in new], autojunk=False
    )
    out = []
    for op, i1, i2, j1, j2 in _coarse(matcher.get_opcodes(), old):
        if op == "equal":
            out.extend(token.raw for token in new[j1:j2])
            continue
        if i2 > i1:
            removed = old[i1:i2]
            balanced = _balanced(removed)
            out.extend(_marked(removed, "del", lambda index, kept=balanced: index in kept))
            if j2 > j1 and out and not out[-1][-1:].isspace():
                out.append(" ")  # "<del>cũ</del> <ins>mới</ins>", not "cũmới"
        if j2 > j1:
            out.extend(_marked(new[j1:j2], "ins", lambda index: True))
    cleaned = sanitize_html("".join(out), extra_tags=frozenset({"ins", "del"}))
    return mark_safe(cleaned)  # noqa: S308 - sanitised just above
