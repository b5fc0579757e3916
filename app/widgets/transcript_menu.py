"""The transcript's context menu: code, uncode and act on the codings at a place.

It is built afresh for each place it opens at (a point in the text or one coding's
stripe) from what is there: the selection, the codings covering the place (the
selected one first), and the reader's own codings under the selection, which alone it
offers to uncode. An entry that acts on a coding names its theme; with several codings
here it becomes a submenu of them. Every entry calls the view's public API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu

from framework.transcript import CodingMark

if TYPE_CHECKING:
    from app.widgets.transcript_view import TranscriptView

UNITS = ("sentence", "paragraph", "turn")   # what "Code … at cursor" codes


def build_context_menu(view: TranscriptView, offset: int | None = None, coding_id: int | None = None) -> QMenu:
    """The menu for a place in the text (``offset``) or for one coding's stripe."""
    menu = QMenu(view)
    menu.setObjectName("transcript_menu")
    if offset is None:
        mark = view.coding_mark(coding_id)
        offset = mark.start if mark else view.cursor_offset()
    selection = view.selected_span()
    if selection is not None:
        _adder(menu)("code_selection", "&Code selection…", lambda: view.code_requested.emit(*selection))
    for unit in UNITS:
        _adder(menu)(f"code_{unit}", f"Code {unit} at cursor".replace(unit, f"&{unit}", 1),
                     lambda _=False, u=unit: view.request_unit(u, offset))
    menu.addSeparator()
    _add_uncode(view, menu, selection)
    targets = [view.coding_mark(coding_id)] if coding_id is not None else _codings_here(view, offset)
    targets = [m for m in targets if m is not None]
    _add_per_coding(view, menu, "remove_coding", "&Remove coding", targets, view.remove_coding)
    _add_per_coding(view, menu, "recode", "Re&code…", targets, view.recode_requested.emit)
    _add_per_coding(view, menu, "edit_memo", "Edit &memo…", targets, view.edit_memo)
    menu.addSeparator()
    if selection is not None:
        _adder(menu)("copy", "Cop&y", view.text.copy, QKeySequence.StandardKey.Copy)
    menu.addAction(view.toggle_stripes_action)
    return menu


def _add_uncode(view: TranscriptView, menu: QMenu, selection: tuple[int, int] | None) -> None:
    """Uncode the selection from a theme of this coder that covers part of it."""
    themes: dict[int, CodingMark] = {}
    if selection is not None and view.workspace is not None:
        for mark in view.transcript.codings:
            if (mark.coder_id == view.workspace.coder_id and mark.start < selection[1]
                    and selection[0] < mark.end):
                themes.setdefault(mark.theme_id, mark)
    if len(themes) == 1:
        mark = next(iter(themes.values()))
        _adder(menu)("uncode", f"&Uncode selection from {mark.theme_name}",
                     lambda: view.uncode_selection(mark.theme_id))
    elif themes:
        sub = menu.addMenu("&Uncode selection from")
        sub.setObjectName("uncode_menu")
        sub.menuAction().setObjectName("uncode_menu")
        for theme_id, mark in sorted(themes.items(), key=lambda item: item[1].theme_path.casefold()):
            _adder(sub)(f"uncode_{theme_id}", menu_text(mark.theme_path),
                        lambda _=False, t=theme_id: view.uncode_selection(t))
    else:
        action = _adder(menu)("uncode", "&Uncode selection", lambda: None)
        action.setEnabled(False)
        action.setToolTip("Select coded text first.")


def _add_per_coding(view: TranscriptView, menu: QMenu, name: str, label: str, targets: list[CodingMark],
                    act: Callable[[int], object]) -> None:
    """One action for the one coding here (naming its theme), a submenu for several."""
    if len(targets) <= 1:
        mark = targets[0] if targets else None
        text = label
        if mark is not None:
            text = f"{label.rstrip('…')} ({mark.theme_name})" + ("…" if label.endswith("…") else "")
        action = _adder(menu)(name, menu_text(text, keep_mnemonic=True),
                              lambda: act(mark.id) if mark else None)
        action.setEnabled(mark is not None)
        return
    sub = menu.addMenu(label.rstrip("…"))  # the chosen item, not the submenu, opens a dialog
    sub.setObjectName(f"{name}_menu")
    sub.menuAction().setObjectName(f"{name}_menu")
    for mark in targets:
        who = "" if view.workspace and mark.coder_id == view.workspace.coder_id else f" · {mark.coder_name}"
        _adder(sub)(f"{name}_{mark.id}", menu_text(mark.theme_path + who),
                    lambda _=False, i=mark.id: act(i))


def _codings_here(view: TranscriptView, offset: int) -> list[CodingMark]:
    """The codings at ``offset``, the selected one first: the one the reader means."""
    here = view.codings_at(offset)
    if view.selected_coding is not None:
        here.sort(key=lambda m: m.id != view.selected_coding)
    return here


def _adder(menu: QMenu) -> Callable[..., QAction]:
    def add(name: str, text: str, slot, shortcut=None) -> QAction:
        action = menu.addAction(text)
        action.setObjectName(name)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        return action
    return add


def menu_text(text: str, keep_mnemonic: bool = False) -> str:
    """Theme names may contain "&", which a menu would take for a mnemonic."""
    if keep_mnemonic:
        head, amp, rest = text.partition("&")
        return head + amp + rest[:1] + rest[1:].replace("&", "&&") if amp else text
    return text.replace("&", "&&")
