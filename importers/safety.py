"""Guards applied before any parser sees a file: size, emptiness, and Office packages
that are damaged, encrypted, of the wrong kind, or built to exhaust memory.

Each guard raises ``ImportFailure`` with one sentence naming the file, so a bad file
never reaches a parser that would answer with a traceback.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from importers.document import ImportFailure

MAX_FILE_BYTES = 50 * 1024 * 1024
"""Largest file accepted. A 10,000-word transcript is well under 1 MB even as .docx with
pictures; 50 MB leaves room for scanned PDFs while keeping a runaway file (a 200 MB log
renamed .txt) from being loaded whole into memory."""

MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def read_file(path: Path) -> bytes:
    """The file's bytes, refusing what cannot or should not be read."""
    if not path.exists():
        raise ImportFailure(f"{path} does not exist.")
    if path.is_dir():
        raise ImportFailure(f"{path} is a folder, not a file.")
    size = path.stat().st_size
    if size == 0:
        raise ImportFailure(f"{path.name} is empty.")
    if size > MAX_FILE_BYTES:
        raise ImportFailure(
            f"{path.name} is {size / 1024 / 1024:.0f} MB, more than the "
            f"{MAX_FILE_BYTES // 1024 // 1024} MB limit for one transcript; split it into smaller files."
        )
    try:
        return path.read_bytes()
    except PermissionError as error:
        raise ImportFailure(f"{path.name} cannot be read (permission denied).") from error
    except OSError as error:
        raise ImportFailure(f"{path.name} cannot be read ({error.strerror or error}).") from error


def open_office_package(path: Path, data: bytes, main_part: str, kind: str) -> zipfile.ZipFile:
    r"""Open an Office Open XML / OpenDocument zip after checking it is what it claims.

    ``main_part`` is a regular expression for the member that must exist
    (``word/document\d*\.xml`` — Word sometimes numbers it — or ``content\.xml``);
    ``kind`` names the format in messages (".docx", ".odt").
    """
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_PACKAGE in data:
            raise ImportFailure(
                f"{path.name} is password-protected; remove the password and import it again."
            )
        raise ImportFailure(
            f"{path.name} is an old binary Office file (such as a .doc), not {kind}; "
            f"save it as {kind} and import it again."
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
    except zipfile.BadZipFile as error:
        raise ImportFailure(f"{path.name} is damaged or truncated (it is not a complete {kind} package).") from error
    if not any(re.fullmatch(main_part, name) for name in names):
        other = _other_office_kind(names)
        if other:
            raise ImportFailure(f"{path.name} is {other} renamed to {kind}, not a {kind} document.")
        raise ImportFailure(f"{path.name} is not a {kind} document (it has no main document part).")
    _refuse_zip_bomb(path, package)
    return package


def _other_office_kind(names: set[str]) -> str | None:
    if "xl/workbook.xml" in names:
        return "an Excel workbook"
    if "ppt/presentation.xml" in names:
        return "a PowerPoint presentation"
    if "word/document.xml" in names:
        return "a Word document"
    if "content.xml" in names:
        return "an OpenDocument file"
    return None


def _refuse_zip_bomb(path: Path, package: zipfile.ZipFile) -> None:
    """Refuse packages that would expand far beyond any transcript.

    The sizes checked are those in the zip's directory; zipfile never inflates a member
    beyond its declared size, so a package cannot lie its way past this check.
    """
    total = 0
    for info in package.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if total > MAX_UNZIPPED_BYTES or (ratio > MAX_COMPRESSION_RATIO and info.file_size > 10 * 1024 * 1024):
            raise ImportFailure(
                f"{path.name} would expand to far more than any transcript needs when unzipped; "
                "it looks like a zip bomb and was not opened."
            )


def refuse_doctype(path: Path, xml: bytes) -> None:
    """Office files never carry a DOCTYPE; one that does may hide an entity-expansion attack."""
    if b"<!DOCTYPE" in xml[:4096] or b"<!ENTITY" in xml[:65536]:
        raise ImportFailure(
            f"{path.name} contains XML entity declarations, which Office never writes; "
            "it was not opened because it may be an entity-expansion attack."
        )
