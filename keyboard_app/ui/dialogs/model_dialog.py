"""The model manager dialog: installed models, import, open a file, download from the catalog.

Downloads and imports run in a `TaskRunner` thread; switching model hands the path to the engine
thread, so the editor stays responsive throughout.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from keyboard_app import paths
from keyboard_app.files import human_size
from keyboard_app.models import manager, store
from keyboard_app.models.errors import ModelManagerError
from keyboard_app.models.progress import Progress
from keyboard_app.ui.dialogs.messages import Button, ask, inform
from keyboard_app.ui.model_controls import GGUF_FILTER
from keyboard_app.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

BUILTIN = ""  # list item data of the built-in model


class ModelDialog(QDialog):
    """Lists models and runs model operations; the signals carry the GGUF path to load."""

    # An installed model's name was chosen ("" for the built-in one): the app loads it, and it
    # becomes the store's default once it has loaded.
    installed_chosen = Signal(str)
    # A GGUF file outside the store was chosen with "Open model file…".
    file_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.setAccessibleName("Model manager")
        self.runner = TaskRunner(self)
        layout = QVBoxLayout(self)
        layout.addWidget(self._installed_box())
        layout.addWidget(self._download_box())
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout.addWidget(close)
        self.runner.progress.connect(self._on_progress)
        self.runner.succeeded.connect(self._on_succeeded)
        self.runner.failed.connect(self._on_failed)
        self.runner.cancelled.connect(self.status.setText)
        self.runner.finished.connect(lambda: self._set_running(False))
        self.refresh()
        # As wide as its content wants, so that the combos show the download size and speed
        # whole (a fixed minimum width of 520 cut them: "548 MB downlc").
        self.resize(self.sizeHint().expandedTo(QSize(520, 0)))

    # --- layout ---

    def _installed_box(self) -> QGroupBox:
        box = QGroupBox("&Installed models", self)
        self.installed = QListWidget(box)
        self.installed.setAccessibleName("Installed models")
        self.installed.itemActivated.connect(lambda _item: self.use_selected())
        use = QPushButton("&Use", box)
        use.clicked.connect(self.use_selected)
        remove = QPushButton("&Remove…", box)
        remove.clicked.connect(self.remove_selected)
        import_button = QPushButton("Im&port GGUF file…", box)  # Alt+I: the list
        import_button.clicked.connect(self.choose_import)
        # No mnemonic takes O, C or A: GNOME's and KDE's themes give the standard buttons
        # "&OK", "&Cancel", "&Close" and "&Apply" (Close and this dialog's Cancel shared Alt+C).
        open_button = QPushButton("Open model &file…", box)
        open_button.setToolTip("Load a GGUF file without copying it into the model store")
        open_button.clicked.connect(self.choose_open)
        buttons = QHBoxLayout()
        for button in (use, remove, import_button, open_button):
            buttons.addWidget(button)
        self._task_buttons = [use, remove, import_button]
        layout = QVBoxLayout(box)
        layout.addWidget(self.installed)
        layout.addLayout(buttons)
        return box

    def _download_box(self) -> QGroupBox:
        box = QGroupBox("&Download GPT-2", self)
        self.catalog = QComboBox(box)
        self.catalog.setAccessibleName("Model to download")
        for entry in manager.catalog():
            size = human_size(entry.download_bytes)
            self.catalog.addItem(f"{entry.title}: {size} download", entry.name)
        self.quant = QComboBox(box)
        self.quant.setAccessibleName("Quantization")
        self.catalog.currentIndexChanged.connect(self._fill_quantizations)
        self._fill_quantizations()
        self.download_button = QPushButton("Down&load", box)
        self.download_button.clicked.connect(self.start_download)
        self.cancel_button = QPushButton("Ca&ncel", box)
        self.cancel_button.clicked.connect(self.runner.cancel)
        self.progress = QProgressBar(box)
        self.progress.setAccessibleName("Progress")
        self.progress.setTextVisible(False)  # "0%" with nothing under way read as a stalled task
        self.status = QLabel("", box)
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)  # messages and names as they are
        row = QHBoxLayout()
        row.addWidget(self.catalog, 2)
        row.addWidget(self.quant, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.download_button)
        actions.addWidget(self.progress, 1)
        actions.addWidget(self.cancel_button)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addLayout(actions)
        layout.addWidget(self.status)
        self._task_buttons.append(self.download_button)
        self._set_running(False)
        return box

    def _fill_quantizations(self) -> None:
        entry = next(e for e in manager.catalog() if e.name == self.catalog.currentData())
        self.quant.clear()
        for estimate in entry.estimates():
            label = (
                f"{estimate.kind.upper()} (about {human_size(estimate.size_bytes)}, "
                f"~{estimate.keystroke_ms:.0f} ms a keystroke)"
            )
            self.quant.addItem(label, estimate.kind)

    def refresh(self) -> None:
        """Rebuild the installed list: the built-in model, then the store's models; the model
        selected stays selected (Use then Remove… acts on it)."""
        current = self.installed.currentItem()
        selected = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.installed.clear()
        default = store.default_model_name()
        builtin_is_default = default is None and store.default_model_file() is None
        builtin = paths.builtin_model_path()
        if builtin.is_file():
            label = f"Built-in model · {human_size(builtin.stat().st_size)}"
            self._add_item(label + (" (default)" if builtin_is_default else ""), BUILTIN)
        for model in manager.installed_models():
            label = f"{model.name} · {human_size(model.size_bytes)} · {model.quantization.upper()}"
            self._add_item(label + (" (default)" if model.name == default else ""), model.name)
        for row in range(self.installed.count()):
            if self.installed.item(row).data(Qt.ItemDataRole.UserRole) == selected:
                self.installed.setCurrentRow(row)

    def _add_item(self, label: str, name: str) -> None:
        item = QListWidgetItem(label)
        item.setData(Qt.ItemDataRole.UserRole, name)
        self.installed.addItem(item)

    # --- operations ---

    def use_selected(self) -> None:
        item = self.installed.currentItem()
        if item is not None:
            self.installed_chosen.emit(item.data(Qt.ItemDataRole.UserRole))

    def remove_selected(self) -> None:
        """Delete the selected installed model's file, once the user says so (the app goes on
        with a model in use until it loads another; it starts on the built-in one next time)."""
        item = self.installed.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item is not None else BUILTIN
        if name == BUILTIN:
            self.status.setText("Select an installed model to remove (the built-in one stays).")
            return

        def answered(button: Button) -> None:
            if button == Button.Yes:
                self._remove(name)

        text = f"Remove {name} and delete its file?"
        ask(self, "Remove model", text, Button.Yes | Button.Cancel, answered, default=Button.Cancel)

    def _remove(self, name: str) -> None:
        try:
            store.remove_model(name)
        except ModelManagerError as error:
            self._on_failed(str(error))
        else:
            self.status.setText(f"Removed {name}.")
        self.refresh()

    def choose_open(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Open model file", "", GGUF_FILTER)
        if name:
            self.file_chosen.emit(name)

    def choose_import(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import GGUF file", "", GGUF_FILTER)
        if name:
            self.start_import(Path(name))

    def start_import(self, path: Path) -> None:
        self.status.setText(f"Checking and importing {path.name} …")

        def task(report: Report, cancel: threading.Event) -> object:
            return manager.import_model(path, progress=_reporter(report), cancel=cancel)

        self._run(task)

    def start_download(self) -> None:
        name, quant = self.catalog.currentData(), self.quant.currentData()
        self.status.setText(f"Downloading {name} …")

        def task(report: Report, cancel: threading.Event) -> object:
            progress = _reporter(report)
            return manager.download_model(name, quant, progress=progress, cancel=cancel)

        self._run(task)

    def _run(self, task: Callable[..., object]) -> None:
        self._set_running(True)
        self.runner.start(task)

    def _set_running(self, running: bool) -> None:
        for button in self._task_buttons:
            button.setEnabled(not running)
        self.cancel_button.setEnabled(running)
        self.progress.setTextVisible(running)
        if not running:
            self.progress.setRange(0, 100)
            self.progress.setValue(0)

    def _on_progress(self, text: str, done: float, total: float) -> None:
        if total > 0:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(1000 * done / total))
        else:
            self.progress.setRange(0, 0)
        self.status.setText(text)  # `Progress.describe()`: the file's name as it is

    def _on_succeeded(self, model: store.InstalledModel) -> None:
        self.status.setText(f"Installed {model.name}. Select it and press Use to switch.")
        self.refresh()

    def _on_failed(self, message: str) -> None:
        self.status.setText(message)
        inform(self, "Model manager", message)


Report = Callable[[str, float, float], None]  # a task's progress: words, done, total (-1: unknown)


def _reporter(report: Report) -> Callable[[Progress], None]:
    """A download's or an import's progress callback, reporting to the dialog in words."""

    def progress(p: Progress) -> None:
        report(p.describe(), float(p.done), float(p.total if p.total else -1))

    return progress
