"""Transcript fixtures built in code: the same conversation written in every convention.

Each fixture knows the turns it should parse to, so tests compare the parser's output
with what was written, not with what the parser produced last time.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

UTTERANCES = [
    ("Interviewer", "How do the partners in your area work together?"),
    ("Sam", "We meet every month at the tasking meeting 👮🏽‍♀️ — it’s “joined up”."),
    ("Interviewer", "And the residents?"),
    ("Sam", "The Café owners and the résidents come too. مشاركة السكان مهمة. השותפים. 合作伙伴。"),
]


def written(text: str) -> str:
    """Text as some tools write it: accents decomposed (NFD). The parser must give back
    the composed (NFC) form, with offsets that still fit."""
    return unicodedata.normalize("NFD", text)


def lines_for(convention: str, utterances=UTTERANCES) -> list[str]:
    """The conversation as text lines in one labelling convention."""
    lines = []
    for number, (speaker, words) in enumerate(utterances):
        words = written(words)
        stamp = f"00:{number:02d}:1{number}"
        if convention == "name-colon":
            lines.append(f"{speaker}: {words}")
        elif convention == "upper-name-colon":
            lines.append(f"{speaker.upper()}: {words}")
        elif convention == "timestamp-name-colon":
            lines.append(f"[{stamp}] {speaker}: {words}")
        elif convention == "name-timestamp":
            lines.append(f"{speaker} ({stamp}): {words}")
        elif convention == "timestamp-name-line":
            lines += [f"{stamp} {speaker}", words]
        elif convention == "markdown-bold":
            lines.append(f"**{speaker}:** {words}")
        else:
            raise ValueError(convention)
    return lines


def write_docx(path: Path, build) -> Path:
    document = docx.Document()
    build(document)
    document.save(path)
    return path


def docx_bytes(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_bold_label_paragraph(document, speaker: str, words: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{speaker}:").bold = True
    paragraph.add_run(f" {written(words)}")


def add_tracked_change(paragraph, inserted: str, deleted: str) -> None:
    """Word's revision marks: inserted text counts, deleted text does not."""
    paragraph._p.append(parse_xml(
        f'<w:ins {nsdecls("w")} w:id="1" w:author="Editor" w:date="2024-01-01T00:00:00Z">'
        f"<w:r><w:t xml:space=\"preserve\">{inserted}</w:t></w:r></w:ins>"
    ))
    paragraph._p.append(parse_xml(
        f'<w:del {nsdecls("w")} w:id="2" w:author="Editor" w:date="2024-01-01T00:00:00Z">'
        f"<w:r><w:delText xml:space=\"preserve\">{deleted}</w:delText></w:r></w:del>"
    ))


def focus_group_lines(speakers: int = 8) -> list[str]:
    lines = ["Moderator: Welcome, everyone. Could you say how safe the area feels?"]
    for number in range(1, speakers + 1):
        lines.append(f"Resident {number}: Person {number} says the patrols help.")
        lines.append("Moderator: Thank you.")
    return lines
