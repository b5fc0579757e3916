"""Read HTML pages (saved web pages, exports from Google Docs and survey tools) into blocks.

Only text a browser would show is kept: scripts, styles, the head and comments are
dropped, and so is every element hidden by its own attributes (``hidden``,
``aria-hidden="true"``, or an inline style with ``display:none``, ``visibility:hidden``
or Word's ``mso-hide:all``) together with everything inside it. Whitespace collapses as
it does on screen, and block elements end paragraphs. Tables go through
``table_to_blocks`` so "speaker | text" transcript tables keep speakers. Hiding by a
style sheet rule (``.x {display:none}``) is not followed: that needs a CSS engine.

Encodings are named as the plain-text and caption readers name them (``encoding_name``):
"utf-8", "utf-8 (with BOM)", "utf-16-le", "utf-16-be", "windows-NNNN" for the Windows
code pages 874 and 1250-1258 (so "windows-1252"), and Python's codec name for any other
declared charset ("koi8-r", "iso8859-2", "shift_jis", "gbk").
"""

from __future__ import annotations

import codecs
import re
from html.parser import HTMLParser
from pathlib import Path

from importers.document import Block, ImportFailure, ReadResult, table_to_blocks

# (mark, codec, the name reported): the names plain-text transcripts get.
BOMS = [(codecs.BOM_UTF8, "utf-8", "utf-8 (with BOM)"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be")]
WINDOWS_CODE_PAGE = re.compile(r"cp(874|125\d)")
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
# Hidden by its own attributes: the element and everything in it are not shown.
HIDING_STYLE = re.compile(r"(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*(?:hidden|collapse)"
                          r"|mso-hide\s*:\s*all)\s*(?:!\s*important\s*)?(?:;|$)", re.I)
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
             "source", "track", "wbr"}
# Start tags that end an open element whose end tag may be left out (HTML's implied end
# tags), so a hidden <p> or <li> ends where the browser ends it.
CLOSES_P = HEADINGS | {
    "address", "article", "aside", "blockquote", "details", "div", "dl", "fieldset", "figcaption",
    "figure", "footer", "form", "header", "hr", "main", "menu", "nav", "ol", "p", "pre", "section",
    "table", "ul",
}
IMPLIED_END = {"p": CLOSES_P, "li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "tr": {"tr"},
               "td": {"td", "th", "tr"}, "th": {"td", "th", "tr"}, "option": {"option"}}
# End tags that close any hidden element still open inside them (an inline end tag
# with no matching start inside the hidden element is a stray and is ignored).
ENCLOSING = BLOCK_TAGS | {"table", "tbody", "thead", "tfoot", "td", "th", "html"}


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
    """The page as text and the name of its encoding (see ``encoding_name``): BOM, then
    a declared charset in the first 4 KB, then UTF-8 if the bytes are valid UTF-8, else
    windows-1252."""
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), label
    found = DECLARED.search(data[:4096].decode("ascii", "replace"))
    try:
        name = codecs.lookup(found.group(1) or found.group(2)).name if found else None
    except LookupError:
        name = None
    if name:  # a declaration readable as ASCII means the page is not UTF-16, whatever it says
        name = "utf-8" if name.startswith(("utf-16", "utf-32")) else "cp1252" if name in AS_CP1252 else name
        return data.decode(name, "replace"), encoding_name(name)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), encoding_name("cp1252")


def encoding_name(codec: str) -> str:
    """How an import result names the encoding of a Python ``codec``, the same for every
    format: "windows-NNNN" for the Windows code pages 874 and 1250-1258 (the names the
    plain-text and caption readers and browsers use, e.g. "windows-1252"), else Python's
    own name for the codec ("utf-8", "koi8-r", "cp932", "mac-roman").

    The RTF reader names its code pages with this too; it could live in ``text_reader``
    with ``decode_text``.
    """
    name = codecs.lookup(codec).name
    windows = WINDOWS_CODE_PAGE.fullmatch(name)
    return f"windows-{windows.group(1)}" if windows else name


class _VisibleText(HTMLParser):
    """Collects blocks as the page is parsed; tables are gathered row by row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.parts: list[str] = []  # the paragraph being read
        self.hidden: dict[str, int] = {}
        self.concealed: list[str] = []  # open elements inside one hidden by its attributes
        self.pre = 0
        self.heading = False
        self.open_counts: dict[str, int] = {}
        self.bold: tuple[str, int] | None = None  # the tag and depth of an opening bold run
        self.tables: list[dict] = []  # each {"rows": [...], "row": [...] | None, "cell": [...] | None}
        self.css, self.bold_classes = [], set()

    def handle_starttag(self, tag, attrs) -> None:
        if self.hidden.get("head") and tag not in HEAD_CONTENT:
            self.hidden.pop("head")  # browsers end an unclosed <head> at the first body element
        if self.concealed and self._conceal_start(tag):
            return
        if tag in HIDDEN:
            self.hidden[tag] = self.hidden.get(tag, 0) + 1
        elif self._is_hidden():
            return
        elif tag not in VOID_TAGS and _hidden_by_attributes(dict(attrs)):
            self.concealed = [tag]
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
        if self.concealed and self._conceal_end(tag):
            return
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
        """End of the page: what is still open ends here. Hidden elements end first, so
        that the end tags of open tables are not ignored as hidden."""
        super().close()
        self.concealed, self.hidden = [], {}
        while self.tables:
            self.handle_endtag("table")
        self._break()

    def _is_hidden(self) -> bool:
        return bool(self.concealed) or any(self.hidden.values())

    def _conceal_start(self, tag: str) -> bool:
        """Track a start tag inside a hidden element; False if the tag ends the hidden
        element (an implied end tag, as for ``<p hidden>a<p>b``) and so is shown."""
        while self.concealed and tag in IMPLIED_END.get(self.concealed[-1], ()):
            self.concealed.pop()
        if self.concealed and tag not in VOID_TAGS:
            self.concealed.append(tag)
        return bool(self.concealed)

    def _conceal_end(self, tag: str) -> bool:
        """Track an end tag inside a hidden element; False if it closes an element around
        the hidden one, which then ends too, and the end tag is handled as usual."""
        if tag in self.concealed:
            del self.concealed[len(self.concealed) - 1 - self.concealed[::-1].index(tag):]
            return True
        if tag in ENCLOSING:
            self.concealed = []
            return False
        return True

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


def _hidden_by_attributes(attrs: dict) -> bool:
    """``hidden``, ``aria-hidden="true"``, or an inline style that hides the element."""
    return ("hidden" in attrs or (attrs.get("aria-hidden") or "").strip().casefold() == "true"
            or bool(HIDING_STYLE.search(attrs.get("style") or "")))


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
