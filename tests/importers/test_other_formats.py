"""RTF, ODT, PDF and HTML readers, end to end through ``assemble``.

Every fixture is built here in ``tmp_path`` (no binary files in the repository), and
every test checks the exact (speaker, turn text) pairs a user would see.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from importers.assemble import assemble
from importers.document import ImportFailure
from importers.html_reader import read_html
from importers.odt_reader import read_odt
from importers.pdf_reader import LAYOUT_NOTE, _page_blocks, read_pdf
from importers.rtf_reader import read_rtf
from importers.text_reader import decode_text

ARABIC, HEBREW, CJK = "السلام", "שלום", "你好"


def turns(doc) -> list[tuple[str | None, str]]:
    return [(t.speaker, doc.text[t.start:t.end]) for t in doc.turns]


def check_interviewer_flags(doc) -> None:
    for turn in doc.turns:
        assert turn.is_interviewer == (turn.speaker == "Interviewer"), turn


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def read(reader, path: Path):
    return reader(path, path.read_bytes())


def failure(reader, path: Path) -> str:
    with pytest.raises(ImportFailure) as caught:
        read(reader, path)
    message = str(caught.value)
    assert path.name in message
    return message


# --------------------------------------------------------------------------- RTF

def rtf_unicode(text: str) -> str:
    """``\\uN?`` escapes as Word writes them: signed 16-bit, surrogate pairs for emoji."""
    units = text.encode("utf-16-le")
    out = []
    for i in range(0, len(units), 2):
        value = int.from_bytes(units[i:i + 2], "little")
        out.append(f"\\u{value - 0x10000 if value > 0x7FFF else value}?")
    return "".join(out)


RTF = (
    r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Arial;}}"
    r"{\header\pard CONFIDENTIAL HEADER\par}"
    "\n" r"\pard Interview with Sam\par"
    "\n" r"\pard Interviewer: Caf\'e9 or tea?\par"
    "\n" r"\pard Sam: Caf\'e9, always. " + rtf_unicode(ARABIC) + " " + r"\u-10179?\u-8576?\par"
    "\n" r"\pard\par"
    "\n" r"\pard Interviewer: And " + rtf_unicode(HEBREW) + " / " + rtf_unicode(CJK + "😀") + r"?\par"
    "\n" r"\trowd\cellx2000\cellx6000\pard\intbl Interviewer\cell Pipes | fine?\cell\row"
    "\n" r"\trowd\cellx2000\cellx6000\pard\intbl Sam\cell Yes {\b really}.\cell\row"
    "\n" r"\pard Sam: The end.\par}"
)


def test_rtf_turns_code_page_unicode_and_table(tmp_path):
    result = read(read_rtf, write(tmp_path, "interview.rtf", RTF.encode("ascii")))
    assert result.encoding == "windows-1252"
    doc = assemble(result)
    assert turns(doc) == [
        (None, "Interview with Sam"),
        ("Interviewer", "Café or tea?"),
        ("Sam", f"Café, always. {ARABIC} 🚀"),
        ("Interviewer", f"And {HEBREW} / {CJK}😀?"),
        ("Interviewer", "Pipes | fine?"),
        ("Sam", "Yes really."),
        ("Sam", "The end."),
    ]
    assert "CONFIDENTIAL" not in doc.text
    check_interviewer_flags(doc)


def test_rtf_respects_ansicpg(tmp_path):
    rtf = r"{\rtf1\ansi\ansicpg1251 Interviewer: \'cf\'f0\'e8\'e2\'e5\'f2?\par Sam: \'c4\'e0.\par}"
    result = read(read_rtf, write(tmp_path, "russian.rtf", rtf.encode("ascii")))
    assert result.encoding == "windows-1251"
    assert turns(assemble(result)) == [("Interviewer", "Привет?"), ("Sam", "Да.")]


def test_rtf_unknown_code_page_falls_back_to_cp1252(tmp_path):
    rtf = r"{\rtf1\ansi\ansicpg99999 Sam: na\'efve\par}"
    result = read(read_rtf, write(tmp_path, "odd.rtf", rtf.encode("ascii")))
    assert result.encoding == "windows-1252"
    assert turns(assemble(result)) == [("Sam", "naïve")]


@pytest.mark.parametrize(
    ("header", "encoding"),
    [(r"\ansi\ansicpg1252", "windows-1252"), (r"\ansi\ansicpg1250", "windows-1250"),
     (r"\ansi\ansicpg874", "windows-874"), (r"\ansi\ansicpg932", "cp932"), (r"\mac", "mac-roman"),
     (r"\pc", "cp437"), (r"\ansi", "windows-1252")],
)
def test_rtf_encoding_names_match_the_other_readers(tmp_path, header, encoding):
    """Named as .txt, .vtt and .html name them: "windows-NNNN" for Windows code pages."""
    result = read(read_rtf, write(tmp_path, "page.rtf", ("{\\rtf1" + header + r" Sam: hi\par}").encode("ascii")))
    assert result.encoding == encoding


# A speaker table as Word writes it: every paragraph repeats \intbl, the row properties
# come again in a group after the last cell, and a text cell holds two paragraphs.
RTF_TABLE_WITH_PARAGRAPHS = r"""{\rtf1\ansi\ansicpg1252\uc1\deff0{\fonttbl{\f0 Times;}}
\pard\plain\ql Interview 3\par
\trowd\irow0\cellx3000\cellx9000
\pard\plain\ql\intbl {\insrsid1 Interviewer}{\insrsid1 \cell }\pard\plain\intbl {How long have you lived here?\cell }
\pard\plain\intbl {\trowd\irow0\cellx3000\cellx9000\row }
\pard\plain\intbl {Jo\cell }\pard\plain\intbl {About ten years.\par}\pard\plain\intbl {Maybe eleven, near the \\row of shops\u1488?.\cell }
\pard\plain\intbl {\trowd\irow1\cellx3000\cellx9000\row }
\trowd\cellx3000\cellx9000
\pard\intbl Interviewer\cell \pard\intbl OK.\cell\row
\trowd\cellx3000\cellx9000
\pard\intbl Jo\cell \pard\intbl Right.\par\pard\intbl\par\cell\row
\pard\plain After the table.\par
}"""


def test_rtf_table_cell_with_several_paragraphs_keeps_its_speaker(tmp_path):
    result = read(read_rtf, write(tmp_path, "table.rtf", RTF_TABLE_WITH_PARAGRAPHS.encode("ascii")))
    doc = assemble(result)
    assert turns(doc) == [
        (None, "Interview 3"),
        ("Interviewer", "How long have you lived here?"),
        ("Jo", "About ten years.\nMaybe eleven, near the \\row of shops\u05d0."),
        ("Interviewer", "OK."),
        ("Jo", "Right."),
        (None, "After the table."),
    ]
    check_interviewer_flags(doc)


def test_rtf_nested_table_stays_in_its_cell(tmp_path):
    nested = r"""{\rtf1\ansi
\trowd\cellx3000\cellx9000\pard\intbl Interviewer\cell \pard\intbl Which?\cell\row
\trowd\cellx3000\cellx9000\pard\intbl Jo\cell \pard\intbl\itap2 Bus\nestcell Daily\nestcell
{\*\nesttableprops\trowd\cellx1000\cellx2000\nestrow}{\nonesttables\par}
\pard\intbl\itap2 Car\nestcell Never\nestcell{\*\nesttableprops\trowd\cellx1000\cellx2000\nestrow}
{\nonesttables\par}\pard\intbl\itap1 That's all.\cell\row
\pard Interviewer: Thanks.\par}"""
    doc = assemble(read(read_rtf, write(tmp_path, "nested.rtf", nested.encode("ascii"))))
    assert turns(doc) == [
        ("Interviewer", "Which?"),
        ("Jo", "Bus\tDaily\nCar\tNever\nThat's all."),
        ("Interviewer", "Thanks."),
    ]


def test_rtf_hyperlink_keeps_only_its_visible_words(tmp_path):
    rtf = (r'{\rtf1\ansi\ansicpg1252{\fonttbl{\f0 Times;}}'
           r'\pard Jo: See {\field{\*\fldinst{HYPERLINK "http://example.org/"}}{\fldrslt{\ul the site}}} now.\par'
           r'\pard Interviewer: And {\field{\*\fldinst { HYPERLINK "mailto:a@b.org" \\o "Mail {us}" }}'
           r'{\fldrslt {\cs15 mail}}} too?\par}')
    doc = assemble(read(read_rtf, write(tmp_path, "links.rtf", rtf.encode("ascii"))))
    assert turns(doc) == [("Jo", "See the site now."), ("Interviewer", "And mail too?")]
    assert "http" not in doc.text and "mailto" not in doc.text


def test_rtf_failures(tmp_path):
    assert "is not an RTF file (it does not start with {\\rtf)" in failure(
        read_rtf, write(tmp_path, "notes.rtf", b"Just text"))
    assert "contains no text" in failure(read_rtf, write(tmp_path, "empty.rtf", rb"{\rtf1\ansi \par}"))


# --------------------------------------------------------------------------- ODT

def build_odt() -> bytes:
    from odf.dc import Creator, Date
    from odf.namespaces import XMLNS
    from odf.office import Annotation, ChangeInfo
    from odf.opendocument import OpenDocumentText
    from odf.style import Header, MasterPage, PageLayout, Style, TextProperties
    from odf.table import Table, TableCell, TableColumn, TableRow
    from odf.text import (
        H, ChangedRegion, Deletion, LineBreak, List, ListItem, P, S, Section, Span,
        Tab, TrackedChanges,
    )
    from odf.text import Change as ChangeMark

    doc = OpenDocumentText()
    bold = Style(name="T1", family="text")
    bold.addElement(TextProperties(fontweight="bold"))
    doc.automaticstyles.addElement(bold)
    strong = Style(name="Strong_20_Emphasis", displayname="Strong Emphasis", family="text")
    strong.addElement(TextProperties(fontweight="bold"))
    doc.styles.addElement(strong)
    inherits = Style(name="T2", family="text", parentstylename=strong)  # bold by inheritance
    inherits.addElement(TextProperties(color="#333333"))
    doc.automaticstyles.addElement(inherits)
    layout = PageLayout(name="pm1")
    doc.automaticstyles.addElement(layout)
    master = MasterPage(name="Standard", pagelayoutname=layout)
    header = Header()
    header.addElement(P(text="CONFIDENTIAL HEADER"))
    master.addElement(header)
    doc.masterstyles.addElement(master)

    changes = TrackedChanges()
    region = ChangedRegion(id="ct1", qattributes={(XMLNS, "id"): "ct1"})
    deletion = Deletion()
    info = ChangeInfo()
    info.addElement(Creator(text="Editor"))
    info.addElement(Date(text="2024-01-01T10:00:00"))
    deletion.addElement(info)
    deletion.addElement(P(text="DELETED WORDS"))
    region.addElement(deletion)
    changes.addElement(region)
    doc.text.addElement(changes)

    doc.text.addElement(H(outlinelevel=1, text="Session one"))
    doc.text.addElement(P(text="Interviewer: How do you work together?"))
    spaced = P(text="Sam: word")
    spaced.addElement(S(c=3))
    spaced.addText("gap")
    spaced.addElement(Tab())
    spaced.addText("tab")
    spaced.addElement(LineBreak())
    spaced.addText(f"next line, Café {ARABIC}")
    doc.text.addElement(spaced)
    kept = P(text="Interviewer: I kept ")
    kept.addElement(ChangeMark(changeid="ct1"))
    kept.addText("this")
    note = Annotation()
    note.addElement(Creator(text="Coder"))
    note.addElement(P(text="COMMENT TEXT"))
    kept.addElement(note)
    kept.addText(".")
    doc.text.addElement(kept)
    labelled = P()
    labelled.addElement(Span(stylename=bold, text="Sam:"))
    labelled.addText(f" Bold label, {HEBREW} {CJK}.")
    doc.text.addElement(labelled)
    items = List()
    item = ListItem()
    listed = P()
    listed.addElement(Span(stylename=inherits, text="Interviewer:"))
    listed.addText(" In a list?")
    item.addElement(listed)
    items.addElement(item)
    doc.text.addElement(items)
    section = Section(name="Part2")
    section.addElement(P(text="Sam: In a section."))
    doc.text.addElement(section)

    table = Table(name="Turns")
    table.addElement(TableColumn(numbercolumnsrepeated=2))
    rows = [("Speaker", "Text"), ("Interviewer", "Was that hard?"), ("Sam", f"Not really, {CJK}.")]
    for speaker, words in rows:
        row = TableRow()
        for value in (speaker, words):
            cell = TableCell()
            cell.addElement(P(text=value))
            row.addElement(cell)
        table.addElement(row)
    doc.text.addElement(table)
    doc.text.addElement(P(text="Sam: After the table."))
    buffer = io.BytesIO()
    doc.write(buffer)
    return buffer.getvalue()


def test_odt_paragraphs_headings_lists_tables_in_order(tmp_path):
    path = write(tmp_path, "interview.odt", build_odt())
    result = read(read_odt, path)
    bold_blocks = [b for b in result.blocks if b.bold_prefix]
    assert [(b.text[:b.bold_prefix]) for b in bold_blocks] == ["Sam:", "Interviewer:"]
    assert [b.text for b in result.blocks if b.is_heading] == ["Session one"]
    doc = assemble(result)
    assert turns(doc) == [
        (None, "Session one"),
        ("Interviewer", "How do you work together?"),
        ("Sam", f"word   gap\ttab\nnext line, Café {ARABIC}"),
        ("Interviewer", "I kept this."),
        ("Sam", f"Bold label, {HEBREW} {CJK}."),
        ("Interviewer", "In a list?"),
        ("Sam", "In a section."),
        ("Interviewer", "Was that hard?"),
        ("Sam", f"Not really, {CJK}."),
        ("Sam", "After the table."),
    ]
    for hidden in ("CONFIDENTIAL", "DELETED", "COMMENT"):
        assert hidden not in doc.text
    check_interviewer_flags(doc)


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


MANIFEST = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
    b'<manifest:file-entry manifest:full-path="/"'
    b' manifest:media-type="application/vnd.oasis.opendocument.text"/>'
    b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">%s'
    b"</manifest:file-entry>"
    b"</manifest:manifest>"
)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (None, "is not an OpenDocument file (it is not a zip archive)"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text"}, "has no content.xml"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text", "META-INF/manifest.xml": MANIFEST % b"",
          "content.xml": b"<office:document-content><unclosed>"},
         "could not be read as an OpenDocument file (damaged XML"),
        ({"mimetype": b"application/vnd.oasis.opendocument.text",
          "META-INF/manifest.xml": MANIFEST % b"<manifest:encryption-data/>", "content.xml": b"\x00\x01"},
         "is password-protected"),
    ],
)
def test_odt_failures(tmp_path, files, expected):
    data = b"not a zip" if files is None else zip_bytes(files)
    assert expected in failure(read_odt, write(tmp_path, "broken.odt", data))


def test_odt_without_text(tmp_path):
    from odf.opendocument import OpenDocumentText

    buffer = io.BytesIO()
    OpenDocumentText().write(buffer)
    assert "contains no text" in failure(read_odt, write(tmp_path, "blank.odt", buffer.getvalue()))


# --------------------------------------------------------------------------- PDF

def pdf_string(text: str) -> str:
    escaped = []
    for byte in text.encode("cp1252"):
        char = chr(byte)
        escaped.append(f"\\{byte:03o}" if byte > 126 or char in "()\\" else char)
    return "(" + "".join(escaped) + ")"


def build_pdf(pages: list[list[tuple[int, str]]]) -> bytes:
    """A minimal PDF: Helvetica with WinAnsiEncoding; each line is (y, text). A page
    with no lines gets a drawn rectangle only, i.e. no text layer."""
    count = len(pages)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [" + " ".join(f"{4 + 2 * i} 0 R" for i in range(count))
        + f"] /Count {count} >>",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    for index, lines in enumerate(pages):
        stream = "".join(f"BT /F1 12 Tf 72 {y} Td {pdf_string(text)} Tj ET\n" for y, text in lines)
        stream = stream or "0.5 g 72 600 200 100 re f\n"
        objects.append(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {5 + 2 * index} 0 R >>"
        )
        objects.append(f"<< /Length {len(stream.encode('latin-1'))} >>\nstream\n{stream}endstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


PDF_PAGES = [
    [
        (740, "Interview transcript"),
        (710, "Interviewer: How do you work together?"),
        (690, "Sam: We share the work, but it is"),
        (676, "hard to plan ahead. Café helps."),
        (40, "1"),
    ],
    [
        (760, "Page 2 of 3"),
        (720, "Sam: Continued on the next page."),
        (700, "Interviewer: Thank you (really)."),
        (40, "- 2 -"),
    ],
]


def test_pdf_lines_joined_page_numbers_dropped(tmp_path):
    result = read(read_pdf, write(tmp_path, "interview.pdf", build_pdf(PDF_PAGES)))
    assert LAYOUT_NOTE in result.notes
    doc = assemble(result)
    assert turns(doc) == [
        (None, "Interview transcript"),
        ("Interviewer", "How do you work together?"),
        ("Sam", "We share the work, but it is hard to plan ahead. Café helps."),
        ("Sam", "Continued on the next page."),
        ("Interviewer", "Thank you (really)."),
    ]
    assert LAYOUT_NOTE in doc.notes
    check_interviewer_flags(doc)


def test_pdf_blank_line_and_page_start_begin_fresh_blocks():
    blocks = _page_blocks("3\nSam: one\ntwo\n\nthree\nPage 3 of 10\nfour")
    assert [(b.text, b.continues) for b in blocks] == [
        ("Sam: one", False), ("two", True), ("three", False), ("four", True)
    ]


def test_pdf_without_text_layer(tmp_path):
    path = write(tmp_path, "scan.pdf", build_pdf([[], []]))
    assert failure(read_pdf, path) == "scan.pdf has no text layer — OCR it first."


def encrypted_pdf(user_password: str, algorithm: str = "AES-256") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(build_pdf(PDF_PAGES))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm=algorithm)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_pdf_with_password(tmp_path):
    path = write(tmp_path, "locked.pdf", encrypted_pdf("secret"))
    assert "is password-protected; remove the password and import it again." in failure(read_pdf, path)


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-128", "AES-256"])
def test_pdf_encrypted_without_open_password_imports(tmp_path, algorithm):
    result = read(read_pdf, write(tmp_path, "restricted.pdf", encrypted_pdf("", algorithm)))
    assert ("Interviewer", "How do you work together?") in turns(assemble(result))


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"Not a PDF at all", "is not a PDF file"),
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> trailer garbage", "could not be read as a PDF"),
    ],
)
def test_pdf_failures(tmp_path, data, expected):
    assert expected in failure(read_pdf, write(tmp_path, "bad.pdf", data))


# --------------------------------------------------------------------------- HTML

HTML_UTF8 = f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>TITLE TEXT</title>
<style>p {{ color: red; }} .STYLE {{}}</style>
<script>var SCRIPT = "<p>Interviewer: fake</p>";</script></head>
<body>
<!-- COMMENT TEXT -->
<noscript>NOSCRIPT TEXT</noscript>
<h1>Focus   group &amp; notes</h1>
<p><strong>Interviewer:</strong> How do   you
   work together&#8217;s &eacute;quipe?</p>
<p><b>Sam</b>: We <em>share</em>&nbsp;it. {ARABIC}<br>Interviewer: And {HEBREW}?</p>
<div>Sam: <span>{CJK}</span> &lt;ok&gt;</div>
<svg><text>SVG TEXT</text></svg>
<table>
  <tr><th>Speaker</th><th>Text</th></tr>
  <tr><td>Interviewer</td><td><p>Was it hard?</p></td></tr>
  <tr><td>Sam</td><td>Not <b>really</b>.</td></tr>
</table>
<pre>Interviewer: Kept   spacing
Sam: Yes.</pre>
</body></html>"""


def test_html_utf8_visible_text_bold_labels_and_table(tmp_path):
    result = read(read_html, write(tmp_path, "interview.html", HTML_UTF8.encode("utf-8")))
    assert result.encoding == "utf-8"
    assert [(b.text, b.bold_prefix) for b in result.blocks if b.bold_prefix] == [
        ("Interviewer: How do you work together’s équipe?", 12),
        (f"Sam: We share\xa0it. {ARABIC}", 3),
    ]
    doc = assemble(result)
    assert turns(doc) == [
        (None, "Focus group & notes"),
        ("Interviewer", "How do you work together’s équipe?"),
        ("Sam", f"We share it. {ARABIC}"),
        ("Interviewer", f"And {HEBREW}?"),
        ("Sam", f"{CJK} <ok>"),
        ("Interviewer", "Was it hard?"),
        ("Sam", "Not really."),
        ("Interviewer", "Kept   spacing"),
        ("Sam", "Yes."),
    ]
    for hidden in ("TITLE", "STYLE", "SCRIPT", "COMMENT", "NOSCRIPT", "SVG", "fake"):
        assert hidden not in doc.text
    check_interviewer_flags(doc)


def test_html_bold_spans_as_google_docs_exports_them(tmp_path):
    page = ('<html><head><style>.c1{color:#000}.c3{font-weight:700;color:#000}</style></head><body>'
            '<p class="c1"><span class="c3">Interviewer</span><span class="c1">: Ready?</span></p>'
            '<p><span style="font-weight: bold">Sam:</span><span> Yes.</span></p></body></html>')
    result = read(read_html, write(tmp_path, "export.html", page.encode("utf-8")))
    assert [b.bold_prefix for b in result.blocks] == [11, 4]
    assert turns(assemble(result)) == [("Interviewer", "Ready?"), ("Sam", "Yes.")]


def test_html_meta_charset_windows_1252(tmp_path):
    page = ('<html><head><meta charset="windows-1252"></head><body>'
            "<p>Interviewer: Caf\xe9 \u201cquoted\u201d?</p><p>Sam: Na\xefve \u20ac5.</p></body></html>")
    result = read(read_html, write(tmp_path, "old.htm", page.encode("cp1252")))
    assert result.encoding == "windows-1252"
    assert turns(assemble(result)) == [("Interviewer", "Café “quoted”?"), ("Sam", "Naïve €5.")]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
         b"<p>Sam: caf\xe9</p>", "windows-1252"),
        (b'<meta charset="koi8-r"><p>Sam: caf\xe9</p>', "koi8-r"),
        (b'<meta charset="cp1252"><p>Sam: caf\xe9</p>', "windows-1252"),
        (b"<p>Sam: caf\xe9</p>", "windows-1252"),
        ("<p>Sam: café</p>".encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + '<meta charset="windows-1252"><p>Sam: café</p>'.encode("utf-8"), "utf-8 (with BOM)"),
        (b"\xff\xfe" + "<p>Sam: café</p>".encode("utf-16-le"), "utf-16-le"),
        (b"\xfe\xff" + "<p>Sam: café</p>".encode("utf-16-be"), "utf-16-be"),
    ],
)
def test_html_charset_detection(tmp_path, data, encoding):
    result = read(read_html, write(tmp_path, "page.html", data))
    assert result.encoding == encoding
    expected = "caf\u0418" if encoding == "koi8-r" else "café"  # 0xE9 is И in KOI8-R
    assert turns(assemble(result)) == [("Sam", expected)]


@pytest.mark.parametrize(
    "data",
    [b"Sam: caf\xe9\n", b"\xef\xbb\xbfSam: caf\xc3\xa9\n", "\ufeffSam: café\n".encode("utf-16-le"),
     "\ufeffSam: café\n".encode("utf-16-be"), "Sam: café\n".encode("utf-8")],
    ids=["windows-1252", "utf-8-bom", "utf-16-le", "utf-16-be", "utf-8"],
)
def test_html_names_encodings_as_plain_text_does(tmp_path, data):
    path = write(tmp_path, "page.html", data)
    _, text_encoding = decode_text(path, data)
    assert read(read_html, path).encoding == text_encoding


def test_rtf_and_html_name_windows_1252_as_plain_text_does(tmp_path):
    data = "Sam: caf\u00e9\n".encode("cp1252")
    _, text_encoding = decode_text(tmp_path / "t.txt", data)
    rtf = read(read_rtf, write(tmp_path, "t.rtf", rb"{\rtf1\ansi\ansicpg1252 Sam: caf\'e9\par}"))
    html = read(read_html, write(tmp_path, "t.html", b"<p>" + data + b"</p>"))
    assert text_encoding == rtf.encoding == html.encoding == "windows-1252"


def test_html_hidden_elements_are_not_text(tmp_path):
    page = """<html><body>
<p class=MsoNormal><span style="display:none">HIDDEN TEXT</span>Jo: Nothing.</p>
<p><b>Interviewer<span style='font-size:9pt;visibility: hidden'>HIDDEN2</span>:</b> Anything else?</p>
<div hidden><p>Sam: HIDDEN3 <b>bold <i>deep</i></b></p><br><img src=x></div>
<p>Jo: Yes<span aria-hidden="true">HIDDEN4 <span>inner</span></span>, <span aria-hidden="false">this</span>.</p>
<p style="display: none !important">HIDDEN5</p><p>Interviewer: Shown after an open hidden span?
<table><tr><td>Jo</td><td><p hidden>HIDDEN6<p>Shown.</td></tr>
<tr><td>Interviewer</td><td><span hidden>HIDDEN7</td></tr></table>
<ul><li hidden>HIDDEN8<li>Jo: Listed.</ul>
<p><span style="mso-hide:all">HIDDEN9</span>Interviewer: Done.</p>
</body></html>"""
    doc = assemble(read(read_html, write(tmp_path, "hidden.htm", page.encode("utf-8"))))
    assert turns(doc) == [
        ("Jo", "Nothing."),
        ("Interviewer", "Anything else?"),
        ("Jo", "Yes, this."),
        ("Interviewer", "Shown after an open hidden span?"),
        ("Jo", "Shown."),
        ("Jo", "Listed."),
        ("Interviewer", "Done."),
    ]
    assert "HIDDEN" not in doc.text and "inner" not in doc.text


@pytest.mark.parametrize("ending", ["<span hidden>HIDDEN", "<script>x()", "<p style=display:none>HIDDEN"])
def test_html_ending_inside_a_hidden_element_in_a_table(tmp_path, ending):
    page = "<table><tr><td>Interviewer</td><td>Q?</td></tr><tr><td>Jo</td><td>A." + ending
    doc = assemble(read(read_html, write(tmp_path, "cut.html", page.encode("utf-8"))))
    assert turns(doc) == [("Interviewer", "Q?"), ("Jo", "A.")]


def test_html_without_visible_text(tmp_path):
    page = (b"<html><head><title>Only a title</title><script>x()</script></head>"
            b"<body> <!-- c --> </body></html>")
    assert failure(read_html, write(tmp_path, "blank.html", page)) == "blank.html contains no text."
