"""The GUI reports what a user can cause or meet (a ``CharterError``: a refused
operation, a busy or read-only project) as one sentence and stores nothing; anything
else is a bug, and is not hidden behind a message box (issue #9: the workspace once
also swallowed ValueError, OSError and every SQLAlchemy error)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select, text

from app.commands.base import OperationCommand
from app.workspace import Change
from framework.errors import CharterError
from models import Theme


class AddThemeThen(OperationCommand):
    """Adds a theme, then fails the way ``failure`` says (or not at all)."""

    def __init__(self, workspace, failure: BaseException | None) -> None:
        super().__init__(workspace, "Add theme")
        self.failure = failure

    def apply(self, session) -> None:
        session.add(Theme(name="Half-done", colour="#000000"))
        session.flush()
        if self.failure is not None:
            raise self.failure

    def change(self) -> Change:
        return Change(frozenset({"themes"}))


def half_done_themes(workspace) -> int:
    with workspace.read() as session:
        return session.scalar(select(func.count(Theme.id)).where(Theme.name == "Half-done"))


def test_a_refused_operation_is_one_sentence_and_stores_nothing(workspace, qtbot):
    with qtbot.waitSignal(workspace.failed) as failed:
        assert not workspace.run(AddThemeThen(workspace, CharterError("That theme cannot be added.")))
    assert failed.args == ["Add theme", "That theme cannot be added."]
    assert half_done_themes(workspace) == 0 and workspace.undo_stack.count() == 0


@pytest.mark.parametrize("bug", [ValueError("bad index"), OSError("disk gone"), KeyError("theme")])
def test_a_bug_is_not_hidden_behind_a_message(workspace, bug):
    with pytest.raises(type(bug)):
        workspace.run(AddThemeThen(workspace, bug))
    assert half_done_themes(workspace) == 0 and workspace.undo_stack.count() == 0


def test_a_read_only_project_is_one_sentence_and_stores_nothing(workspace, qtbot):
    engine = workspace.project.engine
    engine.dispose()
    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only = ON"))
    with qtbot.waitSignal(workspace.failed) as failed:
        assert not workspace.run(AddThemeThen(workspace, None))
    assert "cannot be written" in failed.args[1] and "\n" not in failed.args[1]
    with workspace.read() as session:
        assert session.execute(text("SELECT count(*) FROM themes WHERE name = 'Half-done'")).scalar() == 0
