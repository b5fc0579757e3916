"""Auto-coding by participant, type and site, previewed first and undone as one unit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from framework.autocode import Selection, apply_autocode, autocode_passages
from framework.coding import undo_edit
from framework.errors import CharterError
from models import Coding


def coded_text(session, study, theme):
    rows = session.execute(select(Coding.source_id, Coding.start, Coding.end).where(Coding.theme_id == theme)
                           .order_by(Coding.source_id, Coding.start)).all()
    texts = {sid: study.text(session, name) for name, sid in study.sources.items()}
    return [texts[s][a:b] for s, a, b in rows]


def test_every_turn_of_a_participant_type_then_undo(project, study):
    theme = study.themes["Benefits"]
    with project.transaction("autocode") as session:
        preview = autocode_passages(session, Selection(participant_type="resident"))
        assert (len(preview.passages), preview.sources) == (3, 1)
        edit = apply_autocode(session, theme, study.coder, Selection(participant_type="resident"))
        assert coded_text(session, study, theme) == [
            "Safer than before. The patrols are visible.", "I feel safer too.", "Funding cuts closed the youth club.",
        ]
        undo_edit(session, edit)
        assert session.scalar(select(func.count()).select_from(Coding)) == 0


def test_sentences_of_a_participant_and_turns_of_a_site(project, study):
    with project.transaction("autocode") as session:
        apply_autocode(session, study.themes["Facilitators"], study.coder,
                       Selection(participant_id=study.people["Sam"], unit="sentence"))
        assert coded_text(session, study, study.themes["Facilitators"]) == [
            "We meet every month at the tasking meeting.", "Leadership from the manager helps.",
            "Funding cuts hurt us badly.",
        ]
        preview = autocode_passages(session, Selection(site="Site B"))
        assert [study.text(session, "partner-b")[a:b] for _, a, b in preview.passages] == [
            "We share data weekly with the council."]


def test_a_selection_names_exactly_one_target(project, study):
    with project.session() as session, pytest.raises(CharterError, match="exactly one"):
        autocode_passages(session, Selection(site="Site A", participant_type="resident"))


def test_every_sentence_with_a_search_match(project, study):
    with project.transaction("autocode") as session:
        selection = Selection(query="funding OR patrols", unit="sentence")
        assert len(autocode_passages(session, selection).passages) == 3
        apply_autocode(session, study.themes["Barriers"], study.coder, selection)
        assert coded_text(session, study, study.themes["Barriers"]) == [
            "Funding cuts hurt us badly.", "The patrols are visible.", "Funding cuts closed the youth club.",
        ]
