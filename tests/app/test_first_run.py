"""The first run asks who is coding, once, and stores it; initials follow the name."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel

from app.settings import Settings
from app.widgets.first_run import (
    CoderFields,
    FirstRunDialog,
    ask_coder,
    ensure_coder_identity,
    suggest_initials,
)


@pytest.mark.parametrize(("name", "initials"), [
    ("Janet Morris", "JM"),
    ("Mary-Ann O'Neil", "MAO"),
    ("Anna Maria de la Cruz", "AMC"),
    ("janet", "JA"),
    ("Élodie Durand", "ÉD"),
    ("   ", ""),
])
def test_initials_are_suggested_from_the_name(name, initials):
    assert suggest_initials(name) == initials


def test_ok_waits_for_a_name_and_initials_follow_it_until_edited(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    fields = dialog.fields
    assert not dialog.ok_button.isEnabled()
    qtbot.keyClicks(fields.name_edit, "Janet Morris")
    assert dialog.ok_button.isEnabled()
    assert fields.initials_edit.text() == "JM"
    fields.initials_edit.clear()
    qtbot.keyClicks(fields.initials_edit, "JaM")
    qtbot.keyClicks(fields.name_edit, "-Smith")
    assert fields.initials_edit.text() == "JaM"  # the user's own initials are kept
    fields.initials_edit.clear()
    qtbot.keyClicks(fields.name_edit, "e")
    assert fields.initials_edit.text() == "JMS"  # cleared: suggestions resume
    fields.name_edit.setText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()
    assert dialog.result() != dialog.DialogCode.Accepted  # no identity, no way through


def test_the_dialog_says_why_the_name_is_asked(qtbot):
    dialog = FirstRunDialog()
    qtbot.addWidget(dialog)
    assert "Every coding and edit" in dialog.findChild(QLabel, "firstRunExplanation").text()
    assert dialog.fields.name_edit.toolTip() and dialog.fields.initials_edit.toolTip()


def test_ensure_asks_once_and_stores_the_identity(qtbot):
    def answer():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, FirstRunDialog)
        qtbot.keyClicks(dialog.fields.name_edit, "  Janet   Morris ")
        qtbot.keyClick(dialog.fields.name_edit, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    assert ensure_coder_identity(None) == ("Janet Morris", "JM")
    assert Settings().coder() == ("Janet Morris", "JM")
    # Stored now: asked no more (a dialog would block this test).
    assert ensure_coder_identity(None) == ("Janet Morris", "JM")


def test_declining_stores_nothing(qtbot):
    QTimer.singleShot(0, lambda: QApplication.activeModalWidget().reject())
    assert ensure_coder_identity(None) is None
    assert Settings().coder() == ("", "")


def test_ask_coder_returns_edited_initials(qtbot):
    def answer():
        dialog = QApplication.activeModalWidget()
        dialog.fields.name_edit.setText("Derek Hill")
        dialog.fields.initials_edit.setText("DH2")
        dialog.ok_button.click()

    QTimer.singleShot(0, answer)
    assert ask_coder() == ("Derek Hill", "DH2")
    assert Settings().coder() == ("", "")  # asking alone stores nothing


def test_coder_fields_start_from_a_stored_identity(qtbot):
    fields = CoderFields("Ann Clarke", "AnC")
    qtbot.addWidget(fields)
    assert (fields.name(), fields.initials()) == ("Ann Clarke", "AnC")
    fields.name_edit.setText("Ann Clarke-Hill")
    assert fields.initials() == "AnC"
