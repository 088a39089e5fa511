"""The main window's File > Export: the view's table to CSV or Excel, a chart to PNG."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from console.widgets import export
from core.errors import SupportConsoleError

if TYPE_CHECKING:
    from console.main_window import MainWindow


def export_table(window: MainWindow, kind: str, path: str | None = None) -> str | None:
    tables = window.current_view.tables()
    if not tables:
        window.banner.show_info(f"{window.current_view.title} has no table to export.")
        return None
    name, model = tables[0]
    suffix = {"csv": "CSV files (*.csv)", "xlsx": "Excel workbooks (*.xlsx)"}[kind]
    if path is None:
        path, _ = QFileDialog.getSaveFileName(window, f"Export {name}", f"{name}.{kind}", suffix)
    if not path:
        return None
    try:
        if kind == "csv":
            export.export_csv(model, path)
        else:
            export.export_xlsx(model, path, name)
    except (OSError, SupportConsoleError) as exc:
        window.banner.show_error(f"Export failed: {exc}")
        return None
    window.status_area.showMessage(f"Exported {name} to {path}", 8000)
    return path


def export_chart(window: MainWindow, path: str | None = None, index: int = 0) -> str | None:
    charts = window.current_view.charts()
    if not charts:
        window.banner.show_info(f"{window.current_view.title} has no chart to export.")
        return None
    chart = charts[index]
    if path is None and len(charts) > 1:
        titles = [c.chart_title for c in charts]
        from PySide6.QtWidgets import QInputDialog

        title, ok = QInputDialog.getItem(window, "Export chart", "Chart:", titles, 0, False)
        if not ok:
            return None
        chart = charts[titles.index(title)]
    if path is None:
        default = chart.chart_title.lower().replace(" ", "-") + ".png"
        path, _ = QFileDialog.getSaveFileName(window, "Export chart", default, "PNG images (*.png)")
    if not path:
        return None
    try:
        export.export_png(chart, path)
    except OSError as exc:
        window.banner.show_error(f"Export failed: {exc}")
        return None
    window.status_area.showMessage(f"Exported {chart.chart_title} to {path}", 8000)
    return path
