"""The team selector: every view narrows to the chosen team, or shows all teams."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from console.context import ConsoleContext
from core.teams import agent_team, teams

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

log = logging.getLogger("support_console.views")
ALL_TEAMS = "All teams"
NOT_CHOSEN = object()  # nothing remembered: open on the signed-in person's team


class TeamSelector(QWidget):
    """Writes the chosen team into context.team; lists the teams read on a worker."""

    def __init__(self, context: ConsoleContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.remembered: object = NOT_CHOSEN
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Team:"))
        self.choice = QComboBox()
        self.choice.setMinimumContentsLength(14)
        self.choice.setToolTip("Every view and export shows this team's items and agents")
        layout.addWidget(self.choice)
        self._fill([], context.team.name)
        self.choice.currentIndexChanged.connect(self._chosen)
        context.team.changed.connect(self._show)

    def load(self, remembered: object = NOT_CHOSEN, then: Callable[[], None] | None = None) -> None:
        """Read the teams (and the signed-in person's team) in the background and choose
        the remembered team (None: all teams), else the signed-in lead's own; then `then`
        (the first load of the views, which the choice therefore does not announce)."""
        self.remembered = remembered
        actor_id = self.context.actor_id

        def loaded(result: tuple[list[str], str | None]) -> None:
            self._loaded(result, announce=then is None)
            if then is not None:
                then()

        def failed(error: BaseException) -> None:
            log.warning("reading the teams failed: %s", error)  # the views report the database
            if then is not None:
                then()

        self.context.tasks.read(self, lambda session: self._fetch(session, actor_id),
                                loaded, failed)

    def reload(self, *_args) -> None:
        """The teams again (after data changes), keeping the choice."""
        self.load(self.remembered)

    @staticmethod
    def _fetch(session: Session, actor_id: str | None) -> tuple[list[str], str | None]:
        return teams(session), agent_team(session, actor_id)

    def _loaded(self, result: tuple[list[str], str | None], announce: bool) -> None:
        names, own = result
        wanted = own if self.remembered is NOT_CHOSEN else self.remembered
        wanted = wanted if wanted in names else None
        self.remembered = wanted  # a reload keeps the choice
        self._fill(names, wanted)
        self.context.team.set_name(wanted, announce=announce)

    def _fill(self, names: list[str], selected: str | None) -> None:
        self.choice.blockSignals(True)
        self.choice.clear()
        self.choice.addItem(ALL_TEAMS, None)
        for name in names:
            self.choice.addItem(name, name)
        self.choice.blockSignals(False)
        self._show(selected)

    def _show(self, name: str | None) -> None:
        self.choice.blockSignals(True)
        self.choice.setCurrentIndex(max(0, self.choice.findData(name)))
        self.choice.blockSignals(False)

    def _chosen(self, _index: int) -> None:
        self.context.team.set_name(self.choice.currentData())
