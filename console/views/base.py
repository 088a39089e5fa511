"""What every view has: background loading, refresh on data changes, exports."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, QTimer, Signal, Slot
from PySide6.QtWidgets import QLabel, QWidget

from console.context import ConsoleContext
from console.tasks import describe_error
from console.widgets.charts import Chart

if TYPE_CHECKING:  # the ORM loads on first use, after the window is up
    from sqlalchemy.orm import Session

log = logging.getLogger("support_console.views")


class ConsoleView(QWidget):
    """A page of the main window. Subclasses give `request`, `fetch` and `show_figures`.

    `fetch(session, request)` runs on a worker thread: it may only read `request` and
    `self.context` (never widgets). `show_figures(result)` runs on the GUI thread."""

    key = ""
    title = ""
    supervisor_only = False

    loading_started = Signal()
    figures_shown = Signal()  # after fresh figures are on screen
    load_failed = Signal(str)
    notice = Signal(str)  # a short status message for the person (not an error)

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setObjectName(f"view-{self.key}")
        # The one-line status every view shows above its content (the view places it).
        self.status = QLabel("Loading…")
        self.status.setObjectName("viewStatus")
        self.refresh_count = 0
        self.last_error = ""
        self._loading = False
        self._again = False
        self._pending_drawing: tuple[Callable[[], None], ...] = ()  # while hidden
        self._drawing: list[Callable[[], None]] = []  # steps still to draw, one per turn
        self._announce_when_drawn = False
        self._on_changes = False
        self.refresh_on_changes(True)

    @classmethod
    def title_for(cls, context: ConsoleContext) -> str:
        """The view's title for the person signed in (the navigation shows it)."""
        return cls.title

    # -- loading ---------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Load fresh figures in the background (a refresh asked while loading runs after)."""
        if self._loading:
            self._again = True
            return
        self._loading = True
        self._again = False
        request = self.request()
        self.loading_started.emit()
        self.context.tasks.read(self, lambda session: self.fetch(session, request),
                                self._on_loaded, self._on_failed)

    def refresh_on_changes(self, on: bool) -> None:
        """Refresh on every data or period change: a view on its own does; the main window
        turns it off and refreshes its views itself, the one on screen first."""
        if on == self._on_changes:
            return
        self._on_changes = on
        for signal in (self.context.bus.data_changed, self.context.period.changed,
                       self.context.team.changed):
            if on:
                signal.connect(self.refresh)
            else:
                signal.disconnect(self.refresh)

    @property
    def loading(self) -> bool:
        return self._loading

    def request(self) -> Any:
        """What to load, read from widgets on the GUI thread (default: the report window)."""
        return self.context.window()

    def fetch(self, session: Session, request: Any) -> Any:
        raise NotImplementedError

    def show_figures(self, result: Any) -> None:
        raise NotImplementedError

    def _on_loaded(self, result: Any) -> None:
        self._loading = False
        if self._again:
            self.refresh()
            return
        try:
            self.show_figures(result)
        except Exception as exc:
            log.exception("showing %s failed", self.key)
            self._on_failed(exc)
            return
        self.last_error = ""
        self.refresh_count += 1
        if self._drawing:  # announced once the last chart step has drawn
            self._announce_when_drawn = True
        else:
            self.figures_shown.emit()

    def draw_charts(self, *steps: Callable[[], None],
                    then: Callable[[], None] | None = None) -> None:
        """Charts are the costly part of showing figures on the GUI thread. A visible view
        draws one chart per event-loop turn, so each repaint covers one chart and the GUI
        never stalls on all of them at once; a hidden view keeps only the newest steps and
        draws them when it is next shown. `then` runs after the last chart (at once when
        the view is hidden)."""
        if self.isVisible():
            self._pending_drawing = ()
            self._start_drawing(steps + ((then,) if then else ()))
        else:
            self._pending_drawing = steps
            if then is not None:
                then()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._pending_drawing:
            steps, self._pending_drawing = self._pending_drawing, ()
            self._start_drawing(steps)

    def _start_drawing(self, steps: tuple[Callable[[], None], ...]) -> None:
        idle = not self._drawing
        self._drawing = list(steps)
        if idle and self._drawing:
            self._draw_next()

    def _draw_next(self) -> None:
        if self._drawing:
            self._drawing.pop(0)()
        if self._drawing:
            QTimer.singleShot(0, self, self._draw_next)
        elif self._announce_when_drawn:
            self._announce_when_drawn = False
            self.figures_shown.emit()

    def _on_failed(self, error: BaseException) -> None:
        self._loading = False
        self.last_error = describe_error(error)
        self.load_failed.emit(f"{self.title}: {self.last_error}")
        if self._again:
            self.refresh()

    # -- exports ---------------------------------------------------------------------------
    def tables(self) -> list[tuple[str, QAbstractItemModel]]:
        """(name, model) of every table this view shows, for CSV/XLSX export."""
        return []

    def charts(self) -> list[Chart]:
        """Every chart this view shows, for PNG export."""
        return []
