"""Another copy's changes to the shared settings file, noticed as they are written.

Two copies of the app share one settings file; each keeps its own settings in memory and writes
only what it changed (`settings.merge`). Learning's switches are privacy controls, so they are
followed at once: pausing learning or turning it off in one copy stops it in every copy, and
resuming it resumes it in all (`MainWindow` takes them with `SettingsStore.follow`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

# Changes are told this long after the last one: a save replaces the file (and its lock file),
# which the folder reports as several changes.
SETTLE_MS = 100


class SettingsWatcher(QObject):
    """Tells when the settings file at `path` may have changed (it watches the folder: the file
    is replaced at each save, and a watch on the file itself would end with the first)."""

    changed = Signal()

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        if path.parent.is_dir():
            self._watcher.addPath(str(path.parent))
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.changed)
        self._watcher.directoryChanged.connect(self._on_folder_changed)

    @Slot(str)
    def _on_folder_changed(self, _folder: str) -> None:
        self._settle.start()
