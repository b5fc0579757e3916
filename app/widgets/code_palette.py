"""The "Code to…" palette: find a theme by typing a few letters, or create it on the spot.

Coding is the most repeated act in Charter, so choosing a theme must take a glance and
three keystrokes, as opening a file does in VS Code: a frameless box with a filter line
over a list of themes, best fuzzy matches first (``framework.fuzzy``), matched letters
bold, each theme's parent path dimmed beside it and its quick-code key shown when it is
pinned. With nothing typed, recently chosen themes come first.

Nothing is highlighted until the user types (the best match is then highlighted) or
moves with the arrow, page or Tab keys, so Enter on a palette just opened codes nothing:
a passage is only ever coded to a theme the user saw highlighted or clicked.

When what was typed names no theme, a last row offers to create it: under the
highlighted theme's parent, under a parent typed before a slash ("Barriers/Parking"),
or at the top level ("/Parking"). Tab fills the filter with the highlighted theme's
path and a slash, to type a new sub-theme under it. Creating is an undoable
``AddThemeCommand``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication, QIcon, QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from app.settings import Settings
from app.workspace import Workspace
from framework.codebook import split_path, theme_paths
from framework.fuzzy import FuzzyIndex, ThemeCandidate, fold, theme_candidates

RECENT_LIMIT = 8
VISIBLE_ROWS = 12
HINT = "↑↓ move · Enter choose · Tab fill in the path · Esc cancel"
NOTHING_CHOSEN = "Type part of a theme's name, or use ↓ to choose"

@dataclass(frozen=True)
class ThemeChoice:
    """The theme the user chose: its id, its path (escaped, as the command line writes
    it) and its own name."""

    id: int
    path: str
    name: str


def remember_theme(workspace: Workspace, theme_id: int) -> None:
    """Put a theme at the top of the palette's recently used list (also for codings made
    by other means, such as the quick-code keys)."""
    recent = [theme_id] + [i for i in recent_themes(workspace) if i != theme_id]
    Settings().set_recent_themes(workspace.project_guid, recent[:RECENT_LIMIT])


def recent_themes(workspace: Workspace) -> list[int]:
    """Newest first; kept in the settings per project, so they outlive the session."""
    return Settings().recent_themes(workspace.project_guid)


# --- the list ------------------------------------------------------------------------

THEME, CREATE, BLOCKED = "theme", "create", "blocked"


@dataclass
class PaletteRow:
    """One row: a theme (with the matched positions in its "/"-joined path), the offer
    to create one, or a create offer that cannot be taken (its parent does not exist)."""

    kind: str
    text: str  # a theme's path segments joined with "/", or a create row's label
    name_start: int = 0
    positions: tuple[int, ...] = ()
    candidate: ThemeCandidate | None = None
    pinned_key: int | None = None
    new_name: str = ""
    new_parent: ThemeCandidate | None = None
    note: str = ""  # a dim remark at the right, such as "recently used"


class PaletteModel(QAbstractListModel):
    """The palette's rows; the delegate draws them from the roles below."""

    KindRole = Qt.ItemDataRole.UserRole + 1
    ThemeIdRole = Qt.ItemDataRole.UserRole + 2
    PathRole = Qt.ItemDataRole.UserRole + 3
    NameStartRole = Qt.ItemDataRole.UserRole + 4
    PositionsRole = Qt.ItemDataRole.UserRole + 5
    PinnedKeyRole = Qt.ItemDataRole.UserRole + 6
    TextRole = Qt.ItemDataRole.UserRole + 7
    NoteRole = Qt.ItemDataRole.UserRole + 8

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[PaletteRow] = []

    def set_rows(self, rows: list[PaletteRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def replace_row(self, row: int, value: PaletteRow) -> None:
        self.rows[row] = value
        self.dataChanged.emit(self.index(row), self.index(row))

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid() or self.rows[index.row()].kind == BLOCKED:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        theme = row.candidate
        if role == Qt.ItemDataRole.DisplayRole:
            return row.text[row.name_start:] if theme else row.text
        if role == Qt.ItemDataRole.ToolTipRole:
            if theme is None:
                return row.text
            key = f" (quick-code key {row.pinned_key})" if row.pinned_key else ""
            return f"{row.text}{key}"
        if role == Qt.ItemDataRole.DecorationRole:
            return QColor(theme.colour) if theme else None
        if role == self.KindRole:
            return row.kind
        if role == self.ThemeIdRole:
            return theme.id if theme else None
        if role == self.PathRole:
            return theme.path if theme else None
        if role == self.NameStartRole:
            return row.name_start
        if role == self.PositionsRole:
            return list(row.positions)
        if role == self.PinnedKeyRole:
            return row.pinned_key
        if role == self.TextRole:
            return row.text
        if role == self.NoteRole:
            return row.note
        return None


class PaletteDelegate(QStyledItemDelegate):
    """Swatch, name with matched letters bold, parent path dimmed, pinned key on the right."""

    PADDING = 8
    SWATCH = 10

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(200, QFontMetrics(option.font).height() + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        option.icon = QIcon()
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        group = QPalette.ColorGroup.Normal if option.state & QStyle.StateFlag.State_Enabled \
            else QPalette.ColorGroup.Disabled
        text_colour = option.palette.color(
            group, QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        dim = QColor(text_colour)
        dim.setAlphaF(0.6)
        kind = index.data(PaletteModel.KindRole)
        text = index.data(PaletteModel.TextRole) or ""
        name_start = index.data(PaletteModel.NameStartRole) or 0
        bold_at = set(index.data(PaletteModel.PositionsRole) or ())
        key = index.data(PaletteModel.PinnedKeyRole)
        rect = option.rect.adjusted(self.PADDING, 0, -self.PADDING, 0)
        painter.save()
        painter.setClipRect(option.rect)
        if kind == THEME:
            swatch = QRect(0, 0, self.SWATCH, self.SWATCH)
            swatch.moveCenter(rect.center())
            swatch.moveLeft(rect.left())
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            colour = index.data(Qt.ItemDataRole.DecorationRole)
            painter.setBrush(colour)
            painter.setPen(colour.darker(140))
            painter.drawRoundedRect(swatch, 2, 2)
        else:
            painter.setPen(text_colour if kind == CREATE else dim)
            painter.drawText(QRect(rect.left(), rect.top(), self.SWATCH + 2, rect.height()),
                             Qt.AlignmentFlag.AlignCenter, "+" if kind == CREATE else "–")
        left = rect.left() + self.SWATCH + self.PADDING
        right = rect.right()
        if key:
            right = self._draw_key(painter, option, rect, str(key), dim)
        note = index.data(PaletteModel.NoteRole)
        if note:
            width = QFontMetrics(option.font).horizontalAdvance(note)
            painter.setPen(dim)
            painter.setFont(option.font)
            painter.drawText(QRect(right - width, rect.top(), width, rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, note)
            right -= width + self.PADDING
        text_rect = QRect(left, rect.top(), max(0, right - left), rect.height())
        painter.setClipRect(text_rect)
        if kind == THEME:
            x = self._draw_runs(painter, option.font, text_rect, left, text[name_start:], name_start,
                                bold_at, text_colour)
            if name_start:
                self._draw_runs(painter, option.font, text_rect, x + 2 * self.PADDING,
                                text[:name_start - 1], 0, bold_at, dim)
        else:
            painter.setPen(text_colour if kind == CREATE else dim)
            painter.setFont(option.font)
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                             QFontMetrics(option.font).elidedText(text, Qt.TextElideMode.ElideRight,
                                                                  text_rect.width()))
        painter.restore()

    @staticmethod
    def _draw_runs(painter: QPainter, font: QFont, rect: QRect, x: int, text: str, offset: int,
                   bold_at: set[int], colour: QColor) -> int:
        """Draw ``text`` from ``x``, the letters at ``bold_at`` (minus ``offset``) in bold;
        return where the text ends."""
        bold = QFont(font)
        bold.setBold(True)
        painter.setPen(colour)
        start = 0
        while start < len(text):
            is_bold = offset + start in bold_at
            end = start + 1
            while end < len(text) and (offset + end in bold_at) == is_bold:
                end += 1
            run_font = bold if is_bold else font
            painter.setFont(run_font)
            width = QFontMetrics(run_font).horizontalAdvance(text[start:end])
            painter.drawText(QRect(x, rect.top(), width + 1, rect.height()),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, text[start:end])
            x += width
            start = end
            if x > rect.right():
                break
        return x

    def _draw_key(self, painter: QPainter, option: QStyleOptionViewItem, rect: QRect, key: str,
                  colour: QColor) -> int:
        """A small key cap with the pinned key's digit; returns the space left of it."""
        metrics = QFontMetrics(option.font)
        size = metrics.height()
        cap = QRect(rect.right() - size, rect.top() + (rect.height() - size) // 2, size, size)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(colour)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(cap.adjusted(0, 0, -1, -1), 3, 3)
        painter.setFont(option.font)
        painter.drawText(cap, Qt.AlignmentFlag.AlignCenter, key)
        return cap.left() - self.PADDING


# --- the palette -------------------------------------------------------------------


class CodePalette(QDialog):
    """The palette itself; ``choose_theme`` shows it modally. Tests drive it through
    ``set_filter``, ``move_highlight``, ``current_choice`` and ``accept_current``."""

    chosen = Signal(object)  # the ThemeChoice, just before the dialog closes

    def __init__(self, workspace: Workspace, parent: QWidget | None = None, title: str = "Code to…",
                 allow_create: bool = True) -> None:
        super().__init__(parent, Qt.WindowType.Dialog | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("codePalette")
        self.setWindowTitle(title)
        self.workspace = workspace
        self.allow_create = allow_create
        self.choice: ThemeChoice | None = None
        self._busy = False
        self._closing = False
        with workspace.read() as session:
            self.candidates = theme_candidates(session)
        self.by_id = {candidate.id: candidate for candidate in self.candidates}
        self.index = FuzzyIndex([candidate.segments for candidate in self.candidates])
        self.names = {fold(candidate.name) for candidate in self.candidates}
        pinned = Settings().pinned_themes(workspace.project_guid)
        self.pinned = {guid: key for key, guid in enumerate(pinned, start=1) if guid}
        self.anchor: ThemeCandidate | None = None

        frame = QFrame(self)
        frame.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(frame)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        self.filter_edit = QLineEdit()
        self.filter_edit.setObjectName("paletteFilter")
        self.filter_edit.setPlaceholderText(f"{title} type part of a theme's name"
                                            + (", or a new one" if allow_create else ""))
        self.filter_edit.setToolTip("Letters in order, anywhere in the theme's path. "
                                    + ("Type Parent/New name to create a sub-theme, or /New name "
                                       "for a top-level theme." if allow_create else ""))
        self.filter_edit.setAccessibleName(title)
        self.filter_edit.setClearButtonEnabled(True)
        self.model = PaletteModel(self)
        self.list_view = QListView()
        self.list_view.setObjectName("paletteList")
        self.list_view.setModel(self.model)
        self.list_view.setItemDelegate(PaletteDelegate(self.list_view))
        self.list_view.setUniformItemSizes(True)
        self.list_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list_view.setAccessibleName("Themes")
        self.message = QLabel(HINT)
        self.message.setObjectName("paletteMessage")
        self.message.setWordWrap(True)
        self.message.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.filter_edit)
        layout.addWidget(self.list_view)
        layout.addWidget(self.message)
        self.set_visible_rows(VISIBLE_ROWS)
        self.resize(620, self.sizeHint().height())

        self.filter_edit.textChanged.connect(self._refilter)
        self.filter_edit.installEventFilter(self)
        self.list_view.selectionModel().currentChanged.connect(self._current_changed)
        self.list_view.clicked.connect(self._clicked)
        self._refilter("")

    def row_height(self) -> int:
        return QFontMetrics(self.list_view.font()).height() + 10

    def set_visible_rows(self, rows: int) -> None:
        """Make the list exactly ``rows`` rows tall (a short screen gets fewer)."""
        self.visible_rows = max(1, rows)
        self.list_view.setFixedHeight(self.row_height() * self.visible_rows + 2 * self.list_view.frameWidth())
        self.resize(self.width(), self.sizeHint().height())

    # --- filtering ---------------------------------------------------------------

    def set_filter(self, text: str) -> None:
        self.filter_edit.setText(text)

    def _refilter(self, text: str) -> None:
        self.message.setText(HINT)
        self.anchor = None
        if text.strip():
            rows = [self._theme_row(self.candidates[m.index], m.positions) for m in self.index.search(text)]
        else:
            recent = [self.by_id[i] for i in recent_themes(self.workspace) if i in self.by_id]
            seen = {c.id for c in recent}
            rows = [self._theme_row(c) for c in recent + [c for c in self.candidates if c.id not in seen]]
            if recent:
                rows[0].note = "recently used"
        if rows:
            self.anchor = rows[0].candidate
        creation = self._creation_row(text)
        if creation:
            rows.append(creation)
        self.model.set_rows(rows)
        self.list_view.scrollToTop()
        # Typing highlights the best match; with nothing typed nothing is highlighted,
        # so Enter cannot code to a theme the user never looked at.
        first = next((r for r, row in enumerate(rows) if row.kind != BLOCKED), None)
        if text.strip() and first is not None:
            self.list_view.setCurrentIndex(self.model.index(first))

    def _theme_row(self, candidate: ThemeCandidate, positions: tuple[int, ...] = ()) -> PaletteRow:
        text = "/".join(candidate.segments)
        return PaletteRow(THEME, text, len(text) - len(candidate.name), positions, candidate,
                          self.pinned.get(candidate.guid))

    def _creation_row(self, typed: str) -> PaletteRow | None:
        """The offer to create what was typed, if it names no theme."""
        text = " ".join(typed.split())
        if not self.allow_create or not text.strip("/ ") or text.endswith("/"):
            return None
        parts = split_path(text)
        name = parts[-1]
        if len(parts) == 1 and not text.startswith("/") and fold(name) in self.names:
            return None  # a theme's exact name, whatever its parent
        if len(parts) > 1:
            parent = self._parent_named(parts[:-1])
            if parent is None:
                return PaletteRow(BLOCKED, f"No theme “{'/'.join(parts[:-1])}” to create “{name}” under")
        elif text.startswith("/") or self.anchor is None or self.anchor.parent_id is None:
            parent = None
        else:
            parent = self.by_id[self.anchor.parent_id]
        parent_id = parent.id if parent else None
        if any(c.parent_id == parent_id and fold(c.name) == fold(name) for c in self.candidates):
            return None  # a theme's exact path
        where = f"under {'/'.join(parent.segments)}" if parent else "at the top level"
        return PaletteRow(CREATE, f"Create theme “{name}” {where}", new_name=name, new_parent=parent)

    def _parent_named(self, parts: list[str]) -> ThemeCandidate | None:
        """The theme at a typed path, or with a typed name that only one theme has."""
        wanted = fold("/".join(part.replace("/", "\\/") for part in parts))
        parent = next((c for c in self.candidates if fold(c.path) == wanted), None)
        if parent is None and len(parts) == 1:
            named = [c for c in self.candidates if fold(c.name) == fold(parts[0])]
            parent = named[0] if len(named) == 1 else None
        return parent

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        row = self.model.rows[current.row()]
        if row.kind != THEME or row.candidate is self.anchor:
            return
        self.anchor = row.candidate
        last = len(self.model.rows) - 1
        if self.model.rows[last].kind == CREATE:
            # Only a bare name's parent follows the highlight, and a bare name that could
            # clash with a sibling names a theme exactly, so an offer stays an offer.
            self.model.replace_row(last, self._creation_row(self.filter_edit.text()))

    # --- keyboard ------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.filter_edit and event.type() == QEvent.Type.KeyPress:
            return self._key(event)
        return super().eventFilter(watched, event)

    def _key(self, event: QKeyEvent) -> bool:
        key = event.key()
        page = max(1, self.visible_rows - 1)
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.move_highlight(1 if key == Qt.Key.Key_Down else -1, wrap=True)
        elif key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self.move_highlight(page if key == Qt.Key.Key_PageDown else -page)
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if not self.accept_current() and self.current_row() is None:
                self.message.setText(NOTHING_CHOSEN)
        elif key == Qt.Key.Key_Tab and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if self.current_row() is None:
                self.move_highlight(1)  # nothing to fill in yet: Tab starts at the top, as Down does
            else:
                choice = self.current_choice()
                if choice is not None:
                    self.set_filter(choice.path + "/")
        elif key == Qt.Key.Key_Backtab:
            pass  # focus stays in the filter: the list is driven from here
        else:
            return False
        return True

    def move_highlight(self, steps: int, wrap: bool = False) -> None:
        """Move the highlight by ``steps`` rows (negative is up), over rows that cannot be
        chosen; Up and Down wrap around the ends, Page Up and Page Down stop there. With
        nothing highlighted, moving down starts at the first row and moving up at the
        last, as in VS Code's quick open."""
        rows = [r for r, row in enumerate(self.model.rows) if row.kind != BLOCKED]
        if not rows or steps == 0:
            return
        current = self.list_view.currentIndex().row()
        if current in rows:
            target = rows.index(current) + steps
            target = target % len(rows) if wrap else max(0, min(target, len(rows) - 1))
        else:
            target = 0 if steps > 0 else len(rows) - 1
        index = self.model.index(rows[target])
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)
        if self.message.text() == NOTHING_CHOSEN:
            self.message.setText(HINT)

    # --- choosing --------------------------------------------------------------------

    def current_row(self) -> PaletteRow | None:
        index = self.list_view.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def current_choice(self) -> ThemeChoice | None:
        """The highlighted theme (None on the create row or an empty list)."""
        row = self.current_row()
        if row is None or row.kind != THEME:
            return None
        return ThemeChoice(row.candidate.id, row.candidate.path, row.candidate.name)

    def accept_current(self) -> bool:
        """Choose the highlighted row (creating the theme if it is the create row);
        False if nothing is highlighted or it could not be chosen, and the palette
        stays open."""
        row = self.current_row()
        if row is None or row.kind == BLOCKED:
            return False
        choice = self.current_choice() if row.kind == THEME else self._create(row)
        if choice is None:
            return False
        self.choice = choice
        remember_theme(self.workspace, choice.id)
        self.chosen.emit(choice)
        self.accept()
        return True

    def _clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.list_view.setCurrentIndex(index)
            self.accept_current()

    def _create(self, row: PaletteRow) -> ThemeChoice | None:
        from app.commands.themes import AddThemeCommand

        parent_id = row.new_parent.id if row.new_parent else None
        command = AddThemeCommand(self.workspace, row.new_name, parent_id=parent_id)
        self._busy = True
        try:
            created = self.workspace.run(command)
        finally:
            self._busy = False
        if not created:
            self.message.setText(self.workspace.last_error or "The theme could not be created.")
            return None
        with self.workspace.read() as session:
            path = theme_paths(session)[command.theme_id]
        return ThemeChoice(command.theme_id, path, split_path(path)[-1])

    def changeEvent(self, event: QEvent) -> None:
        """Clicking elsewhere closes the palette, as a popup would (but not while a
        theme is being created, when an error message may take the focus, nor while
        the palette is already closing, which also deactivates it)."""
        super().changeEvent(event)
        if (event.type() == QEvent.Type.ActivationChange and self.isVisible()
                and not self.isActiveWindow() and not self._busy and not self._closing):
            self.reject()

    def showEvent(self, event) -> None:
        self._closing = False
        super().showEvent(event)

    def done(self, result: int) -> None:
        self._closing = True
        super().done(result)


def palette_geometry(window: QRect, available: QRect, height: int) -> QRect:
    """Where the palette goes: across the middle of the top of ``window`` (an eighth of
    the way down, 60 % of its width within 480-760 px), inside the window as far as its
    size allows, and always wholly inside ``available`` (its screen's free area)."""
    width = min(max(480, window.width() * 6 // 10), 760, available.width())
    height = min(height, available.height())
    x = window.left() + (window.width() - width) // 2
    y = max(window.top(), min(window.top() + window.height() // 8, window.bottom() + 1 - height))
    x = max(available.left(), min(x, available.right() + 1 - width))
    y = max(available.top(), min(y, available.bottom() + 1 - height))
    return QRect(x, y, width, height)


def choose_theme(parent: QWidget | None, workspace: Workspace, title: str = "Code to…",
                 allow_create: bool = True) -> ThemeChoice | None:
    """Show the palette near the top of ``parent``'s window (of the screen, without a
    parent); the chosen (or newly created) theme, or None if the user cancelled."""
    palette = CodePalette(workspace, parent, title, allow_create)
    window = parent.window() if parent is not None else None
    screen = (window.screen() if window is not None else None) or QGuiApplication.primaryScreen()
    available = screen.availableGeometry()
    too_tall = palette.sizeHint().height() - available.height()
    if too_tall > 0:
        palette.set_visible_rows(palette.visible_rows - math.ceil(too_tall / palette.row_height()))
    palette.setGeometry(palette_geometry(window.geometry() if window is not None else available,
                                         available, palette.sizeHint().height()))
    palette.filter_edit.setFocus()
    try:
        return palette.choice if palette.exec() == QDialog.DialogCode.Accepted else None
    finally:
        palette.deleteLater()
