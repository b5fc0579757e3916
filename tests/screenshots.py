"""Screenshots of Charter as a person sees it, for looking at (``make screenshots``).

Runs the real app in a real X server (Xvfb, started by the Makefile) on the demo study
and saves PNGs: the main window, a transcript with overlapping codings and its stripes,
the import wizard's preview, and the search pane with results. Settings and the demo
copy live in a temporary folder, so a developer's own settings are never touched.

    xvfb-run -a .venv/bin/python -m tests.screenshots OUTPUT_FOLDER
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

REPO = Path(__file__).resolve().parents[1]


def settle(app: QApplication, rounds: int = 20) -> None:
    """Let layouts, lazy loads and paints finish before grabbing."""
    from PySide6.QtTest import QTest

    for _ in range(rounds):
        app.processEvents()
        QTest.qWait(10)


def settle_panes(app: QApplication, window) -> None:
    """Wait for the panes' background reads (counts, passages) to be shown."""
    import time

    deadline = time.monotonic() + 30
    panes = (window.sources, window.framework, window.extracts)
    while any(pane.is_loading() for pane in panes) and time.monotonic() < deadline:
        settle(app, rounds=2)
    settle(app)


def save(widget, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    widget.grab().save(str(path))
    print(f"saved {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    return path


def busiest_source(window) -> int:
    """The demo transcript with the most overlapping codings (the stripes' best case)."""
    from framework.coding import list_codings
    from framework.sources import list_sources

    with window.workspace.read() as session:
        best, best_overlaps = None, -1
        for source in list_sources(session):
            spans = sorted((c.start, c.end) for c in list_codings(session, source_id=source.id))
            overlaps = sum(1 for (s1, e1), (s2, _e2) in zip(spans, spans[1:]) if s2 < e1)
            if overlaps > best_overlaps:
                best, best_overlaps = source.id, overlaps
    return best


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0] if argv else "screenshots").resolve()
    folder.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="charter-shots-"))
    import os

    os.environ["CHARTER_DEMO_PATH"] = str(scratch / "demo.charter")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(scratch / "settings"))

    from app.appearance import apply_appearance
    from app.demo import ensure_demo_project
    from app.main_window import MainWindow
    from app.settings import Settings

    app = QApplication.instance() or QApplication(["charter"])
    app.setApplicationName("Charter")
    app.setOrganizationName("Charter")
    apply_appearance(app)
    Settings().set_coder("Demo Researcher", "DR")
    demo = ensure_demo_project()

    window = MainWindow()
    window.resize(1560, 960)
    window.show()
    settle(app)
    save(window, folder, "0-welcome")
    if not window.open_location(str(demo)):
        print("The demo project did not open.", file=sys.stderr)
        return 1
    settle(app)

    source_id = busiest_source(window)
    window.open_source(source_id)
    with window.workspace.read() as session:
        from framework.coding import list_codings

        codings = list_codings(session, source_id=source_id)
    first = codings[len(codings) // 3]
    window.jump_to_passage(source_id, first.start, first.end)
    window.framework.select_theme(first.theme_id)
    settle_panes(app, window)
    save(window, folder, "1-main-window")
    save(window.transcript, folder, "2-transcript-stripes")

    window.docks["search"].show()
    window.docks["search"].raise_()
    window.search.set_query("partnership")
    window.search.run_search()
    settle(app)
    save(window, folder, "3-search")
    save(window.search, folder, "3b-search-pane")

    from app.widgets.import_wizard import ImportWizard

    from tests.app.test_import_wizard import three_transcripts

    # New files (the demo's own would all be duplicates), plus one that cannot be read.
    incoming = three_transcripts(scratch / "incoming")
    broken = scratch / "incoming" / "scanned-notes.pdf"
    broken.write_bytes(b"%PDF-1.4 not really a PDF")
    wizard = ImportWizard(window.workspace, [*incoming, broken], parent=window)
    wizard.resize(900, 620)
    wizard.show()
    settle(app)
    save(wizard, folder, "4-import-files")
    wizard.next()
    settle(app)
    save(wizard, folder, "5-import-details")
    wizard.next()
    settle(app, rounds=200)
    save(wizard, folder, "6-import-preview")
    wizard.reject()

    # The same window as it looks when the system asks for dark.
    from app.appearance import dark_palette

    app.setPalette(dark_palette())
    window.docks["extracts"].raise_()
    settle(app)
    save(window, folder, "7-dark")
    window.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
