"""The transcript's keyboard actions, and leaving to the host window the keys it binds.

The transcript's actions are live while it has focus (``WidgetWithChildrenShortcut``).
A window that binds one of their keys as well (its own Ctrl+= for Zoom In, say) would
make the key ambiguous while the transcript has focus, and Qt runs neither action; so
each action's own keys are remembered, and those the window already binds are dropped
from it (``leave_to_host``, when the transcript is shown in its window).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


class OwnShortcuts:
    """Makes ``owner``'s keyboard actions and keeps the keys each was given; ``focus``
    is the widget whose focus makes them live."""

    def __init__(self, owner: QWidget, focus: QWidget) -> None:
        self.owner = owner
        self.focus = focus
        self._defaults: dict[QAction, list[QKeySequence]] = {}

    def action(self, name: str, text: str, slot: Callable, *shortcuts, tip: str = "") -> QAction:
        """An action of the owner, live while it (or a child) has focus."""
        act = QAction(text, self.owner)
        act.setObjectName(name)
        self._defaults[act] = [QKeySequence(s) for s in shortcuts]
        act.setShortcuts(self._defaults[act])
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        if tip:
            act.setToolTip(tip)
        act.triggered.connect(slot)
        self.owner.addAction(act)
        return act

    def leave_to_host(self) -> None:
        """Keys the host window already binds (its own Zoom In, say) are left to it: two
        actions on one key while the transcript has focus cancel each other (Qt finds
        the shortcut ambiguous and runs neither)."""
        window = self.owner.window()
        taken: set[str] = set()
        if window is not self.owner:
            for action in window.findChildren(QAction):
                if action not in self._defaults and self._overlaps(action):
                    taken.update(key.toString() for key in action.shortcuts())
        for action, keys in self._defaults.items():
            action.setShortcuts([key for key in keys if key.toString() not in taken])

    def _overlaps(self, action: QAction) -> bool:
        """Whether ``action``'s shortcut can be live while the focus widget has focus."""
        context = action.shortcutContext()
        if context in (Qt.ShortcutContext.WindowShortcut, Qt.ShortcutContext.ApplicationShortcut):
            return True
        return any(isinstance(owner, QWidget) and (owner is self.focus or owner.isAncestorOf(self.focus))
                   for owner in action.associatedObjects())
