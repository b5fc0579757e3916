"""The attributes editor on the fixture project: edits through the table models and the
editors, each stored at once, undone and redone on the workspace's stack; refused
values leave the old value and say why in one sentence."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, QModelIndex, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialog, QStyleOptionViewItem
from sqlalchemy import func, select

from app.commands.attributes import EditFieldCommand
from app.qtmodels.attribute_tables import ID_ROLE, AttributeTableModel
from app.widgets import attributes_editor
from app.widgets.attributes_editor import AddAttributeDialog, AttributesEditor
from models import AttributeDefinition, Participant, Site, SiteAttributeValue, Source


@pytest.fixture
def editor(qtbot, workspace):
    dialog = AttributesEditor(workspace)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _cell(model: AttributeTableModel, name: str, title: str) -> QModelIndex:
    row = next(r for r, record in enumerate(model.records) if record.name == name)
    column = next(c for c, spec in enumerate(model.columns) if spec.title == title)
    return model.index(row, column)


def _participant(workspace, name: str) -> Participant:
    with workspace.read() as session:
        return session.scalar(select(Participant).where(Participant.name == name))


def _source(workspace, name: str) -> Source:
    with workspace.read() as session:
        return session.scalar(select(Source).where(Source.name == name))


def _add_attribute(editor, monkeypatch, kind: str, name: str, value_type: str, choices: str = "") -> int:
    """Fill in and accept the Add Attribute dialog as a user would."""
    def fill_in(dialog: AddAttributeDialog) -> int:
        dialog.name.setText(name)
        dialog.value_type.setCurrentIndex(dialog.value_type.findData(value_type))
        dialog.choices.setText(choices)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(AddAttributeDialog, "exec", fill_in)
    editor.tabs.setCurrentIndex(("site", "participant", "source").index(kind))
    return editor.add_attribute()


def test_every_table_passes_the_model_tester(editor, qtmodeltester, monkeypatch, workspace):
    _add_attribute(editor, monkeypatch, "site", "Funding model", "choice", "Mainstream, Pilot")
    _add_attribute(editor, monkeypatch, "source", "Length", "number")
    for kind in ("site", "participant", "source"):
        qtmodeltester.check(editor.tables[kind])
        qtmodeltester.check(editor.proxies[kind])
    sources = editor.tables["source"]
    assert [spec.title for spec in sources.columns] == ["Name", "Site", "Method", "Date", "Length"]
    assert [(r.name, r.site, r.method) for r in sources.records] == [
        ("partner-interview", "Northfield", "interview"), ("resident-group", "Northfield", "focus-group")]
    assert _cell(sources, "resident-group", "Method").data() == "Focus group"
    people = editor.tables["participant"]
    assert [r.name for r in people.records] == ["Ann Clarke", "Derek Hill", "Janet Morris", "Interviewer", "Moderator"]
    assert _cell(people, "Moderator", "Site").data() == "(no site)"


def test_participant_type_and_interviewer_flag_undo_and_redo(editor, workspace):
    people = editor.tables["participant"]
    ann = _participant(workspace, "Ann Clarke").id
    changes = []
    workspace.changed.connect(changes.append)
    assert people.setData(_cell(people, "Ann Clarke", "Type"), "  police constable ")
    assert _participant(workspace, "Ann Clarke").participant_type == "police constable"
    assert _cell(people, "Ann Clarke", "Type").data() == "police constable"
    assert people.setData(_cell(people, "Ann Clarke", "Interviewer"), Qt.CheckState.Checked.value,
                          Qt.ItemDataRole.CheckStateRole)
    assert _participant(workspace, "Ann Clarke").is_interviewer is True
    assert _cell(people, "Ann Clarke", "Interviewer").data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert changes[-1].kinds == {"attributes", "codings"}  # matrix counts change too
    assert not people.setData(_cell(people, "Ann Clarke", "Type"), "police constable")  # no change, no command
    assert workspace.undo_stack.count() == 2
    workspace.undo_stack.undo()
    assert _participant(workspace, "Ann Clarke").is_interviewer is False
    workspace.undo_stack.undo()
    assert _participant(workspace, "Ann Clarke").participant_type == "resident"
    assert _cell(people, "Ann Clarke", "Type").data() == "resident"
    workspace.undo_stack.redo()
    workspace.undo_stack.redo()
    person = _participant(workspace, "Ann Clarke")
    assert (person.id, person.participant_type, person.is_interviewer) == (ann, "police constable", True)


def test_source_method_change_undo_and_redo(editor, workspace):
    sources = editor.tables["source"]
    changes = []
    workspace.changed.connect(changes.append)
    source_id = _source(workspace, "partner-interview").id
    assert sources.setData(_cell(sources, "partner-interview", "Method"), "telephone-interview")
    assert _source(workspace, "partner-interview").method == "telephone-interview"
    assert _cell(sources, "partner-interview", "Method").data() == "Telephone interview"
    assert changes[-1].kinds == {"attributes", "sources"} and changes[-1].source_ids == {source_id}
    workspace.undo_stack.undo()
    assert _source(workspace, "partner-interview").method == "interview"
    workspace.undo_stack.redo()
    assert _source(workspace, "partner-interview").method == "telephone-interview"


def test_site_attribute_added_and_set_with_undo(editor, workspace, monkeypatch):
    funding = _add_attribute(editor, monkeypatch, "site", "Funding model", "choice", "Mainstream, Pilot")
    sites = editor.tables["site"]
    assert [spec.title for spec in sites.columns] == ["Name", "Funding model"]
    assert sites.setData(_cell(sites, "Northfield", "Funding model"), "pilot")
    with workspace.read() as session:
        assert session.scalar(select(SiteAttributeValue.text_value)
                              .where(SiteAttributeValue.definition_id == funding)) == "Pilot"
    assert _cell(sites, "Northfield", "Funding model").data() == "Pilot"
    assert not sites.setData(_cell(sites, "Northfield", "Funding model"), "Project")
    assert workspace.last_error == "'Project' is not one of the choices for Funding model: Mainstream, Pilot."
    workspace.undo_stack.undo()  # the value
    assert _cell(sites, "Northfield", "Funding model").data() == ""
    workspace.undo_stack.undo()  # the attribute
    assert [spec.title for spec in sites.columns] == ["Name"]
    with workspace.read() as session:
        assert session.get(AttributeDefinition, funding) is None
    workspace.undo_stack.redo()
    workspace.undo_stack.redo()
    with workspace.read() as session:
        assert session.get(AttributeDefinition, funding).name == "Funding model"
        assert session.scalar(select(SiteAttributeValue.text_value)) == "Pilot"
    assert _cell(sites, "Northfield", "Funding model").data() == "Pilot"


def test_a_bad_date_is_refused_with_one_sentence_and_the_old_value_kept(editor, workspace):
    sources = editor.tables["source"]
    index = _cell(sources, "resident-group", "Date")
    assert sources.setData(index, "12/03/2013")
    assert _source(workspace, "resident-group").date == date(2013, 3, 12)
    refused = []
    sources.edit_refused.connect(refused.append)
    assert not sources.setData(index, "31/02/2013")
    message = ("'31/02/2013' is not a date Charter can read for the source's date; "
               "write it as 2013-03-12, 12/03/2013 or 12 March 2013.")
    assert refused == [message] and workspace.last_error == message
    assert _source(workspace, "resident-group").date == date(2013, 3, 12)
    assert index.data() == "2013-03-12"
    assert workspace.undo_stack.count() == 1


def test_a_taken_name_is_refused_and_kept(editor, workspace):
    people = editor.tables["participant"]
    assert not people.setData(_cell(people, "Derek Hill", "Name"), "ann clarke")
    assert workspace.last_error == "There is already a participant called 'ann clarke' at Northfield."
    assert _cell(people, "Derek Hill", "Name").data() == "Derek Hill"
    assert workspace.undo_stack.count() == 0


def test_combo_and_date_editors_store_through_commands(editor, workspace):
    view, proxy = editor.views["participant"], editor.proxies["participant"]
    delegate = view.itemDelegate()
    site_index = proxy.mapFromSource(_cell(editor.tables["participant"], "Janet Morris", "Site"))
    combo = delegate.createEditor(view.viewport(), QStyleOptionViewItem(), site_index)
    assert isinstance(combo, QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == ["(no site)", "Northfield"]
    delegate.setEditorData(combo, site_index)
    assert combo.currentText() == "Northfield"
    combo.setCurrentIndex(0)
    delegate.setModelData(combo, proxy, site_index)
    assert _participant(workspace, "Janet Morris").site_id is None

    view, proxy = editor.views["source"], editor.proxies["source"]
    date_index = proxy.mapFromSource(_cell(editor.tables["source"], "partner-interview", "Date"))
    dates = view.itemDelegate().createEditor(view.viewport(), QStyleOptionViewItem(), date_index)
    assert isinstance(dates, QDateEdit)
    view.itemDelegate().setEditorData(dates, date_index)
    assert dates.text() == "(no date)"
    dates.setDate(QDate(2013, 3, 14))
    view.itemDelegate().setModelData(dates, proxy, date_index)
    assert _source(workspace, "partner-interview").date == date(2013, 3, 14)
    # The Delete key clears a date (through a command too).
    editor.focus_source(_source(workspace, "partner-interview").id)
    view.setCurrentIndex(proxy.mapFromSource(_cell(editor.tables["source"], "partner-interview", "Date")))
    QTest.keyClick(view, Qt.Key.Key_Delete)
    assert _source(workspace, "partner-interview").date is None
    assert workspace.undo_stack.count() == 3


def test_focus_source_selects_its_row(editor, workspace):
    source_id = _source(workspace, "resident-group").id
    editor.filter_box.setText("partner")
    assert editor.focus_source(source_id)
    assert editor.tabs.currentIndex() == 2
    assert editor.filter_box.text() == ""
    assert editor.views["source"].currentIndex().data(ID_ROLE) == source_id
    assert not editor.focus_source(9999)


def test_the_add_dialog_explains_a_refused_name(qtbot, workspace):
    dialog = AddAttributeDialog(workspace, "site")
    qtbot.addWidget(dialog)
    dialog.name.setText("Method")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error.text() == "'Method' is already a column of its own; choose another attribute name."
    assert not dialog.choices.isEnabled()
    dialog.value_type.setCurrentIndex(dialog.value_type.findData("choice"))
    assert dialog.choices.isEnabled()
    with workspace.read() as session:
        assert session.scalar(select(func.count()).select_from(AttributeDefinition)) == 0


def test_rename_and_remove_an_attribute_with_undo(editor, workspace, monkeypatch):
    resident_id = _source(workspace, "resident-group").id
    editor.focus_source(resident_id)
    length = _add_attribute(editor, monkeypatch, "source", "Length", "number")
    assert editor.views["source"].currentIndex().data(ID_ROLE) == resident_id  # kept across the new column
    sources = editor.tables["source"]
    assert sources.setData(_cell(sources, "partner-interview", "Length"), "1,200")
    assert _cell(sources, "partner-interview", "Length").data() == "1200"
    monkeypatch.setattr(attributes_editor.QInputDialog, "getText", lambda *a, **k: ("Minutes", True))
    assert editor.rename_attribute("source", length)
    assert sources.columns[-1].title == "Minutes"
    asked = []
    monkeypatch.setattr(attributes_editor, "confirm", lambda parent, title, message, action: asked.append(message)
                        or True)
    assert editor.remove_attribute("source", length)
    assert asked == ["Remove the attribute 'Minutes'? 1 row has a value for it. Undo puts them back."]
    assert [spec.title for spec in sources.columns] == ["Name", "Site", "Method", "Date"]
    workspace.undo_stack.undo()
    assert _cell(sources, "partner-interview", "Minutes").data() == "1200"
    with workspace.read() as session:
        assert session.get(Site, 1).name == "Northfield"
        assert session.get(AttributeDefinition, length).name == "Minutes"


def test_a_hidden_editor_catches_up_when_shown_again(editor, workspace):
    sources = editor.tables["source"]
    editor.hide()
    source_id = _source(workspace, "resident-group").id
    assert workspace.run(EditFieldCommand(workspace, "source", source_id, "method", "observation", "resident-group"))
    assert sources.stale and _cell(sources, "resident-group", "Method").data() == "Focus group"
    editor.show()
    assert not sources.stale and _cell(sources, "resident-group", "Method").data() == "Observation"
