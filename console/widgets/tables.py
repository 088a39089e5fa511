"""A sortable table view over a RowTableModel, with a score-bar delegate."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from console.models.table_model import SORT_ROLE


class DataTable(QTableView):
    """Sorting on, whole-row selection, alternating rows, columns sized to their content."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setSortingEnabled(True)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(26)
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(60)  # size columns from 60 rows, not all of them
        self._fitted = False
        self._fit_when_shown: tuple[int | None, int] | None = None

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._fit_when_shown is not None:
            (stretch_column, padding), self._fit_when_shown = self._fit_when_shown, None
            self.fit_columns(stretch_column, again=True, padding=padding)

    def fit_columns(self, stretch_column: int | None = None, *, again: bool = False,
                    padding: int = 12) -> None:
        """Columns as wide as their first content (once: a refresh keeps the widths the
        person chose); one column takes the rest of the width."""
        if (self._fitted and not again) or self.model() is None or not self.model().rowCount():
            return
        if not self.isVisible():  # measuring cells is costly: a hidden table waits
            self._fit_when_shown = (stretch_column, padding)
            return
        self._fitted = True
        self.resizeColumnsToContents()
        header = self.horizontalHeader()
        for column in range(header.count()):
            header.resizeSection(column, header.sectionSize(column) + padding)
        if stretch_column is not None:
            header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)


class ScoreBarDelegate(QStyledItemDelegate):
    """Draws the 0-100 score as a bar behind its right-aligned number."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        value = index.data(SORT_ROLE)
        if isinstance(value, float) and value != float("-inf"):
            painter.save()
            if option.state & QStyle.StateFlag.State_Selected:
                painter.fillRect(option.rect, option.palette.highlight())
            cell = QRectF(option.rect)
            rect = cell.adjusted(4, 6, -50, -6)  # the bar; the number sits to its right
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor("#e9edf3"))
            painter.drawRoundedRect(rect, 3, 3)
            filled = QRectF(rect)
            filled.setWidth(rect.width() * max(0.0, min(100.0, value)) / 100.0)
            painter.setBrush(QColor(_score_colour(value)))
            painter.drawRoundedRect(filled, 3, 3)
            painter.setPen(QColor("#1d1d1f"))
            painter.drawText(cell.adjusted(0, 0, -6, 0),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                             index.data(Qt.ItemDataRole.DisplayRole))
            painter.restore()
            return
        super().paint(painter, option, index)


def _score_colour(score: float) -> str:
    if score >= 85:
        return "#9fd3a8"
    if score >= 70:
        return "#f5d38a"
    return "#f2a7a0"
