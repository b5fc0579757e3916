"""The Search pane against a real project: hits with exact offsets, word forms, phrases,
filters, inline errors, paging, jumping to a hit, and coding all results in one step."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from app.qtmodels import search_model
from app.qtmodels.search_model import HIT_ROLE, SearchResultsModel, kwic_parts
from app.widgets.search_pane import SearchPane, as_phrase
from framework.search import SearchHit
from models import Coding
from tests.app.helpers import source, theme_id


@dataclass(frozen=True)
class Choice:  # what the theme chooser returns: id, path, name
    id: int
    path: str
    name: str


@pytest.fixture
def pane(open_pane):
    return open_pane(SearchPane(), 900, 500)


def hits(pane):
    return [pane.model.index(row, 0).data(HIT_ROLE) for row in range(pane.model.rowCount())]


def spans(hits_):
    return [(h.source, h.start, h.end) for h in hits_]


def offsets(workspace, name, *words):
    """(name, start, end) of each word, found in order through the transcript."""
    _id, text = source(workspace, name)
    found, position = [], 0
    for word in words:
        start = text.index(word, position)
        found.append((name, start, start + len(word)))
        position = start + len(word)
    return found


def search_for(pane, query, **options):
    pane.set_query(query)
    for name, value in options.items():
        getattr(pane, name).setChecked(value)
    return pane.run_search()


def test_a_word_finds_every_turn_with_exact_offsets(pane, workspace):
    assert search_for(pane, "police")
    expected = offsets(workspace, "partner-interview", "police", "police") + \
        offsets(workspace, "resident-group", "police")
    assert spans(hits(pane)) == expected
    assert pane.count.text() == "3 hits in 2 sources"
    assert [h.speaker for h in hits(pane)] == ["Janet Morris", "Janet Morris", "Moderator"]
    assert [pane.model.index(0, c).data() for c in range(5)] == [
        "…panel really. We had residents coming every month, and the", "police",
        "and the council sat at the same table for the first time.", "partner-interview", "Janet Morris"]
    assert not pane.error.isVisible()


def test_interviewers_can_be_left_out(pane, workspace):
    search_for(pane, "police", interviewers=False)
    assert [h.speaker for h in hits(pane)] == ["Janet Morris", "Janet Morris"]
    assert pane.count.text() == "2 hits in 1 source"


def test_lemmas_find_the_other_forms_of_a_word(pane, workspace):
    assert search_for(pane, "lose")
    assert hits(pane) == [] and pane.count.text() == "No hits."
    pane.lemmas.setChecked(True)  # re-runs the search shown
    assert spans(hits(pane)) == offsets(workspace, "partner-interview", "lost")
    search_for(pane, "tell")
    assert spans(hits(pane)) == offsets(workspace, "partner-interview", "tell") + \
        offsets(workspace, "resident-group", "told")


def test_phrase_mode_wants_the_words_together(pane, workspace):
    assert search_for(pane, "police council")
    assert spans(hits(pane)) == offsets(workspace, "partner-interview", "police")
    pane.mode.setCurrentText("Phrase")
    assert pane.shown.query == '"police council"'
    assert hits(pane) == []
    search_for(pane, "the council fixed")
    assert spans(hits(pane)) == offsets(workspace, "resident-group", "the council fixed")


def test_participant_type_filter(pane, workspace):
    search_for(pane, "council")
    assert len(hits(pane)) == 2
    pane.participant_type.setCurrentText("resident")
    assert [h.speaker for h in hits(pane)] == ["Derek Hill"]
    assert [pane.site.itemText(i) for i in range(pane.site.count())] == ["All", "Northfield"]


@pytest.mark.parametrize("query, message", [
    ('"police', "Unbalanced quotation mark at character 1 of the query."),
    ("AND", '"AND" at character 1 of the query has nothing before it; '
            'put "and" in quotes to search for the word itself.'),
])
def test_a_malformed_query_is_explained_inline(pane, query, message):
    search_for(pane, "police")
    assert pane.model.rowCount() == 3
    assert not search_for(pane, query)
    assert pane.error.isVisible() and pane.error.text() == message
    assert pane.model.rowCount() == 0 and pane.count.text() == ""
    assert not pane.code_all_button.isEnabled()
    assert search_for(pane, "police")
    assert not pane.error.isVisible()


def test_an_empty_query_clears_quietly(pane):
    search_for(pane, "police")
    assert not search_for(pane, "   ")
    assert pane.model.rowCount() == 0 and not pane.error.isVisible()


def test_clicking_a_hit_jumps_once(pane, workspace, qtbot):
    search_for(pane, "police")
    target = hits(pane)[2]
    rect = pane.view.visualRect(pane.model.index(2, SearchResultsModel.HIT))
    emitted = []
    pane.passage_activated.connect(lambda *args: emitted.append(args))
    qtbot.mouseClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert emitted == [(target.source_id, target.start, target.end)]
    qtbot.mouseDClick(pane.view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert len(emitted) == 1  # the double-click's activation is the same jump
    pane.view.setCurrentIndex(pane.model.index(0, 0))
    pane._last_emitted = None
    qtbot.keyClick(pane.view, Qt.Key.Key_Return)
    first = hits(pane)[0]
    assert emitted[-1] == (first.source_id, first.start, first.end)


def test_results_are_read_a_page_at_a_time(pane, monkeypatch):
    monkeypatch.setattr(SearchResultsModel, "PAGE", 1)
    search_for(pane, "police")
    assert pane.model.rowCount() == 1 and pane.model.canFetchMore()
    assert pane.count.text() == "3 hits in 2 sources · first 1 shown"  # sources known at once
    pane.model.fetchMore()
    pane.model.fetchMore()
    assert pane.model.rowCount() == 3 and not pane.model.canFetchMore()
    assert pane.count.text() == "3 hits in 2 sources"


def test_code_all_results_is_one_undoable_step(pane, workspace, monkeypatch):
    monkeypatch.setattr(SearchResultsModel, "PAGE", 1)
    search_for(pane, "police")
    assert pane.model.rowCount() == 1  # the rest not fetched: all are coded all the same
    barriers = theme_id(workspace, "Barriers")
    asked = []
    monkeypatch.setattr(pane, "ask_theme", lambda: Choice(barriers, "Barriers", "Barriers"))
    monkeypatch.setattr(pane, "confirm_code_all", lambda *args: asked.append(args) or True)
    depth = workspace.undo_stack.count()
    assert pane.code_all_results()
    assert asked == [(3, 2, "Barriers")]
    ids = {name: source(workspace, name)[0] for name in ("partner-interview", "resident-group")}
    expected = sorted((ids[name], barriers, start, end)
                      for name, start, end in offsets(workspace, "partner-interview", "police", "police")
                      + offsets(workspace, "resident-group", "police"))

    def stored():
        with workspace.read() as session:
            return sorted((c.source_id, c.theme_id, c.start, c.end) for c in session.scalars(select(Coding)))

    assert stored() == expected
    assert workspace.undo_stack.count() == depth + 1
    assert workspace.undo_stack.undoText() == "Code 3 search hits to Barriers"
    workspace.undo_stack.undo()
    assert stored() == []
    workspace.undo_stack.redo()
    assert stored() == expected


def test_code_all_can_be_cancelled_at_either_question(pane, workspace, monkeypatch):
    search_for(pane, "police")
    monkeypatch.setattr(pane, "ask_theme", lambda: None)
    assert not pane.code_all_results()
    barriers = theme_id(workspace, "Barriers")
    monkeypatch.setattr(pane, "ask_theme", lambda: Choice(barriers, "Barriers", "Barriers"))
    monkeypatch.setattr(pane, "confirm_code_all", lambda *args: False)
    assert not pane.code_all_results()
    with workspace.read() as session:
        assert session.scalars(select(Coding)).all() == []
    assert workspace.undo_stack.count() == 0


def test_kwic_parts_find_the_marked_hit_among_other_guillemets():
    hit = SearchHit(1, "s", 1, 10, 15, None, None, None, "il a dit «non» puis «merci» à tous")
    assert kwic_parts(hit) == ("il a dit «non» puis ", "merci", " à tous")
    plain = SearchHit(1, "s", 1, 0, 6, None, None, None, "«police» and the council")
    assert kwic_parts(plain) == ("", "police", " and the council")
    squeezed = SearchHit(1, "s", 1, 0, 16, None, None, None, "the «tasking meeting» was")  # two spaces once
    assert kwic_parts(squeezed) == ("the ", "tasking meeting", " was")


def test_as_phrase_drops_inner_quotes():
    assert as_phrase(' tasking  "meeting" ') == '"tasking meeting"'
    assert as_phrase('""') == ""


def test_the_model_passes_the_model_tester(pane, qtmodeltester, monkeypatch):
    monkeypatch.setattr(search_model.SearchResultsModel, "PAGE", 2)
    search_for(pane, "police")
    qtmodeltester.check(pane.model)
