"""Figure tiles: a caption and a big right-aligned number with its unit (details as tooltip)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


def number(digits: int = 0, unit: str = "") -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        if value is None:
            return "—"
        text = f"{value:,.{digits}f}"
        return f"{text} {unit}".rstrip() if unit else text
    return fmt


class Tile(QFrame):
    """One figure. `value_text` is what the person reads (tests compare it); a small
    secondary line (e.g. median and P90 beside a mean) is optional. A click on a clickable
    tile emits `clicked(key)`."""

    clicked = Signal(str)

    def __init__(self, key: str, caption: str, fmt: Callable[[Any], str], hint: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.key = key
        self.fmt = fmt
        self.setObjectName("tile")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.setSpacing(2)
        self.caption = QLabel(caption)
        self.caption.setObjectName("tileCaption")
        self.caption.setWordWrap(True)
        self.value = QLabel("…")
        self.value.setObjectName("tileValue")
        self.value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.secondary = QLabel("")
        self.secondary.setObjectName("tileSecondary")
        self.secondary.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.secondary.setVisible(False)
        layout.addWidget(self.caption)
        layout.addWidget(self.value)
        layout.addWidget(self.secondary)
        self.hint = hint
        if hint:
            self.setToolTip(hint)
        self.clickable = False

    def set_clickable(self, on: bool = True) -> None:
        self.clickable = on
        self.setCursor(Qt.CursorShape.PointingHandCursor if on else Qt.CursorShape.ArrowCursor)
        if on:
            self.setToolTip(f"{self.hint}\nClick for the items behind this figure".lstrip())

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if self.clickable and event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.key)

    def set_secondary(self, text: str) -> None:
        self.secondary.setText(text)
        self.secondary.setVisible(bool(text))

    def set_value(self, value: Any) -> None:
        self.value.setText(self.fmt(value))

    @property
    def value_text(self) -> str:
        return self.value.text()


class TileGrid(QWidget):
    """Tiles in rows of `columns`, looked up by key; `tile_clicked(key)` from any tile."""

    tile_clicked = Signal(str)

    def __init__(self, columns: int, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(8)
        self._columns = columns
        self.tiles: dict[str, Tile] = {}

    def add(self, tile: Tile) -> Tile:
        index = len(self.tiles)
        self._layout.addWidget(tile, index // self._columns, index % self._columns)
        self.tiles[tile.key] = tile
        tile.clicked.connect(self.tile_clicked)
        return tile

    def set_values(self, values: dict[str, Any]) -> None:
        for key, tile in self.tiles.items():
            tile.set_value(values.get(key))

    def __getitem__(self, key: str) -> Tile:
        return self.tiles[key]
