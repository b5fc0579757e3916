"""Preferences store what the form shows, only on OK or Apply, and say so."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox

from app.settings import FONT_SIZE, LINE_WIDTH, SHOW_STRIPES, Settings
from app.widgets.preferences import NO_THEME, PreferencesDialog
from tests.app.helpers import theme_guid


def _choose(box: QComboBox, text: str) -> None:
    """Pick an entry as a user would, so the dialog's reaction to the choice runs."""
    row = box.findText(text)
    assert row >= 0, text
    box.setCurrentIndex(row)
    box.activated.emit(row)


def test_the_form_shows_the_stored_settings(qtbot):
    settings = Settings()
    settings.set_coder("Janet Morris", "JM")
    settings.set(FONT_SIZE, 15)
    settings.set(LINE_WIDTH, 100)
    settings.set(SHOW_STRIPES, False)
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    assert dialog.coder_fields.name() == "Janet Morris" and dialog.coder_fields.initials() == "JM"
    assert (dialog.font_size.value(), dialog.line_width.value()) == (15, 100)
    assert not dialog.show_stripes.isChecked()
    assert dialog.key_boxes == []  # no project open, no quick-code keys
    assert (dialog.font_size.minimum(), dialog.font_size.maximum()) == (8, 32)
    assert (dialog.line_width.minimum(), dialog.line_width.maximum()) == (50, 140)


def test_apply_stores_everything_and_announces_it(qtbot, workspace):
    dialog = PreferencesDialog(None, workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    assert len(dialog.key_boxes) == 9 and dialog.key_boxes[0].currentText() == NO_THEME
    dialog.coder_fields.name_edit.setText("Ann Clarke")
    dialog.font_size.setValue(18)
    dialog.line_width.setValue(120)
    dialog.show_stripes.setChecked(False)
    _choose(dialog.key_boxes[0], "Information sharing/Tasking meetings")
    _choose(dialog.key_boxes[4], "Barriers")
    assert Settings().get(FONT_SIZE) == 12  # nothing stored before Apply
    with qtbot.waitSignal(dialog.applied), qtbot.waitSignal(dialog.coder_changed) as coder:
        dialog.apply_button.click()
    assert coder.args == ["Ann Clarke", "AC"]
    settings = Settings()
    assert settings.coder() == ("Ann Clarke", "AC")
    assert (settings.get(FONT_SIZE), settings.get(LINE_WIDTH), settings.get(SHOW_STRIPES)) == (18, 120, False)
    tasking, barriers = theme_guid(workspace, "Information sharing/Tasking meetings"), theme_guid(workspace, "Barriers")
    assert settings.pinned_themes(workspace.project_guid) == [tasking, "", "", "", barriers, "", "", "", ""]
    assert dialog.isVisible()  # Apply stores and stays open

    reopened = PreferencesDialog(None, workspace)
    qtbot.addWidget(reopened)
    assert reopened.key_boxes[0].currentText() == "Information sharing/Tasking meetings"
    assert reopened.key_boxes[4].currentText() == "Barriers"
    assert reopened.pinned_guids() == settings.pinned_themes(workspace.project_guid)


def test_a_theme_sits_on_one_key_only(qtbot, workspace):
    dialog = PreferencesDialog(None, workspace)
    qtbot.addWidget(dialog)
    _choose(dialog.key_boxes[1], "Barriers")
    _choose(dialog.key_boxes[6], "Barriers")
    assert dialog.key_boxes[1].currentText() == NO_THEME
    assert dialog.pinned_guids()[6] == theme_guid(workspace, "Barriers")


def test_cancel_forgets_and_ok_stores(qtbot, workspace):
    dialog = PreferencesDialog(None, workspace)
    qtbot.addWidget(dialog)
    dialog.font_size.setValue(20)
    dialog.coder_fields.name_edit.setText("Someone")
    dialog.reject()
    assert Settings().get(FONT_SIZE) == 12 and Settings().coder() == ("", "")

    dialog = PreferencesDialog(None, workspace)
    qtbot.addWidget(dialog)
    dialog.coder_fields.name_edit.setText("Derek Hill")
    dialog.font_size.setValue(20)
    with qtbot.waitSignal(dialog.applied):
        dialog.ok_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert Settings().get(FONT_SIZE) == 20 and Settings().coder() == ("Derek Hill", "DH")


def test_an_empty_name_cannot_be_stored(qtbot):
    Settings().set_coder("Janet Morris", "JM")
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.coder_fields.name_edit.setText("  ")
    assert not dialog.ok_button.isEnabled() and not dialog.apply_button.isEnabled()
    assert not dialog.apply()
    assert Settings().coder() == ("Janet Morris", "JM")


def test_restore_defaults_resets_the_transcript_settings_in_the_form(qtbot):
    Settings().set(FONT_SIZE, 24)
    dialog = PreferencesDialog()
    qtbot.addWidget(dialog)
    dialog.line_width.setValue(60)
    dialog.show_stripes.setChecked(False)
    dialog.defaults_button.click()
    assert (dialog.font_size.value(), dialog.line_width.value(), dialog.show_stripes.isChecked()) == (
        FONT_SIZE.default, LINE_WIDTH.default, SHOW_STRIPES.default)
    assert Settings().get(FONT_SIZE) == 24  # stored only on OK or Apply
