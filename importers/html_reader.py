"""Read HTML pages (saved web pages, exports from Google Docs and survey tools) into blocks.

Only text a browser would show is kept: scripts, styles, the head and comments are
dropped, whitespace collapses as it does on screen, and block elements end paragraphs.
Tables go through ``table_to_blocks`` so "speaker | text" transcript tables keep speakers.
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from importers.document import Block, ImportFailure, ReadResult, table_to_blocks

BOMS = [(codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be")]
DECLARED = re.compile(
    r"""<meta[^>]*?charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]*encoding\s*=\s*["']([\w.:-]+)""", re.I
)
# Browsers read these labels as windows-1252 (WHATWG Encoding Standard); so do we.
AS_CP1252 = {"latin-1", "iso8859-1", "ascii", "cp1252"}
HIDDEN = {"script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object"}
HEAD_CONTENT = HIDDEN | {"meta", "link", "base"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
BLOCK_TAGS = HEADINGS | {
    "p", "div", "li", "ul", "ol", "blockquote", "pre", "tr", "dt", "dd", "dl", "section", "article",
    "header", "footer", "nav", "aside", "main", "figure", "figcaption", "address", "hr", "form",
    "fieldset", "details", "summary", "caption", "center", "body", "br",
}
BOLD_TAGS = {"b", "strong"}
BOLD_STYLE = re.compile(r"font-weight\s*:\s*(bold|[6-9]00)", re.I)
# ".c3{font-weight:700}": how Google Docs' HTML export marks bold text.
BOLD_CLASS = re.compile(r"\.([\w-]+)\s*\{[^}]*font-weight\s*:\s*(?:bold|[6-9]00)", re.I)
SPACES = re.compile(r"[ \t\n\r\f]+")  # HTML whitespace; a no-break space is not collapsed
BOLD_END = "\x01"  # marks where the opening bold run ends until the text is final
BOLD_SPACES = re.compile(r"[ \t\n\r\f]*\x01[ \t\n\r\f]*")


def read_html(path: Path, data: bytes) -> ReadResult:
    """Visible paragraphs, headings and tables of the page, with the charset used."""
    text, encoding = decode_html(data)
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    if not any(block.text.strip() for block in parser.blocks):
        raise ImportFailure(f"{path.name} contains no text.")
    return ReadResult(parser.blocks, encoding=encoding)


def decode_html(data: bytes) -> tuple[str, str]:
    """The page as text and the codec used: BOM, then a declared charset in the first
    4 KB, then UTF-8 if the bytes are valid UTF-8, else windows-1252."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, "replace"), name
    found = DECLARED.search(data[:4096].decode("ascii", "replace"))
    try:
        name = codecs.lookup(found.group(1) or found.group(2)).name if found else None
    except LookupError:
        name = None
    if name:  # a declaration readable as ASCII means the page is not UTF-16, whatever it says
        name = "utf-8" if name.startswith(("utf-16", "utf-32")) else "cp1252" if name in AS_CP1252 else name
        return data.decode(name, "replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), "cp1252"


class _VisibleText(HTMLParser):
    """Collects blocks as the page is parsed; tables are gathered row by row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.parts: list[str] = []  # the paragraph being read
        self.hidden: dict[str, int] = {}
        self.pre = 0
        self.heading = False
        self.open_counts: dict[str, int] = {}
        self.bold: tuple[str, int] | None = None  # the tag and depth of an opening bold run
        self.tables: list[dict] = []  # each {"rows": [...], "row": [...] | None, "cell": [...] | None}
        self.css, self.bold_classes = [], set()

    def handle_starttag(self, tag, attrs) -> None:
        if self.hidden.get("head") and tag not in HEAD_CONTENT:
            self.hidden.pop("head")  # browsers end an unclosed <head> at the first body element
        if tag in HIDDEN:
            self.hidden[tag] = self.hidden.get(tag, 0) + 1
        elif self._is_hidden():
            return
        elif tag in BOLD_TAGS or tag == "span":
            self.open_counts[tag] = depth = self.open_counts.get(tag, 0) + 1
            at_start = not "".join(self.parts).strip()
            if self.bold is None and at_start and (tag in BOLD_TAGS or self._bold_span(dict(attrs))):
                self.bold = (tag, depth)
        elif tag == "table":
            self._break()
            self.tables.append({"rows": [], "row": None, "cell": None})
        elif tag in ("tr", "td", "th") and self.tables:
            self._table_tag(tag)
        elif tag in BLOCK_TAGS:
            self._break()
            self.pre += tag == "pre"
            self.heading = self.heading or tag in HEADINGS

    def handle_endtag(self, tag) -> None:
        if tag in HIDDEN:
            if self.hidden.get(tag):
                self.hidden[tag] -= 1
            if tag == "style":
                self.bold_classes = set(BOLD_CLASS.findall("".join(self.css)))
        elif self._is_hidden():
            return
        elif tag in BOLD_TAGS or tag == "span":
            if self.bold == (tag, self.open_counts.get(tag)):
                self.parts.append(BOLD_END)
                self.bold = None
            self.open_counts[tag] = max(self.open_counts.get(tag, 0) - 1, 0)
        elif tag == "table" and self.tables:
            self._table_tag("tr")
            blocks = table_to_blocks(self.tables.pop()["rows"])
            if self.tables:  # a table inside a cell: its rows become lines of that cell
                self.parts.append("\n".join(f"{b.speaker}: {b.text}" if b.speaker else b.text
                                             for b in blocks))
                self._break()
            else:
                self.blocks.extend(blocks)
        elif tag in ("tr", "td", "th") and self.tables:
            self._table_tag("tr" if tag == "tr" else "cell-end")
        elif tag in BLOCK_TAGS:
            self._break()
            if tag == "pre" and self.pre:
                self.pre -= 1
            if tag in HEADINGS:
                self.heading = False

    def handle_data(self, data) -> None:
        if not self._is_hidden():
            self.parts.append(data.replace(BOLD_END, ""))
        elif self.hidden.get("style"):
            self.css.append(data)

    def close(self) -> None:
        super().close()
        while self.tables:
            self.handle_endtag("table")
        self._break()

    def _is_hidden(self) -> bool:
        return any(self.hidden.values())

    def _bold_span(self, attrs: dict) -> bool:
        classes = set((attrs.get("class") or "").split())
        return bool(BOLD_STYLE.search(attrs.get("style") or "") or classes & self.bold_classes)

    def _table_tag(self, tag: str) -> None:
        """Close the open cell (and row, for ``tr``); open a new cell for td/th."""
        table = self.tables[-1]
        if table["cell"] is not None:
            self._break()
            table["row"].append("\n".join(table["cell"]))
            table["cell"] = None
        if tag == "tr" and table["row"] is not None:
            table["rows"].append(table["row"])
            table["row"] = None
        if tag in ("td", "th"):
            self._break()
            table["row"] = table["row"] if table["row"] is not None else []
            table["cell"] = []

    def _break(self) -> None:
        """End the paragraph: into the open table cell as a line, else as a block."""
        raw, self.parts, self.bold = "".join(self.parts), [], None
        for line in raw.splitlines() if self.pre else [raw]:
            text, bold_prefix = _collapse(line, self.pre > 0)
            if not text.strip():
                continue
            cell = self.tables[-1]["cell"] if self.tables else None
            if cell is not None:
                cell.append(text)
            else:
                self.blocks.append(Block(text, bold_prefix=bold_prefix, is_heading=self.heading))


def _collapse(raw: str, pre: bool) -> tuple[str, int]:
    """Whitespace as a browser shows it, and where the opening bold run ends.

    Spaces next to the bold-end marker are moved after it, so "Sam: </b>" and
    "Sam:</b> " both give a prefix of exactly "Sam:".
    """
    if pre:
        raw = raw.lstrip(" \t")
    else:
        raw = BOLD_SPACES.sub(lambda m: BOLD_END + (" " if m.group(0) != BOLD_END else ""), raw)
        raw = SPACES.sub(" ", raw).lstrip(" ")
    marker = raw.find(BOLD_END)
    return raw.replace(BOLD_END, ""), max(marker, 0)
