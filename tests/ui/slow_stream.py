"""A continuation delivered slowly, as a large model on a CPU streams it (one piece every 100 ms
or so): the engine thread runs as usual, its pieces and its end reach the continuation controller
at the pace given."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Slot

from keyboard_app.ui.main_window import MainWindow

# A model that never ends: " the cat sat the cat sat ..." after any text.
ENDLESS = {" the": {" cat": 9.0}, " cat": {" sat": 9.0}, " sat": {" the": 9.0}}
ENDLESS_DEFAULT = {" the": 9.0}


class SlowStream(QObject):
    """Holds the window's continuation pieces (and its end) and hands them on, one per tick."""

    def __init__(self, window: MainWindow, interval_ms: int) -> None:
        super().__init__(window)
        self.window = window
        self.items: list[tuple[int, str] | tuple[str, str, str]] = []
        self.delivered = 0
        client, controller = window.client, window.continuation
        client.continuation_piece.disconnect(controller._on_piece)
        client.continuation_done.disconnect(controller._on_done)
        client.continuation_piece.connect(self._keep_piece)
        client.continuation_done.connect(self._keep_end)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._hand_on)
        self.timer.start()

    @Slot(int, str)
    def _keep_piece(self, index: int, piece: str) -> None:
        self.items.append((index, piece))

    @Slot(str, str)
    def _keep_end(self, outcome: str, error: str) -> None:
        self.items.append(("done", outcome, error))

    @Slot()
    def _hand_on(self) -> None:
        if not self.items:
            return
        item = self.items.pop(0)
        controller = self.window.continuation
        if len(item) == 3:
            controller._on_done(item[1], item[2])
        else:
            controller._on_piece(item[0], item[1])
            self.delivered += 1
