"""Bad input: one clear sentence naming the file, a failed result, and nothing else lost.

Every case runs through the real batch import into a project that already holds a
source, alongside a good file, so each test also proves the others carry on and the
stored data is untouched.
"""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

from msoffcrypto.format.ooxml import OOXMLFile
import openpyxl
import pytest
from sqlalchemy import func, select

from importers.service import ImportOptions, ImportSetupError, import_files
from models import Source, Turn
from models.project import create_project
from tests.importers.transcripts import docx_bytes

GOOD = "Interviewer: How is it going?\nJo: Fine, thanks.\n"


@pytest.fixture
def study(tmp_path):
    project = create_project(tmp_path / "study.charter")
    with project.transaction("existing") as session:
        session.add(Source(name="existing", text="Interviewer: Already here.\nAl: Yes."))
    yield project
    project.close()


def simple_docx() -> bytes:
    return docx_bytes(lambda d: d.add_paragraph("Interviewer: Hello.") and d.add_paragraph("Jo: Hi."))


def encrypted_docx(_tmp: Path) -> bytes:
    plain = io.BytesIO(simple_docx())
    out = io.BytesIO()
    OOXMLFile(plain).encrypt("secret", out)
    return out.getvalue()


def old_doc(_tmp: Path) -> bytes:
    # The compound-file header every .doc/.xls starts with, and no encryption stream.
    return b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504 + "WordDocument".encode("utf-16-le") + b"\x00" * 1000


def renamed_xlsx(tmp: Path) -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "not a transcript"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bomb(_tmp: Path) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        with zipfile.ZipFile(io.BytesIO(simple_docx())) as real:
            for item in real.infolist():
                package.writestr(item, real.read(item))
        package.writestr("word/media/filler.bin", b"\x00" * (40 * 1024 * 1024))
    return buffer.getvalue()


def entity_attack(_tmp: Path) -> bytes:
    lols = '<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    lols += "".join(
        f'<!ENTITY lol{n} "{"".join(f"&lol{n - 1};" for _ in range(10))}">' for n in range(2, 10)
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(simple_docx())) as real, zipfile.ZipFile(buffer, "w") as package:
        for item in real.infolist():
            data = real.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(
                    b"<w:document", f"<!DOCTYPE lolz [{lols}]><w:document".encode(), 1
                ).replace(b"Hello.", b"&lol9;")
            package.writestr(item, data)
    return buffer.getvalue()


def truncated_docx(_tmp: Path) -> bytes:
    data = simple_docx()
    return data[: len(data) // 2]


CASES = [
    ("truncated.docx", truncated_docx, "damaged or truncated"),
    ("protected.docx", encrypted_docx, "password-protected"),
    ("renamed-doc.docx", old_doc, "old binary Office file"),
    ("renamed-sheet.docx", renamed_xlsx, "Excel workbook renamed to .docx"),
    ("bomb.docx", zip_bomb, "zip bomb"),
    ("entities.docx", entity_attack, "entity-expansion attack"),
    ("empty.txt", lambda _t: b"", "is empty"),
    ("blank.txt", lambda _t: b"  \n\t\n   \r\n", "only whitespace"),
    ("junk.txt", lambda _t: os.urandom(4096), "binary data"),
    ("notes.xyz", lambda _t: b"Interviewer: hi", "unsupported file type .xyz"),
    ("old.doc", lambda _t: b"anything", "save it as .docx first"),
]


@pytest.mark.parametrize("name, make, expected", CASES, ids=[c[0] for c in CASES])
def test_bad_file_fails_alone_with_one_sentence(study, tmp_path, name, make, expected):
    bad = tmp_path / name
    bad.write_bytes(make(tmp_path))
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    report = import_files(study, [bad, good])
    by_name = {Path(r.file).name: r for r in report.results}
    failure = by_name[name]
    assert failure.status == "failed"
    assert expected in failure.error
    assert name in failure.error and "\n" not in failure.error
    assert failure.source_id is None
    assert by_name["good.txt"].status == "imported"
    with study.session() as session:
        assert sorted(session.scalars(select(Source.name))) == ["existing", "good"]
        # only the good file's turns were added, no partial rows of the bad one
        assert session.scalar(select(func.count()).select_from(Turn)) == 2


def test_a_huge_file_is_refused_without_being_read(study, tmp_path):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: costs no disk and no time
    [result] = import_files(study, [huge]).results
    assert result.status == "failed"
    assert "huge.txt is 200 MB, more than the 50 MB limit" in result.error


def test_an_unreadable_file_is_reported(study, tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD)
    if os.geteuid() != 0:
        locked.chmod(0)
    else:  # root reads any file, so make the read itself fail as it would for a user
        original = Path.read_bytes
        monkeypatch.setattr(Path, "read_bytes", lambda self: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied")) if self == locked else original(self))
    [result] = import_files(study, [locked]).results
    assert result.status == "failed" and "locked.txt cannot be read (permission denied)" in result.error


def test_a_path_that_does_not_exist(study, tmp_path):
    ghost = tmp_path / "ghost.docx"
    [result] = import_files(study, [ghost]).results
    assert result.status == "failed" and result.error == f"{ghost} does not exist."


def test_attributes_sheet_without_a_file_column_stops_before_importing(study, tmp_path):
    sheet = tmp_path / "attributes.csv"
    sheet.write_text("site,method\nSite A,interview\n")
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    with pytest.raises(ImportSetupError, match="attributes.csv has no 'file' column"):
        import_files(study, [good], ImportOptions(attributes_sheet=sheet))
    with study.session() as session:
        assert session.scalars(select(Source.name)).all() == ["existing"]


def test_attributes_rows_that_match_no_file_are_listed(study, tmp_path):
    sheet = tmp_path / "attributes.csv"
    sheet.write_text("file,site\ngood.txt,Site A\nmissing-one.docx,Site B\nother.txt,Site C\n")
    good = tmp_path / "good.txt"
    good.write_text(GOOD)
    report = import_files(study, [good], ImportOptions(attributes_sheet=sheet))
    assert report.results[0].status == "imported"
    assert report.warnings == [
        "Attributes sheet attributes.csv: entries for 2 file(s) match no imported file: missing-one.docx, other.txt."
    ]
