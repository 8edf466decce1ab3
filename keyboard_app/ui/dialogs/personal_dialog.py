"""What the keyboard has learned: the user's words and phrases, searchable, to forget, clear,
export and import. Everything stays on this machine.

The dialog opens its own connection to the store (SQLite in WAL mode: the engine thread's
connection goes on reading and learning meanwhile).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
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
from keyboard_app.personal import Entry, PersonalStore
from keyboard_app.ui.dialogs.messages import Button, ask, inform

log = logging.getLogger(__name__)

T = TypeVar("T")

SHOWN_ENTRIES = 2000  # the most used; a search reaches the others
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


class PersonalDialog(QDialog):
    """Lists the store at `path`; each button acts on it at once (clearing asks first)."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("What the Keyboard Has Learned")
        self.setAccessibleName("What the keyboard has learned")
        self.resize(640, 480)
        self.path = path
        self.store: PersonalStore | None = None
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search")
        self.search.setAccessibleName("Search the learned words")
        self.search.setClearButtonEnabled(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setAccessibleName("Learned words and phrases")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.forget_button = QPushButton("&Forget Selected", self)
        self.clear_button = QPushButton("C&lear Everything…", self)
        self.export_button = QPushButton("&Export…", self)
        self.import_button = QPushButton("&Import…", self)
        self.close_button = QPushButton("Close", self)
        self._lay_out()
        self._connect()
        self._open()

    def _lay_out(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
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
        self.search.textChanged.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        self.forget_button.clicked.connect(self.forget_selected)
        forget_key = QShortcut(QKeySequence.StandardKey.Delete, self.table)
        forget_key.setContext(Qt.ShortcutContext.WidgetShortcut)
        forget_key.activated.connect(self.forget_selected)
        self.clear_button.clicked.connect(self.ask_clear)
        self.export_button.clicked.connect(self.choose_export)
        self.import_button.clicked.connect(self.choose_import)
        self.close_button.clicked.connect(self.close)

    def _open(self) -> None:
        try:
            self.store = PersonalStore.open(self.path)
        except ModelError as error:
            self.summary.setText(str(error))
            for widget in (self.search, self.table, *self._buttons()[:-1]):
                widget.setEnabled(False)
            return
        self.refresh()

    def refresh(self) -> None:
        """List the entries matching the search, most used first, and the store's size."""
        if self.store is None:
            return
        entries = self._attempt(lambda s: s.entries(self.search.text().strip(), SHOWN_ENTRIES))
        if entries is None:
            return
        self.table.setRowCount(len(entries))
        for index, entry in enumerate(entries):
            for column, item in enumerate(_row(entry)):
                self.table.setItem(index, column, item)
        stats = self._attempt(lambda s: s.stats())
        if stats is not None:
            self.summary.setText(
                f"{stats.words:,} words and {stats.phrases:,} phrases learned, kept only on this "
                f"computer in {self.path}."
            )
        self._selection_changed()

    def selected_texts(self) -> list[str]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        items = [self.table.item(row, 0) for row in rows]
        return [item.text() for item in items if item is not None]

    def forget_selected(self) -> None:
        texts = self.selected_texts()
        if texts and self._attempt(lambda s: s.forget(texts)) is not None:
            self.refresh()

    def ask_clear(self) -> None:
        def answered(button: Button) -> None:
            if button == Button.Yes and self._attempt(_clear) is not None:
                self.refresh()

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
        count = self._attempt(lambda s: s.export_json(name))
        if count is not None:
            self.summary.setText(f"{count:,} entries exported to {name}.")

    def import_from(self, name: str) -> None:
        said = self._attempt(lambda store: store.import_json(name).summary(name, store.max_entries))
        if said is not None:
            self.refresh()
            self.summary.setText(said)

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

    def _attempt(self, action: Callable[[PersonalStore], T]) -> T | None:
        """Run `action` on the store; a PersonalStoreError (a bad import file, a full disk) is
        shown in a message, and None returned."""
        if self.store is None:
            return None
        try:
            return action(self.store)
        except ModelError as error:
            log.warning("personal store: %s", error)
            inform(self, "Learned words", str(error))
            return None

    def _selection_changed(self) -> None:
        self.forget_button.setEnabled(bool(self.table.selectionModel().selectedRows()))

    def done(self, result: int) -> None:
        """Esc, Close or the window's close button: the store is closed (Esc never sends a
        close event)."""
        self._close_store()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._close_store()
        super().closeEvent(event)

    def _close_store(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None
