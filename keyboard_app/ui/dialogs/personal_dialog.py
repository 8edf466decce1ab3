"""What the keyboard has learned: the user's words and phrases, searchable, to forget, clear,
export and import. Everything stays on this machine.

The dialog's store is opened, used and closed in a thread of its own (`StoreWork`), so that the
window never waits on it: listing, searching (a moment after the last key typed), forgetting,
clearing, export and import. While a change runs, its buttons are disabled and the summary says
what is being done. (SQLite in WAL mode: the engine thread's connection goes on reading meanwhile;
its learning waits, and is tried again, while a change here is written.) Closing the dialog does
not wait either: a change under way is finished (an import is all or nothing) and the store closed
in that thread, which then says so (`store_closed`); only quitting the app waits for it
(`wait_for_store`).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFocusEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from keyboard_app.engine.errors import ModelError
from keyboard_app.personal import Entry, PersonalStore, Stats
from keyboard_app.ui.dialogs.messages import Button, ask, inform

log = logging.getLogger(__name__)

Action = Callable[[PersonalStore], Any]

SHOWN_ENTRIES = 2000  # the most used; a search reaches the others
SEARCH_DELAY_MS = 250  # a search runs this long after the last key typed in its field
JSON_FILTER = "JSON files (*.json);;All files (*)"
COLUMNS = ("Word or phrase", "Kind", "Times", "Last used")


def _row(entry: Entry) -> list[QTableWidgetItem]:
    when = datetime.fromtimestamp(entry.last_used).strftime("%Y-%m-%d %H:%M")
    count = QTableWidgetItem(str(entry.count))
    count.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return [
        QTableWidgetItem(entry.text),
        QTableWidgetItem(entry.kind),
        count,
        QTableWidgetItem(when),
    ]


def _clear(store: PersonalStore) -> bool:
    store.clear()
    return True


def _listing(search: str) -> Action:
    return lambda store: (store.entries(search, SHOWN_ENTRIES), store.stats())


class StoreWork(QObject):
    """The dialog's store in the dialog's own thread: each action runs there, in the order
    asked, and its result or error message goes back through `finished`."""

    # An action ended (its number, its result, the error message for the user or "").
    finished = Signal(int, object, str)

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._path = path
        self._store: PersonalStore | None = None

    @Slot(int, object)
    def run(self, number: int, action: Action) -> None:
        try:
            if self._store is None:  # a damaged file is the engine's to move aside, not ours
                self._store = PersonalStore.open(self._path, recover=False)
            result = action(self._store)
        except ModelError as error:  # a bad import file, a full disk, a busy store
            log.warning("personal store: %s", error)
            self.finished.emit(number, None, str(error))
            return
        self.finished.emit(number, result, "")

    @property
    def holds_store(self) -> bool:
        return self._store is not None

    @Slot()
    def close(self) -> None:
        """Close the store (in its thread, as the thread ends)."""
        if self._store is not None:
            self._store.close()
            self._store = None


class EntryTable(QTableWidget):
    """The list of entries. Tab leaves it (cell by cell, 2,000 rows were a keyboard trap), and
    the keyboard entering it selects the row it is on, the row a screen reader reads then, so
    that Delete forgets that row."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setTabKeyNavigation(False)
        self.setHorizontalHeaderLabels(list(COLUMNS))
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(COLUMNS)):  # as wide as their text, in any font size
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)  # a row to be on (the first one if none)
        current = self.currentIndex()
        by_mouse = event.reason() == Qt.FocusReason.MouseFocusReason  # the click selects
        if not by_mouse and current.isValid() and not self.selectionModel().hasSelection():
            self.selectRow(current.row())


class PersonalDialog(QDialog):
    """Lists the store at `path`; each button acts on it (clearing asks first), in the dialog's
    store thread."""

    # Hands an action to the store thread (its number, the action).
    _run = Signal(int, object)
    # No action is waiting or running any more (the table and summary show their results).
    settled = Signal()
    # A change was made to the store (forget, clear, import): what is suggested may differ.
    changed = Signal()
    # The dialog was closed and its store thread has ended, the store closed.
    store_closed = Signal()

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What the Keyboard Has Learned")
        self.setAccessibleName("What the keyboard has learned")
        self.resize(640, 480)
        self.path = path
        self.search = QLineEdit(self)
        self.search.setAccessibleName("Search the learned words")
        self.search.setClearButtonEnabled(True)
        self.search_label = QLabel("&Search:", self)  # Alt+S, or Ctrl+F, from anywhere in it
        self.search_label.setBuddy(self.search)
        self.table = EntryTable(self)
        self.table.setAccessibleName("Learned words and phrases")
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.forget_button = QPushButton("&Forget Selected", self)
        self.clear_button = QPushButton("C&lear Everything…", self)
        self.export_button = QPushButton("&Export…", self)
        self.import_button = QPushButton("&Import…", self)
        self.close_button = QPushButton("&Close", self)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._numbers = itertools.count(1)
        self._waiting: dict[int, Callable[[Any], None]] = {}  # what to do with each result
        self._latest_listing = 0
        self._listings: set[int] = set()  # the actions asked that list entries
        self._changing = False  # a change is under way: its buttons wait
        self._opened = False  # the store answered once
        self._thread = QThread()  # ends after the dialog closes; joined only when the app quits
        self._thread.setObjectName("learned words")
        self._work = StoreWork(path)
        self._work.moveToThread(self._thread)
        self._lay_out()
        self._connect()
        self._thread.start()
        self.refresh()

    @property
    def idle(self) -> bool:
        """Whether no action is waiting for the store or running on it."""
        return not self._waiting and not self._search_timer.isActive()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search_label)
        search_row.addWidget(self.search, 1)
        layout.addLayout(search_row)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        row = QHBoxLayout()
        for button in self._buttons():
            # No default button: Enter in the search field or the list must not forget anything
            button.setAutoDefault(False)
            if button is self.close_button:
                row.addStretch(1)
            row.addWidget(button)
        layout.addLayout(row)

    def _buttons(self) -> list[QPushButton]:
        return [
            self.forget_button,
            self.clear_button,
            self.export_button,
            self.import_button,
            self.close_button,
        ]

    def _connect(self) -> None:
        self._run.connect(self._work.run)
        self._work.finished.connect(self._finished)
        self._thread.finished.connect(self._work.close)  # in the store's thread, as it ends
        self._thread.finished.connect(self.store_closed)
        find_key = QShortcut(QKeySequence.StandardKey.Find, self)
        find_key.activated.connect(self._focus_search)
        self.search.textChanged.connect(self._search_timer.start)
        self._search_timer.timeout.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.forget_button.clicked.connect(self.forget_selected)
        forget_key = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        forget_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        forget_key.activated.connect(self.forget_selected)
        self.clear_button.clicked.connect(self.ask_clear)
        self.export_button.clicked.connect(self.choose_export)
        self.import_button.clicked.connect(self.choose_import)
        self.close_button.clicked.connect(self.close)

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def refresh(self) -> None:
        """List the entries matching the search, most used first, and the store's size (the
        answer to an older search that comes after a newer one is dropped)."""
        self._search_timer.stop()
        self._latest_listing = self._ask(_listing(self.search.text().strip()), self._show)
        self._listings.add(self._latest_listing)

    def _show(self, listed: tuple[list[Entry], Stats]) -> None:
        entries, stats = listed
        # Emptied first: a cell replaced in place has Qt measure its column again (the columns
        # are as wide as their contents), and refilling 2,000 rows took a minute; filling an
        # empty table takes a tenth of a second. The keyboard's row is kept (the next Down goes
        # on from it), with nothing selected: after a forget the selection would fall on the
        # entries that moved up, for the next Delete to forget.
        row = self.table.currentRow()
        self.table.setRowCount(0)
        self.table.setRowCount(len(entries))
        for index, entry in enumerate(entries):
            for column, item in enumerate(_row(entry)):
                self.table.setItem(index, column, item)
        if 0 <= row < len(entries):
            self.table.selectionModel().setCurrentIndex(
                self.table.model().index(row, 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
        self.summary.setText(
            f"{stats.words:,} words and {stats.phrases:,} phrases learned, kept only on this "
            f"computer in {self.path}."
        )
        self._update_buttons()

    def selected_texts(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        items = [self.table.item(row, 0) for row in rows]
        return [item.text() for item in items if item is not None]

    def forget_selected(self) -> None:
        texts = self.selected_texts()
        if texts and not self._changing:
            self._change("Forgetting…", lambda s: s.forget(texts), lambda _: self.refresh())

    def ask_clear(self) -> None:
        def answered(button: Button) -> None:
            if button == Button.Yes:
                self._change("Clearing…", _clear, lambda _: self.refresh())

        ask(
            self,
            "Clear everything learned?",
            "Forget every word and phrase the keyboard has learned? This cannot be undone.",
            Button.Yes | Button.Cancel,
            answered,
            default=Button.Cancel,
        )

    def choose_export(self) -> None:
        self._choose_file("Export learned words", QFileDialog.AcceptMode.AcceptSave, self.export_to)

    def choose_import(self) -> None:
        self._choose_file(
            "Import learned words", QFileDialog.AcceptMode.AcceptOpen, self.import_from
        )

    def export_to(self, name: str) -> None:
        def exported(count: int) -> None:
            self.summary.setText(f"{count:,} entries exported to {name}.")

        self._change("Exporting…", lambda s: s.export_json(name), exported)

    def import_from(self, name: str) -> None:
        def imported(said: str) -> None:
            self.refresh()
            self._after_listing(lambda: self.summary.setText(said))

        self._change(
            "Importing…",
            lambda store: store.import_json(name).summary(name, store.max_entries),
            imported,
        )

    def _after_listing(self, then: Callable[[], None]) -> None:
        """`then` once the listing asked last has been shown (it would overwrite the summary)."""
        shown = self._waiting.get(self._latest_listing)
        if shown is None:
            then()
            return

        def show_then(listed: Any) -> None:
            shown(listed)
            then()

        self._waiting[self._latest_listing] = show_then

    def _choose_file(
        self, title: str, mode: QFileDialog.AcceptMode, chosen: Callable[[str], None]
    ) -> None:
        dialog = QFileDialog(self, title, "", JSON_FILTER)
        dialog.setObjectName("personalFile")
        dialog.setAcceptMode(mode)
        dialog.setDefaultSuffix("json")
        if mode == QFileDialog.AcceptMode.AcceptOpen:
            dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(chosen)
        dialog.open()

    def _change(self, doing: str, action: Action, then: Callable[[Any], None]) -> None:
        """Run a change in the store thread; its buttons wait, and the summary says `doing`,
        until it is done."""
        self._changing = True
        self.summary.setText(doing)
        self._update_buttons()

        def done(result: Any) -> None:
            self._changing = False
            self._update_buttons()
            self.changed.emit()
            then(result)

        self._ask(action, done)

    def _ask(self, action: Action, then: Callable[[Any], None]) -> int:
        number = next(self._numbers)
        self._waiting[number] = then
        self._run.emit(number, action)
        return number

    @Slot(int, object, str)
    def _finished(self, number: int, result: object, error: str) -> None:
        """An action's result, handed on; a change's error (a bad import file, a full disk)
        shown in a message, a listing's (the store cannot be opened, or was damaged since) in
        the summary, with the list and its buttons off."""
        then = self._waiting.pop(number, None)
        listing = number in self._listings
        self._listings.discard(number)
        if then is None:
            return
        if not error:  # the store thread runs actions in order: the newest listing comes last
            self._opened = True
            then(result)
        elif listing:  # listing again after it would fail again: no message in a loop
            self._unusable(error)
        else:
            self._changing = False
            self._update_buttons()
            self.refresh()  # the summary said what was being done: it says what is there again
            inform(self, "Learned words", error)
        if self.idle:
            self.settled.emit()

    def _unusable(self, error: str) -> None:
        self.summary.setText(error)
        for widget in (self.search, self.table, *self._buttons()[:-1]):
            widget.setEnabled(False)

    def _update_buttons(self) -> None:
        free = not self._changing and self._opened
        self.forget_button.setEnabled(free and bool(self.table.selectionModel().selectedRows()))
        for button in (self.clear_button, self.export_button, self.import_button):
            button.setEnabled(free)

    def done(self, result: int) -> None:
        """Esc, Close or the window's close button: the store is closed (Esc never sends a
        close event)."""
        self._stop()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._stop()
        super().closeEvent(event)

    def _stop(self) -> None:
        """End the store's thread once the action under way is done (an import is not cut in
        half: it is all or nothing); the thread closes the store as it ends, and the window
        goes on meanwhile."""
        if not self._thread.isRunning():
            return
        self._search_timer.stop()
        self._waiting.clear()
        self._listings.clear()
        self._thread.quit()  # after the action under way; those queued behind it are dropped

    def wait_for_store(self) -> None:
        """Close the dialog and wait until its store is closed (the app is quitting)."""
        self.close()
        self._stop()  # closed already, or never shown
        self._thread.wait()

    @property
    def store_open(self) -> bool:
        """Whether the dialog still holds the store (or its thread still runs)."""
        return self._thread.isRunning() or self._work.holds_store
