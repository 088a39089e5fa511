"""Helpers the GUI tests share: a known demo database, waiting for every view (the
`open_console` fixture, in conftest.py, opens a console on it)."""

from __future__ import annotations

from core.db import ensure_schema, make_engine
from core.demo import load_demo
from core.timeutil import parse_now

FIXED_NOW = parse_now("2026-11-30T10:00:00+00:00")
TZ = "Europe/Berlin"


def build_demo_database(url: str, *, agents: int = 6, items: int = 600, seed: int = 11) -> None:
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        load_demo(engine, agents=agents, items=items, seed=seed, now_us=FIXED_NOW)
    finally:
        engine.dispose()


def wait_all_loaded(qtbot, console, timeout: int = 30_000) -> None:
    """Until every view has shown figures and none is loading."""
    window = console.window
    qtbot.waitUntil(lambda: len(window.views) == len(window.view_classes) and all(
        v.refresh_count > 0 and not v.loading for v in window.views.values()), timeout=timeout)
    errors = {k: v.last_error for k, v in console.window.views.items() if v.last_error}
    assert not errors, errors
