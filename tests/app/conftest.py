"""GUI test fixtures: settings in a temporary folder, and a small coded project.

``workspace`` is a real SQLite project made with the neighbourhood-policing template,
two transcripts imported through the real importers, and a coder; panes and commands
are tested against it (``tests.app.helpers`` reads and codes it). ``open_pane`` shows a
pane on it; ``window`` is the main window with a coder set and no project open; tests of
panes that read in the background use ``no_job_left_running``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QSettings

from app.settings import Settings
from app.workers import running_jobs
from app.workspace import Workspace
from framework.templates import apply_template
from importers.service import ImportOptions, import_files
from models.project import create_project

PARTNER_INTERVIEW = """\
Interviewer: Can you tell me how the partnership started here?
Janet Morris: Well, it started with the ward panel really. We had residents coming every month, and the police and the council sat at the same table for the first time.
Interviewer: And what made it work?
Janet Morris: Strong leadership, honestly. Our Neighbourhood Manager could say no to anyone, the police included, and people trusted her for it.
Interviewer: Were there difficulties?
Janet Morris: The cuts. We lost two PCSOs last year and the youth service went completely. Information sharing was slow too, everyone had their own systems.
"""

RESIDENT_GROUP = """\
Moderator: What has changed on the estate in the last year?
Ann Clarke: The antisocial behaviour is down, no question. You can walk to the shops at night now.
Derek Hill: I'm not so sure. It's moved round the corner, that's all. The kids just go to the park instead.
Ann Clarke: But we get told what's happening now, at the PACT meetings, and they actually listen.
Moderator: Do you feel you can influence what the police do?
Derek Hill: A bit more than before. They put patrols on the alley after we raised it, and the council fixed the lights.
"""


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch) -> Iterator[None]:
    """Every test gets empty settings in its own folder, never the developer's."""
    folder = tmp_path_factory.mktemp("settings")
    # The names the app itself sets (app/gui.py): QSettings files are named after them.
    QCoreApplication.setOrganizationName("Charter")
    QCoreApplication.setApplicationName("Charter")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setenv("CHARTER_DEMO_PATH", str(folder / "demo.charter"))
    yield


def write_transcripts(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = [folder / "partner-interview.txt", folder / "resident-group.txt"]
    files[0].write_text(PARTNER_INTERVIEW, encoding="utf-8")
    files[1].write_text(RESIDENT_GROUP, encoding="utf-8")
    return files


@pytest.fixture
def workspace(tmp_path: Path, qapp) -> Iterator[Workspace]:
    project = create_project(tmp_path / "study.charter", name="Test study")
    with project.transaction("template") as session:
        apply_template(session, "neighbourhood-policing")
    files = write_transcripts(tmp_path / "transcripts")
    import_files(project, files[:1], ImportOptions(site="Northfield", method="interview", participant_type="partner"))
    import_files(project, files[1:], ImportOptions(site="Northfield", method="focus-group", participant_type="resident"))
    opened = Workspace(project, "Test Coder", "TC")
    yield opened
    opened.close()


@pytest.fixture
def no_job_left_running(qtbot) -> Iterator[None]:
    """Background reads end before the project they read is closed."""
    yield
    qtbot.waitUntil(lambda: not running_jobs(), timeout=10_000)


@pytest.fixture
def open_pane(qtbot, workspace):
    """Show a pane at a size, following ``workspace``; with ``wait_loaded``, once its
    background read (its ``loaded`` signal) has finished."""
    def open_(widget, width: int, height: int, *, wait_loaded: bool = False):
        qtbot.addWidget(widget)
        widget.resize(width, height)
        if wait_loaded:
            with qtbot.waitSignal(widget.loaded):
                widget.set_workspace(workspace)
        else:
            widget.set_workspace(workspace)
        widget.show()
        qtbot.waitExposed(widget)
        return widget
    return open_


@pytest.fixture
def window(qtbot):
    """The main window, shown, for a coder called Rosa Field; no project is open."""
    from app.main_window import MainWindow  # imported by the tests that use it only

    Settings().set_coder("Rosa Field", "RF")
    main = MainWindow()
    qtbot.addWidget(main)
    main.show()
    qtbot.waitExposed(main)
    yield main
    qtbot.waitUntil(lambda: not running_jobs(), timeout=10_000)
    main.close_project()
