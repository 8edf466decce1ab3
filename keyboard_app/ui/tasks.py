"""Background tasks for the model manager (download, import): a worker QObject in its own QThread.

The engine thread is not used for these: a long download must not hold up suggestions.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)

# A task gets a progress callback (stage, done, total or -1) and the cancel event.
Task = Callable[[Callable[[str, float, float], None], threading.Event], Any]


class _TaskWorker(QObject):
    # Progress (stage, done, total; total is -1 when unknown). Floats: byte counts exceed int32.
    progress = Signal(str, float, float)
    # The task returned (its result).
    succeeded = Signal(object)
    # The task raised (message for the user).
    failed = Signal(str)
    # The task was cancelled by the user (message).
    cancelled = Signal(str)

    def __init__(self, task: Task, cancel: threading.Event) -> None:
        super().__init__()
        self._task = task
        self._cancel = cancel

    @Slot()
    def run(self) -> None:
        from keyboard_app.engine import ModelError
        from keyboard_app.models.errors import OperationCancelled

        try:
            result = self._task(self.progress.emit, self._cancel)
        except OperationCancelled as error:
            self.cancelled.emit(str(error))
        except ModelError as error:
            self.failed.emit(str(error))
        except Exception as error:
            log.exception("background task failed")
            self.failed.emit(f"Unexpected error: {error}")
        else:
            self.succeeded.emit(result)
        finally:
            QThread.currentThread().quit()


class TaskRunner(QObject):
    """Runs one task at a time off the GUI thread; `cancel()` asks it to stop."""

    progress = Signal(str, float, float)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal(str)
    # The task's thread finished (after succeeded or failed).
    finished = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._cancel = threading.Event()

    @property
    def running(self) -> bool:
        return self._thread is not None

    def start(self, task: Task) -> None:
        if self._thread is not None:
            raise RuntimeError("a task is already running")
        self._cancel = threading.Event()
        thread = QThread()
        thread.setObjectName("model-task")
        worker = _TaskWorker(task, self._cancel)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self.progress)
        worker.succeeded.connect(self.succeeded)
        worker.failed.connect(self.failed)
        worker.cancelled.connect(self.cancelled)
        thread.finished.connect(worker.deleteLater)
        thread.finished.connect(self._finished)
        self._thread, self._worker = thread, worker
        thread.start()

    def cancel(self) -> None:
        self._cancel.set()

    def shutdown(self) -> None:
        """Cancel and wait for the task's thread (on close)."""
        if self._thread is not None:
            self._cancel.set()
            self._thread.wait()
            self._finished()

    @Slot()
    def _finished(self) -> None:
        if self._thread is not None:
            # `finished` comes from the thread just before it ends: deleting the QThread while
            # it still runs crashes the process, so wait for its very end first (at once).
            self._thread.wait()
            self._thread.deleteLater()
            self._thread = None
            self.finished.emit()
