"""The status bar in a narrow window: the model and the device are shortened, the latency and the
learning toggle stay whole."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from keyboard_app.ui.main_window import MainWindow
from keyboard_app.ui.status_bar import InfoLabel


def shown_whole(label: InfoLabel, bar_width: int) -> bool:
    geometry = label.geometry()
    return (
        label.isVisible()
        and geometry.left() >= 0
        and geometry.right() < bar_width
        and geometry.width() >= label.sizeHint().width()
    )


def test_a_narrow_window_keeps_the_latency_and_elides_the_rest(
    qtbot: QtBot, window: MainWindow
) -> None:
    status = window.status
    status.model_label.show_text("gpt2-medium-long-name · 1.5 GB · Q8_0")
    status.device_label.show_text("CPU (1 thread)")
    status.show_learning("paused")
    status.show_latency(123.0)
    window.layout().activate()  # the new texts' sizes: the window's minimum width follows them
    window.resize(420, 500)
    window.layout().activate()
    assert window.width() <= 420  # the status bar does not hold the window wide
    qtbot.waitUntil(lambda: shown_whole(status.latency_label, status.width()))
    assert status.learning.geometry().right() < status.width()
    for label in (status.model_label, status.device_label):
        assert label.geometry().right() < status.width()
        assert label.shown_text() != label.text()  # shortened with "…"
        assert label.shown_text().endswith("…")
        assert label.toolTip() == label.text()  # whole in its tooltip
    window.resize(1400, 500)
    qtbot.waitUntil(lambda: status.device_label.shown_text() == "CPU (1 thread)")
