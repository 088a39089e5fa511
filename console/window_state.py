"""What the main window remembers between runs: geometry, the view on screen, the period,
the team."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from console.widgets.team_selector import NOT_CHOSEN


def restore_window(window, state: QSettings | None) -> None:
    """The remembered geometry, period, team and view (the first view without a memory)."""
    window.remembered_team = NOT_CHOSEN
    first = next(iter(window.view_classes))
    if state is None:
        window.show_view(first)
        return
    geometry = state.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    days = state.value("window/period_days")
    if days is not None:
        try:
            window.context.period.set_days(max(1, min(3650, int(days))))
        except (TypeError, ValueError):
            pass
    team = state.value("window/team")  # "": all teams; absent: the lead's own
    window.remembered_team = NOT_CHOSEN if team is None else (str(team) or None)
    key = str(state.value("window/view", first))
    window.show_view(key if key in window.view_classes else first)


def save_window(window, state: QSettings | None) -> None:
    if state is None:
        return
    state.setValue("window/geometry", window.saveGeometry())
    state.setValue("window/view", window.current_view.key)
    state.setValue("window/period_days", window.context.period.days)
    state.setValue("window/team", window.context.team.name or "")
    state.sync()
