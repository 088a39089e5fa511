"""auto-reassign-unresolved-tasks: move the open work of inactive agents (see core.reassignment)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from core.reassignment import apply_reassignment, plan_reassignment
from core.settings import Settings
from jobs.exclusive import job_transaction

NAME = "auto-reassign-unresolved-tasks"


def run_auto_reassign_unresolved_tasks(engine: Engine, now_us: int,
                                       settings: Settings) -> dict[str, Any]:
    with job_transaction(engine, NAME) as session:
        return apply_reassignment(session, now_us, settings)


def plan_auto_reassign_unresolved_tasks(engine: Engine, now_us: int,
                                        settings: Settings) -> dict[str, Any]:
    """The dry run: the moves the job would make now; nothing is written."""
    with Session(engine) as session:
        return plan_reassignment(session, now_us, settings).as_dict()
