"""Which reader handles which file extension."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from importers.document import ImportFailure, ReadResult

Reader = Callable[[Path, bytes], ReadResult]


# Extension -> (module, function). Modules load on first use, so a batch of Word files
# never pays for importing the PDF library.
READERS = {
    ".docx": ("importers.docx_reader", "read_docx"),
    ".txt": ("importers.text_reader", "read_text"),
    ".text": ("importers.text_reader", "read_text"),
    ".md": ("importers.text_reader", "read_text"),
    ".markdown": ("importers.text_reader", "read_text"),
    ".rtf": ("importers.rtf_reader", "read_rtf"),
    ".odt": ("importers.odt_reader", "read_odt"),
    ".pdf": ("importers.pdf_reader", "read_pdf"),
    ".html": ("importers.html_reader", "read_html"),
    ".htm": ("importers.html_reader", "read_html"),
    ".vtt": ("importers.captions_reader", "read_vtt"),
    ".srt": ("importers.captions_reader", "read_srt"),
}
SUPPORTED_EXTENSIONS = tuple(READERS)
def reader_for(path: Path) -> Reader:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_EXTENSIONS:
        hint = " (save it as .docx first)" if suffix == ".doc" else ""
        raise ImportFailure(
            f"{path.name} has an unsupported file type {suffix or '(no extension)'}{hint}; "
            f"Charter reads {', '.join(SUPPORTED_EXTENSIONS)}."
        )
    module, function = READERS[suffix]
    return getattr(importlib.import_module(module), function)
