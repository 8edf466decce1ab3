"""The Settings dialog: sampling, suggestions, inline predictions, learning, device and font."""

from __future__ import annotations

import os
from dataclasses import replace

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFontComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QWidget,
)

from keyboard_app.settings import RANGES, Settings
from keyboard_app.ui.theme import writing_font

GPU_AUTO, GPU_OFF, GPU_LAYERS = 0, 1, 2


def _spin(name: str, value: int, *, special: str = "") -> QSpinBox:
    low, high = RANGES[name]
    box = QSpinBox()
    box.setRange(int(low), int(high))
    box.setValue(value)
    if special:
        box.setSpecialValueText(special)
    return box


def _double(name: str, value: float, step: float) -> QDoubleSpinBox:
    low, high = RANGES[name]
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(2)
    box.setValue(value)
    return box


def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
    """A row's label; its mnemonic (`&`) moves the focus to `buddy` (a label without a buddy
    would show the `&` itself)."""
    label = QLabel(text, parent)
    label.setBuddy(buddy)
    return label


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `result_settings()` returns it after the dialog is accepted."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._original = settings
        form = QFormLayout(self)
        self.top_k = _spin("top_k", settings.top_k)
        self.temperature = _double("temperature", settings.temperature, 0.05)
        self.top_p = _double("top_p", settings.top_p, 0.05)
        self.length = _spin("continuation_tokens", settings.continuation_tokens)
        self.length.setSuffix(" tokens")
        self.count = _spin("suggestion_count", settings.suggestion_count)
        self.threads = _spin("n_threads", settings.n_threads, special="Automatic")
        self.threads.setMaximum(max(os.cpu_count() or 1, settings.n_threads))
        self.gpu_mode = QComboBox()
        self.gpu_mode.addItems(["Automatic", "Off (CPU only)", "Layers:"])
        self.gpu_layers = _spin("gpu_layers", settings.gpu_layers or 1)
        self._set_gpu(settings.gpu_layers)
        self.gpu_mode.currentIndexChanged.connect(self._gpu_mode_changed)
        self.filter = QCheckBox("Hide offensive words")
        self.filter.setChecked(settings.filter_offensive)
        self.inline = QCheckBox("Show the rest of a phrase in grey when the model is sure")
        self.inline.setChecked(settings.inline_predictions)
        self.inline_threshold = _double("inline_threshold", settings.inline_threshold, 0.05)
        self.inline.toggled.connect(self.inline_threshold.setEnabled)
        self.inline_threshold.setEnabled(settings.inline_predictions)
        self.autocorrect = QCheckBox("Correct typos when I end a word (Backspace undoes)")
        self.autocorrect.setChecked(settings.autocorrect)
        self.learning = QCheckBox("Learn my words and phrases as I type (kept on this computer)")
        self.learning.setChecked(settings.learning_enabled)
        self.font_family = QFontComboBox()
        # The font the editor shows: with no family chosen, the default writing font, which stays
        # the default (follows the installed fonts) unless another family is picked here.
        self.font_family.setCurrentFont(writing_font(settings.font_family, settings.font_size))
        self._shown_family = self.font_family.currentFont().family()
        self.font_size = _spin("font_size", settings.font_size)
        self.font_size.setSuffix(" pt")
        self._add_rows(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _add_rows(self, form: QFormLayout) -> None:
        gpu_row = QHBoxLayout()
        gpu_row.addWidget(self.gpu_mode)
        gpu_row.addWidget(self.gpu_layers)
        # (label, the widget its mnemonic focuses, what the row shows); no label: the check box.
        # No mnemonic takes O, C or A: GNOME's and KDE's themes give OK and Cancel "&OK" and
        # "&Cancel" (Alt+C only moved between "Continuation length" and Cancel).
        rows: list[tuple[str, QWidget | None, QWidget | QHBoxLayout]] = [
            ("&Top-k:", self.top_k, self.top_k),
            ("T&emperature:", self.temperature, self.temperature),
            ("Top-&p:", self.top_p, self.top_p),
            ("Continuation &length:", self.length, self.length),
            ("&Suggestions shown:", self.count, self.count),
            ("CPU t&hreads:", self.threads, self.threads),
            ("&GPU layers:", self.gpu_mode, gpu_row),
            ("", None, self.filter),
            ("", None, self.inline),
            ("Inline predictions: how s&ure:", self.inline_threshold, self.inline_threshold),
            ("", None, self.autocorrect),
            ("", None, self.learning),
            ("&Font:", self.font_family, self.font_family),
            ("Font si&ze:", self.font_size, self.font_size),
        ]
        for text, buddy, field in rows:
            if buddy is None:
                form.addRow(field)
                continue
            form.addRow(_label(text, buddy, self), field)
            if buddy is field:
                buddy.setAccessibleName(text.replace("&", "").rstrip(":"))
        self.gpu_mode.setAccessibleName("GPU offload")
        self.gpu_layers.setAccessibleName("GPU layers")

    def _set_gpu(self, layers: int | None) -> None:
        mode = GPU_AUTO if layers is None else GPU_OFF if layers == 0 else GPU_LAYERS
        self.gpu_mode.setCurrentIndex(mode)
        self.gpu_layers.setEnabled(mode == GPU_LAYERS)

    def _gpu_mode_changed(self, mode: int) -> None:
        self.gpu_layers.setEnabled(mode == GPU_LAYERS)

    def _gpu_value(self) -> int | None:
        mode = self.gpu_mode.currentIndex()
        return None if mode == GPU_AUTO else 0 if mode == GPU_OFF else self.gpu_layers.value()

    def _chosen_family(self) -> str:
        family = self.font_family.currentFont().family()
        return self._original.font_family if family == self._shown_family else family

    def result_settings(self) -> Settings:
        return replace(
            self._original,
            top_k=self.top_k.value(),
            temperature=round(self.temperature.value(), 2),
            top_p=round(self.top_p.value(), 2),
            continuation_tokens=self.length.value(),
            suggestion_count=self.count.value(),
            n_threads=self.threads.value(),
            gpu_layers=self._gpu_value(),
            filter_offensive=self.filter.isChecked(),
            inline_predictions=self.inline.isChecked(),
            inline_threshold=round(self.inline_threshold.value(), 2),
            autocorrect=self.autocorrect.isChecked(),
            learning_enabled=self.learning.isChecked(),
            font_family=self._chosen_family(),
            font_size=self.font_size.value(),
        )
