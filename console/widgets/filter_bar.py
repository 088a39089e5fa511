"""A row of "Any ..." drop-downs and a search box over a list of items."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit

# key -> (caption, [(value, text), ...])
Choices = dict[str, tuple[str, Sequence[tuple[str, str]]]]


class FilterBar(QHBoxLayout):
    """Each change calls on_change(key, value): a drop-down's value (None: any) or the
    search box's text under the key "text"."""

    def __init__(self, choices: Choices, placeholder: str,
                 on_change: Callable[[str, str | None], None]):
        super().__init__()
        self.combos: dict[str, QComboBox] = {}
        for key, (caption, options) in choices.items():
            combo = QComboBox()
            combo.addItem(f"Any {caption if caption.isupper() else caption.lower()}", None)
            for value, text in options:
                combo.addItem(text, value)
            combo.currentIndexChanged.connect(
                lambda _i, k=key, c=combo: on_change(k, c.currentData()))
            self.addWidget(QLabel(f"{caption}:"))
            self.addWidget(combo)
            self.combos[key] = combo
        self.search = QLineEdit()
        self.search.setPlaceholderText(placeholder)
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(lambda text: on_change("text", text))
        self.addWidget(self.search, 1)
