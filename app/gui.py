"""Start the desktop app: ``python -m app [PROJECT | --demo]`` or the ``charter-gui`` launcher."""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from app.appearance import apply_appearance
from app.main_window import MainWindow


def main(argv: Sequence[str] | None = None) -> int:
    start(argv)
    # Everything built so far lives for the whole session: keep it out of the garbage
    # collector's full passes, which otherwise freeze the window for 100-200 ms.
    gc.collect()
    gc.freeze()
    return QApplication.instance().exec()


def start(argv: Sequence[str] | None = None) -> MainWindow:
    """The application set up and its window shown, opening what the arguments ask for
    once the event loop runs."""
    args = argparse.ArgumentParser(prog="charter-gui", description="Open Charter.")
    args.add_argument("project", nargs="?", help="a project file or PostgreSQL URL to open")
    args.add_argument("--demo", action="store_true",
                      help="open the demo study (built on first use in your data folder)")
    options = args.parse_args(argv)

    app = QApplication.instance()
    if app is None:
        # Fractional scaling (125 %, 150 %) drawn as such, not rounded to whole pixels.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1])
    app.setApplicationName("Charter")
    app.setOrganizationName("Charter")
    app.setApplicationDisplayName("Charter")
    apply_appearance(app)
    window = MainWindow()
    window.show()
    # Open after the window is on screen, so the first-run question and any progress
    # dialog have a parent the user can see.
    if options.project:
        QTimer.singleShot(0, lambda: window.open_location(options.project))
    elif options.demo:
        QTimer.singleShot(0, window.open_demo)
    return window
