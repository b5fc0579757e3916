"""Start the desktop app: ``python -m app [PROJECT]`` or the ``charter-gui`` launcher."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from PySide6.QtWidgets import QApplication, QMessageBox

from app.main_window import MainWindow
from models.project import ProjectError, open_project


def main(argv: Sequence[str] | None = None) -> int:
    args = argparse.ArgumentParser(prog="charter-gui", description="Open Charter.")
    args.add_argument("project", nargs="?", help="a project file or PostgreSQL URL to open")
    options = args.parse_args(argv)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("Charter")
    app.setOrganizationName("Charter")
    window = MainWindow()
    window.show()
    if options.project:
        try:
            window.set_project(open_project(options.project))
        except ProjectError as error:
            QMessageBox.critical(window, "Cannot open project", str(error))
    return app.exec()
