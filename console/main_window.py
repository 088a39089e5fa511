"""The main window: a view list on the left, the chosen view, a period selector and menus."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMetaMethod, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QSizePolicy,
    QStackedWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console import help_menu, lifecycle, window_exports
from console.context import ConsoleContext
from console.views.base import ConsoleView
from console.views.items_view import open_items_window
from console.views.registry import VIEW_CLASSES
from console.widgets.banner import Banner
from console.widgets.busy import BusyIndicator
from console.widgets.period_selector import PeriodSelector
from console.widgets.team_selector import TeamSelector
from console.window_state import restore_window, save_window

APP_TITLE = "Support Console"
DEMO_SUFFIX = "DEMO DATA"


class MainWindow(QMainWindow):
    """Builds itself from the view registry; views own their widgets and wiring.

    Public parts for glue code, which only connects signals: `banner`, `status_area`,
    `add_menu_action`, `add_status_widget`, `add_strip` (under the banner), `show_items`,
    `set_navigation_badge`, `quit_requested`; `console.views.registry` for new views."""

    view_changed = Signal(str)
    quit_requested = Signal()  # File > Quit, when someone listens (else the window closes)
    view_built = Signal(object)  # a ConsoleView, built on first use or after the first paint
    first_load_done = Signal()  # every view has shown its figures (or failed) once

    def __init__(self, context: ConsoleContext, database_label: str,
                 state: QSettings | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.database_label = database_label
        self.state = state
        self.demo = False
        # A view is built when first shown; the console builds the others after the first
        # paint (build_remaining_views): the first paint waits for one view only.
        self.view_classes = {cls.key: cls for cls in VIEW_CLASSES
                             if self.context.supervisor or not cls.supervisor_only}
        self.views: dict[str, ConsoleView] = {}  # built so far
        self.menus: dict[str, QMenu] = {}
        self.first_load_pending = True
        self._init_central()
        self._init_actions()
        self._init_menus()
        self._init_toolbar()
        self._init_status()
        self._connect_signals()
        self.set_demo(False)
        # A fixed minimum: layouts that grow after show would otherwise resize the top-level
        # window's limits on every refresh (and offscreen Qt warns each time).
        self.layout().setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMinimumSize(QSize(1000, 640))
        self.resize(QSize(1400, 900))
        restore_window(self, self.state)

    # -- construction ------------------------------------------------------------------------
    def _init_central(self) -> None:
        self.banner = Banner()
        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setFixedWidth(190)
        self.stack = QStackedWidget()
        for key, view_class in self.view_classes.items():
            item = QListWidgetItem(view_class.title_for(self.context))
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.navigation.addItem(item)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(0)
        body.addWidget(self.navigation)
        body.addWidget(self.stack, 1)
        central = QWidget()
        central.setObjectName("centralWidget")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addLayout(body, 1)
        self.setCentralWidget(central)

    def _init_actions(self) -> None:
        self.refresh_action = QAction("&Refresh", self, shortcut=QKeySequence.StandardKey.Refresh)
        self.export_csv_action = QAction("Export table as &CSV…", self)
        self.export_xlsx_action = QAction("Export table as &Excel (XLSX)…", self)
        self.export_png_action = QAction("Export chart as &PNG…", self)
        self.quit_action = QAction("&Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        self.log_folder_action = QAction("Open &log folder", self)
        self.about_action = QAction("&About Support Console", self)

    def _init_menus(self) -> None:
        bar = self.menuBar()
        self.menus["file"] = file_menu = bar.addMenu("&File")
        file_menu.addActions([self.export_csv_action, self.export_xlsx_action,
                              self.export_png_action])
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        self.menus["view"] = view_menu = bar.addMenu("&View")
        for index, (key, view_class) in enumerate(self.view_classes.items()):
            action = view_menu.addAction(view_class.title_for(self.context))
            action.setShortcut(QKeySequence(f"Ctrl+{index + 1}"))
            action.triggered.connect(lambda _=False, key=key: self.show_view(key))
        view_menu.addSeparator()
        view_menu.addAction(self.refresh_action)
        self.menus["tools"] = bar.addMenu("&Tools")  # settings, jobs, sign-in come here
        self.menus["tools"].menuAction().setVisible(False)
        self.menus["help"] = help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.log_folder_action, self.about_action])

    def _init_toolbar(self) -> None:
        toolbar = QToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        self.period_selector = PeriodSelector(self.context.period)
        toolbar.addWidget(self.period_selector)
        self.team_selector = TeamSelector(self.context)
        self.team_action = toolbar.addWidget(self.team_selector)
        self.team_action.setVisible(self.context.supervisor)  # an agent sees their own
        toolbar.addSeparator()
        toolbar.addAction(self.refresh_action)
        export_button = QToolButton()
        export_button.setText("Export")
        export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        export_menu = QMenu(export_button)
        export_menu.addActions([self.export_csv_action, self.export_xlsx_action,
                                self.export_png_action])
        export_button.setMenu(export_menu)
        toolbar.addWidget(export_button)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        toolbar.addWidget(spacer)
        self.demo_label = QLabel(f"  {DEMO_SUFFIX}  ")
        self.demo_label.setObjectName("demoLabel")
        self.demo_label.setToolTip("This database holds generated demo data, not real work")
        self.demo_action = toolbar.addWidget(self.demo_label)

    def _init_status(self) -> None:
        self.busy = BusyIndicator()
        self.status_area = self.statusBar()
        self.status_area.addPermanentWidget(self.busy)
        self.database_status = QLabel(self.database_label)
        self.status_area.addWidget(self.database_status)

    def _connect_signals(self) -> None:
        self.navigation.currentRowChanged.connect(self._on_navigation_row)
        self.refresh_action.triggered.connect(self.refresh_current)
        self.export_csv_action.triggered.connect(lambda: self.export_table("csv"))
        self.export_xlsx_action.triggered.connect(lambda: self.export_table("xlsx"))
        self.export_png_action.triggered.connect(self.export_chart)
        self.quit_action.triggered.connect(self.request_quit)
        self.log_folder_action.triggered.connect(self.open_log_folder)
        self.about_action.triggered.connect(lambda: help_menu.show_about(self,
                                                                         self.database_label))
        self.banner.retry_requested.connect(self.refresh_all)
        self.context.tasks.busy_changed.connect(self.busy.set_busy)
        self.context.tasks.task_failed.connect(self.banner.show_error)
        self.context.bus.watch_failed.connect(self.banner.show_error)
        self.context.bus.reconnected.connect(self.banner.hide)  # its data_changed reloads
        self.context.bus.data_changed.connect(self.refresh_views)
        self.context.period.changed.connect(self.refresh_views)
        self.context.team.changed.connect(self.refresh_views)

    # -- views -------------------------------------------------------------------------------
    def view(self, key: str) -> ConsoleView | None:
        """The view of that key, built now if it was not yet (None: not for this person)."""
        if key not in self.views and key in self.view_classes:
            view = self.view_classes[key](self.context)
            view.load_failed.connect(self.banner.show_error)
            view.load_failed.connect(self._check_first_load)
            view.figures_shown.connect(self._on_figures_shown)
            view.notice.connect(lambda text: self.status_area.showMessage(text, 10_000))
            view.items_requested.connect(self.show_figure_items)
            view.refresh_on_changes(False)  # refresh_views orders them
            self.views[key] = view
            self.stack.addWidget(view)
            self.view_built.emit(view)
        return self.views.get(key)

    def build_all_views(self) -> None:
        for key in self.view_classes:
            self.view(key)

    def build_remaining_views(self, then: Callable[[], None]) -> None:
        """One view per event-loop turn (each is tens of ms), then `then`."""
        missing = [key for key in self.view_classes if key not in self.views]
        if not missing:
            then()
            return
        self.view(missing[0])
        QTimer.singleShot(0, self, lambda: self.build_remaining_views(then))

    def navigation_row(self, key: str) -> int:
        return list(self.view_classes).index(key)

    # -- actions -----------------------------------------------------------------------------
    @Slot(object)
    def show_figure_items(self, request) -> None:
        open_items_window(self, request)  # the items behind a figure, in a window

    def show_view(self, key: str) -> None:
        view = self.view(key)
        if view is None:
            return
        row = self.navigation_row(key)
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)
            return
        self.stack.setCurrentWidget(view)

    @property
    def current_view(self) -> ConsoleView:
        return self.stack.currentWidget()  # type: ignore[return-value]

    @Slot()
    def refresh_current(self) -> None:
        self.current_view.refresh()

    @Slot()
    def refresh_all(self) -> None:
        if self.banner.property("level") == "error":  # a note (sign-in, demo) stays
            self.banner.hide()
        self.refresh_views()

    @Slot()
    def refresh_views(self) -> None:
        """The view on screen first, the others once it shows its figures: loading them all
        at once made the worker threads hold the GIL while the GUI thread drew the
        visible charts (pauses of 100-170 ms at a million items on PostgreSQL, measured;
        60-70 ms this way), and the figures on screen came later."""
        current = self.current_view
        others = [view for view in self.views.values() if view is not current]
        if current is None:
            for view in others:
                view.refresh()
            return

        def refresh_others(*_args) -> None:
            current.figures_shown.disconnect(refresh_others)
            current.load_failed.disconnect(refresh_others)
            for view in others:
                view.refresh()

        current.figures_shown.connect(refresh_others)
        current.load_failed.connect(refresh_others)
        current.refresh()

    # -- for the glue (console.desktop.integration) ------------------------------------------
    @Slot()
    def request_quit(self) -> None:
        if self.isSignalConnected(QMetaMethod.fromSignal(self.quit_requested)):
            self.quit_requested.emit()
        else:
            self.close()

    def add_menu_action(self, menu: str, action: QAction) -> None:
        self.menus[menu].addAction(action)
        self.menus[menu].menuAction().setVisible(True)

    def add_status_widget(self, widget: QWidget) -> None:
        self.status_area.addPermanentWidget(widget)

    def add_strip(self, widget: QWidget) -> None:
        """A strip across the window under the message banner (e.g. the alert banner)."""
        layout = self.centralWidget().layout()
        layout.insertWidget(layout.indexOf(self.banner) + 1, widget)

    @Slot(str, int)
    def set_navigation_badge(self, key: str, count: int) -> None:
        if key in self.view_classes:
            title = self.view_classes[key].title
            item = self.navigation.item(self.navigation_row(key))
            item.setText(f"{title} ({count:,})" if count else title)

    @Slot(tuple)
    def show_items(self, item_ids: tuple) -> None:
        """The breaches view, on these items (for people who may see it)."""
        view = self.view("breaches")
        if view is not None:
            self.show_view("breaches")
            view.show_items(item_ids)

    @Slot()
    def open_log_folder(self) -> None:
        problem = help_menu.open_log_folder()
        if problem:
            self.banner.show_error(problem)

    def set_demo(self, demo: bool) -> None:
        """Mark the window clearly while it shows demo data."""
        self.demo = demo
        title = f"{APP_TITLE} — {self.database_label}"
        self.setWindowTitle(f"{title} — {DEMO_SUFFIX}" if demo else title)
        self.demo_action.setVisible(demo)

    def export_table(self, kind: str, path: str | None = None) -> str | None:
        """The view's table to CSV or Excel (asks where without a path); the path written."""
        return window_exports.export_table(self, kind, path)

    def export_chart(self, path: str | None = None, index: int = 0) -> str | None:
        """One of the view's charts to PNG (asks which and where without a path)."""
        return window_exports.export_chart(self, path, index)

    def showEvent(self, event: QShowEvent) -> None:
        lifecycle.mark_started()
        super().showEvent(event)

    def choose_team(self, then: Callable[[], None]) -> None:
        """Read the teams and choose the remembered one (else the signed-in lead's), then
        `then`; a person who is not a supervisor has no choice: at once."""
        if not self.context.supervisor:
            then()
            return
        self.team_selector.load(self.remembered_team, then)
        self.context.bus.data_changed.connect(self.team_selector.reload)

    def closeEvent(self, event: QCloseEvent) -> None:
        save_window(self, self.state)
        self.context.bus.stop_watching()
        super().closeEvent(event)

    # -- internals ---------------------------------------------------------------------------
    def _on_navigation_row(self, row: int) -> None:
        if row < 0:
            return
        key = self.navigation.item(row).data(Qt.ItemDataRole.UserRole)
        self.stack.setCurrentWidget(self.view(key))
        self.view_changed.emit(key)

    def _on_figures_shown(self) -> None:
        error_shown = self.banner.isVisible() and self.banner.property("level") == "error"
        if error_shown and not any(v.last_error for v in self.views.values()):
            self.banner.hide()
        self._check_first_load()

    def after_first_load(self, fn: Callable[[], None]) -> None:
        """fn once every view has loaded (or failed) once: at once if that is past."""
        if self.first_load_pending:
            self.first_load_done.connect(fn, Qt.ConnectionType.SingleShotConnection)
        else:
            fn()

    def _check_first_load(self) -> None:
        if self.first_load_pending and len(self.views) == len(self.view_classes) and all(
                v.refresh_count or v.last_error for v in self.views.values()):
            self.first_load_pending = False
            self.first_load_done.emit()
